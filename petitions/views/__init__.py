"""The petitions app's pages, by concern: `public` (filing and tracking, no account), `queue`
(the officials' queue), `staff` (a petition's page, desk entry, documents, the identity
reveal) and `actions` (the staff actions on a petition, one table). Views parse input, call one
service and render; staff reads go through scoped selectors."""

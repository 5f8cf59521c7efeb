"""Services of the petitions app."""

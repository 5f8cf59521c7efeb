"""Services of the reports app."""

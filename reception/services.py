"""Services of the reception app."""

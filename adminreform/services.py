"""Services of the adminreform app."""

"""Selectors of the adminreform app."""

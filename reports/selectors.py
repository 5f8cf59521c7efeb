"""Selectors of the reports app."""

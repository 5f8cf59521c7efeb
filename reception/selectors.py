"""Selectors of the reception app."""

"""Selectors of the petitions app."""

"""Text helpers of the one-stop shop: folding is core.search's, the one definition."""

from core.search import fold

__all__ = ["fold"]

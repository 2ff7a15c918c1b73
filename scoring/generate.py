"""`scoring generate`: the embedded default data set (see scoring/generator/)."""

from scoring.generator import generate, is_complete

__all__ = ["generate", "is_complete"]

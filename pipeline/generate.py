"""`scoring generate`: the embedded default data set (see pipeline/generator/)."""

from pipeline.generator import generate, is_complete

__all__ = ["generate", "is_complete"]

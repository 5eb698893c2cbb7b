"""Assay: LLM data annotation and evaluation operations.

The public surface is small; most names live in subpackages (`assay.spec`, `assay.store`, `assay.io`).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

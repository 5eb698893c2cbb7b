"""Implementation of :mod:`assay.web.render` (import from there)."""

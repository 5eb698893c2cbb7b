"""The web doors: a JSON API under /api (OpenAPI at /api/docs); the annotation UI comes next."""

from assay.web.app import create_app

__all__ = ["create_app"]

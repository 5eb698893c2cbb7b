"""JSON API routes."""

from fastapi import APIRouter

from assay.web.api import projects, tasks

router = APIRouter()
router.include_router(projects.router)
router.include_router(tasks.router)

__all__ = ["router"]

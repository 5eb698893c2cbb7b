"""JSON API routes."""

from fastapi import APIRouter

from assay.web.api import manage, projects, review, tasks

router = APIRouter()
router.include_router(projects.router)
router.include_router(tasks.router)
router.include_router(manage.router)
router.include_router(review.router)

__all__ = ["router"]

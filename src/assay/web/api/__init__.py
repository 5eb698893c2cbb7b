"""JSON API routes."""

from fastapi import APIRouter

from assay.web.api import exports, history, manage, models, projects, quality, review, selfqc, tasks

router = APIRouter()
router.include_router(projects.router)
router.include_router(tasks.router)
router.include_router(manage.router)
router.include_router(review.router)
router.include_router(history.router)
router.include_router(selfqc.router)
router.include_router(quality.router)
router.include_router(models.router)
router.include_router(exports.router)

__all__ = ["router"]

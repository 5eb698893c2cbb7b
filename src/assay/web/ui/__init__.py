"""The browser UI: server-rendered pages (Jinja2), a little JavaScript, no build step, no CDN."""

from fastapi import APIRouter

from assay.web.ui import auth_pages, manage_pages, models_pages, quality_pages, review_pages, work_pages

router = APIRouter(include_in_schema=False)
router.include_router(auth_pages.router)
router.include_router(work_pages.router)
router.include_router(review_pages.router)
router.include_router(manage_pages.router)
router.include_router(quality_pages.router)
router.include_router(models_pages.router)

__all__ = ["router"]

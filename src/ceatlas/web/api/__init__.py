"""The JSON API under ``/api/v1``."""

from fastapi import APIRouter

from ceatlas.web.api import (
    catalog,
    ce,
    directory,
    kb,
    me,
    me_mail,
    planner,
    provider,
    recommend,
    search,
)

router = APIRouter(prefix="/api/v1")
router.include_router(search.router)
router.include_router(directory.router)
router.include_router(catalog.router)
router.include_router(kb.router)
router.include_router(me.router)
router.include_router(me_mail.router)
router.include_router(provider.router)
router.include_router(ce.router)
router.include_router(planner.router)
router.include_router(recommend.router)

__all__ = ["router"]

"""The JSON API under ``/api/v1``."""

from fastapi import APIRouter

from ceatlas.web.api import catalog, kb, me, provider, search

router = APIRouter(prefix="/api/v1")
router.include_router(search.router)
router.include_router(catalog.router)
router.include_router(kb.router)
router.include_router(me.router)
router.include_router(provider.router)

__all__ = ["router"]

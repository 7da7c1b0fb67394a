"""Server-rendered HTML pages (they work without JavaScript)."""

from fastapi import APIRouter

from ceatlas.web.pages import (
    account,
    admin,
    admin_terms,
    catalog,
    ce,
    feeds,
    kb,
    provider,
    recommend,
    recovery,
    search,
    sources,
    therapist,
)

router = APIRouter(include_in_schema=False)
router.include_router(search.router)
router.include_router(catalog.router)
router.include_router(kb.router)
router.include_router(account.router)
router.include_router(recovery.router)
router.include_router(therapist.router)
router.include_router(feeds.router)
router.include_router(ce.router)
router.include_router(provider.router)
router.include_router(admin.router)
router.include_router(admin_terms.router)
router.include_router(sources.router)
router.include_router(recommend.router)

__all__ = ["router"]

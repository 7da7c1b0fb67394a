"""What every request needs (engine, knowledge base, templates), built once per app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ceatlas.config import Settings
from ceatlas.kb import KnowledgeBase
from ceatlas.mail import Mailer
from ceatlas.search import SearchService


@dataclass
class WebContext:
    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    templates: Jinja2Templates
    search: SearchService
    mailer: Mailer
    today: Callable[[], dt.date] = field(default=dt.date.today)


def get_context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ceatlas
    return ctx


Ctx = Annotated[WebContext, Depends(get_context)]


def get_db(ctx: Ctx) -> Iterator[Session]:
    with Session(ctx.engine) as db:
        yield db


Db = Annotated[Session, Depends(get_db)]

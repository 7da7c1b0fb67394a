"""Assemble the services from settings: the one place that wires engine, KB and domains."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.config import Settings
from ceatlas.db import make_engine
from ceatlas.kb import KnowledgeBase, load_kb


@dataclass
class Services:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def kb(self) -> KnowledgeBase:
        """The knowledge base, validated in full (raises KBError listing every problem)."""
        return load_kb(self.settings.kb_dir)

    @cached_property
    def resolver(self) -> Resolver:
        return self.kb

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.engine, self.resolver)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()

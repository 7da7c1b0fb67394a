"""Property-based API tests: schemathesis generates requests from ``/openapi.json``.

Every operation is called in-process (ASGI) with generated valid and invalid input, as an
approved provider and as a therapist (API tokens), so the write API and the therapist's
own record run too. No answer may be a server error,
use a status the schema does not list, or break its documented schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from sqlalchemy import select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.accounts.tokens import ApiTokens
from ceatlas.catalog.models import Provider
from ceatlas.config import load_settings
from ceatlas.web.app import create_app

EXAMPLES = 20
CHECKS = [
    getattr(schemathesis.checks, name)
    for name in (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
]


@pytest.fixture(scope="module")
def api_app(shared_sample_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    data = tmp_path_factory.mktemp("schemathesis")
    app = create_app(load_settings(database_url=shared_sample_url, data_dir=data, kb_dir=None))
    yield app
    app.state.ceatlas.engine.dispose()


@pytest.fixture(scope="module")
def tokens(api_app: FastAPI) -> dict[str, str]:
    """API tokens of an approved provider and of a therapist (each reaches its own part
    of the API: the write API, and the therapist's own record, plans and searches)."""
    engine = api_app.state.ceatlas.engine
    accounts = Accounts(engine)
    with Session(engine) as db:
        key = db.scalars(select(Provider.key).order_by(Provider.id).limit(1)).one()
    provider = accounts.sign_up("fuzz@example.org", "correct horse battery", "Fuzz", Role.PROVIDER)
    accounts.approve_provider(provider.id, key)
    therapist = accounts.sign_up("tess@example.org", "correct horse battery", "Tess")
    return {
        "provider": ApiTokens(engine).create(provider.id, "schemathesis")[1],
        "therapist": ApiTokens(engine).create(therapist.id, "schemathesis")[1],
    }


def _operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        found.append(result.ok())
    return found


# schemathesis' own pytest integration (``from_fixture``) does not run under pytest 9, so each
# operation's strategy is driven by hypothesis here, in both generation modes.
@pytest.mark.parametrize("who", ["provider", "therapist"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(
    api_app: FastAPI, tokens: dict[str, str], mode: GenerationMode, who: str
) -> None:
    headers = {"Authorization": f"Bearer {tokens[who]}"}
    operations = _operations(api_app)
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (e.g. it takes no input).
            assert mode is GenerationMode.NEGATIVE, operation.label

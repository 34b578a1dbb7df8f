"""Schemathesis over the worklist operation: no 5xx, no response outside its schema.

tests/test_api_contract.py covers every route of ``create_app``; this one runs the worklist
route on its own, whether or not the composition root has mounted it yet.
"""

from __future__ import annotations

import schemathesis
from conftest import KeyFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from seawall.app import create_app
from seawall.core.accounts.models import Role
from seawall.core.database import Database
from seawall.core.settings import Settings


def test_the_worklist_keeps_its_contract(
    settings: Settings, database: Database, auth: KeyFactory
) -> None:
    app = create_app(settings, database)
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = auth(Role.TARGETING_OFFICER)
    (operation,) = [
        result.ok() for result in api.get_all_operations() if result.ok().path == "/api/v1/worklist"
    ]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def exercise(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    exercise()

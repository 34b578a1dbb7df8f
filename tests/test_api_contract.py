"""Schemathesis over the node's OpenAPI document: no 5xx, no response outside the schema.

The operations are driven one by one with Hypothesis (schemathesis' pytest plugin does not
run on this pytest), each on the real app and database of the test.
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

EXAMPLES = 30


def test_the_api_keeps_its_contract(
    settings: Settings, database: Database, auth: KeyFactory
) -> None:
    api = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, database))
    headers = auth(Role.ADMIN)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        exercise()

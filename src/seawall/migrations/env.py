"""Alembic's entry point: migrate the database named in the config's attributes."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from seawall import tables
from seawall.core.database import UtcDateTime, make_engine

target_metadata = tables.metadata


def _render_item(kind: str, item: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations name plain SQL types, so they stay valid when the Python types move.
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Run the migrations online, on a connection of our own engine (WAL, pragmas)."""
    engine = make_engine(context.config.attributes["url"])
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


run()

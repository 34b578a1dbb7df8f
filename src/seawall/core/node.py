"""One node as the command line sees it: its settings, and its database opened on demand."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from pydantic import ValidationError

from seawall.core.database import Database
from seawall.core.settings import Settings

CLI_ACTOR = "cli:operator"


@dataclass
class Node:
    """The node's settings and (once asked for) its database."""

    settings: Settings
    _database: Database | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls) -> Node:
        """Read the settings once; a bad setting ends the command with a clear message."""
        try:
            return cls(Settings())
        except ValidationError as error:
            problems = "; ".join(
                f"SEAWALL_{'__'.join(str(p) for p in item['loc']).upper()}: {item['msg']}"
                for item in error.errors()
            )
            typer.echo(f"error: bad setting: {problems}", err=True)
            raise typer.Exit(2) from None

    @property
    def database(self) -> Database:
        """The node's database (opened the first time it is needed)."""
        if self._database is None:
            self._database = Database.from_url(self.settings.url)
        return self._database


def node_of(ctx: typer.Context) -> Node:
    """The node a command runs on, set by the root command."""
    node: Node = ctx.find_root().obj
    return node

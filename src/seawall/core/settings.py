"""The node's settings, read once from ``SEAWALL_*`` variables and an optional TOML file.

Every setting is documented in docs/settings.md. Build a ``Settings`` at start-up and pass it
down; nothing reads the environment at import time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_LEAD_TIMES = {
    "marine": timedelta(hours=24),
    "air": timedelta(hours=4),
    "rail": timedelta(hours=2),
    "road": timedelta(hours=1),
}


LOCODE = r"^[A-Z]{2}[A-Z2-9]{3}$"
Port = Annotated[str, Field(pattern=LOCODE)]
Containers = Annotated[int, Field(ge=0, le=100_000)]


class WorklistSettings(BaseModel):
    """How many boxes each port can examine a day, and how many of them are drawn at random."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capacity: dict[Port, Containers] = Field(
        default_factory=dict,
        description="Containers each port can examine a day, by UN/LOCODE, for example "
        '{"CAHAL": 12, "CAPRR": 8}; a port not named has default_capacity.',
    )
    default_capacity: Containers = Field(
        default=10, description="Containers a day for a port not named in capacity."
    )
    compliance_share: float = Field(
        default=0.1,
        ge=0.0,
        le=0.5,
        description="Share of each day's capacity kept for compliance exams drawn at random "
        "from the boxes risk did not select (rounded half up to whole containers).",
    )
    compliance_salt: SecretStr = Field(
        default=SecretStr("seawall-compliance"),
        description="Node secret mixed into the random draw so that it is the same on every "
        "reload of a day's worklist but cannot be foreseen by a filer; set your own.",
    )

    def capacity_of(self, port: str) -> int:
        """The daily exam capacity of ``port``, in containers."""
        return self.capacity.get(port, self.default_capacity)


class Settings(BaseSettings):
    """One node's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SEAWALL_",
        env_nested_delimiter="__",
        toml_file="seawall.toml",
        extra="forbid",
    )

    agency: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = Field(
        default="CA", description="Agency code of this node (ISO country of the agency)."
    )
    data_dir: Path = Field(
        default=Path("var"), description="Where the node keeps its SQLite file and images."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default a SQLite file `seawall.db` in the data directory.",
    )
    host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the API listens on.")
    lead_times: dict[str, timedelta] = Field(
        default_factory=lambda: dict(DEFAULT_LEAD_TIMES),
        description="Time before loading a filing is due, per transport mode.",
    )
    key_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long the API trusts a key it has checked; a revoked key works that "
        "long at most. 0: check every call.",
    )
    in_play_days: float = Field(
        default=7.0,
        ge=0,
        description="A filing stays in play (re-scored when packs, watchlists or the model "
        "change) until this many days after its box's discharge ETA.",
    )
    risk_refresh_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often the API checks for a new risk configuration (packs, "
        "watchlists, model) loaded by another process. 0: every call.",
    )
    worklist: WorklistSettings = Field(
        default_factory=WorklistSettings,
        description="Daily exam capacity per port and the random compliance share "
        "(docs/worklist.md).",
    )
    max_body_bytes: int = Field(
        default=2_000_000, ge=10_000, description="Largest request body for one filing."
    )
    max_batch_body_bytes: int = Field(
        default=64_000_000, ge=10_000, description="Largest request body for a batch."
    )

    @field_validator("lead_times")
    @classmethod
    def _every_mode(cls, value: dict[str, timedelta]) -> dict[str, timedelta]:
        # A partial table from the environment only overrides the modes it names.
        unknown = sorted(set(value) - set(DEFAULT_LEAD_TIMES))
        if unknown:
            modes = ", ".join(DEFAULT_LEAD_TIMES)
            raise ValueError(f"unknown transport mode {', '.join(unknown)}; the modes are {modes}")
        return DEFAULT_LEAD_TIMES | value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no .env files
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no secret dirs
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit arguments win, then the environment, then ``seawall.toml``."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def url(self) -> str:
        """The database URL in force."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'seawall.db'}"

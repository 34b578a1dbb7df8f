"""What bulk scoring reads of stored filing documents beside the features, as columns.

The parties (for screening and the history keys), the transport document number and the seals,
taken from the documents as ``frames.decode`` reads their JSON text into columns: parsing a
million documents into Python dicts would cost more than everything else bulk scoring does.
Per distinct party, not per filing, Python then does what only it can (party keys, watchlist
screening).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from seawall.risk.rules import frames
from seawall.risk.rules.history import FILINGS_SCHEMA, HISTORY_SCHEMA, party_keys
from seawall.risk.scoring.models import PARTY_KEY_LENGTH
from seawall.risk.watchlists import Match, Screener
from seawall.risk.watchlists.screener import ROLES, PartyFacts

_FACTS = ("name", "identifier", "city", "country")
# The history frame ``risk.rules.history`` reads, plus the filing each row is the latest of.
FRAME_SCHEMA: dict[str, Any] = {"filing_id": pl.Int64, **HISTORY_SCHEMA}


@dataclass(frozen=True, slots=True)
class Stored:
    """A scored version's facts the assessments table keeps beside the figures."""

    version_id: int
    filing_id: int
    version: int
    latest: bool
    received_at: datetime
    document_number: str
    port_of_discharge: str
    discharge_eta: datetime
    shipper_key: str
    consignee_key: str
    seals: list[str]

    def assessment_values(self) -> tuple[Any, ...]:
        """The assessment row's columns other than the figures, in ``ASSESSMENT_COLUMNS``."""
        return (
            self.version_id,
            self.filing_id,
            self.version,
            self.latest,
            self.received_at,
            self.document_number,
            self.port_of_discharge,
            self.discharge_eta,
            *self.party_keys,
        )

    @property
    def party_keys(self) -> tuple[str, str]:
        """The shipper's and the consignee's history keys, as stored (at most the column's
        length)."""
        return self.shipper_key[:PARTY_KEY_LENGTH], self.consignee_key[:PARTY_KEY_LENGTH]


ASSESSMENT_COLUMNS = (
    "filing_version_id",
    "filing_id",
    "version",
    "current",
    "received_at",
    "document_number",
    "port_of_discharge",
    "discharge_eta",
    "shipper_key",
    "consignee_key",
)


@dataclass(frozen=True)
class Raw:
    """Stored versions as read for bulk scoring: columns, the documents as JSON text."""

    version_ids: list[int]
    filing_ids: list[int]
    versions: list[int]
    latest: list[bool]
    received_at: pl.Series  # UTC datetimes: a column from read to write, made once
    texts: pl.Series


def decode(texts: pl.Series) -> pl.DataFrame:
    """The documents decoded once (``frames.decode``: what the features read), plus per
    document ``document_number``, ``port_of_discharge``, ``discharge_eta`` (text), ``seals``
    (every box's, in order), per party role ``<role>_name``, ``_identifier``, ``_city`` and
    ``_country`` (null when the party is absent), and the history keys ``shipper_key`` and
    ``consignee_key`` (``history.party_key``)."""
    seals = (
        pl.col("containers")
        .list.eval(pl.element().struct.field("seals").explode().drop_nulls())
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    route = pl.col("route").struct
    roles = []
    for role in ROLES:
        party = pl.col("parties").struct.field(role).struct
        roles += [
            party.field("name").alias(f"{role}_name"),
            party.field("identifier").alias(f"{role}_identifier"),
            party.field("address").struct.field("city").alias(f"{role}_city"),
            party.field("address").struct.field("country").alias(f"{role}_country"),
        ]
    decoded = frames.decode(texts).with_columns(
        pl.col("transport_document").struct.field("number").alias("document_number"),
        route.field("port_of_discharge").alias("port_of_discharge"),
        route.field("discharge_eta").alias("discharge_eta"),
        seals.alias("seals"),
        *roles,
    )
    return decoded.with_columns(
        party_keys(decoded["shipper_name"], decoded["shipper_country"]).alias("shipper_key"),
        party_keys(decoded["consignee_name"], decoded["consignee_country"]).alias("consignee_key"),
    )


def filing_rows(slim: pl.DataFrame, keys: list[str], received_at: pl.Series) -> pl.DataFrame:
    """The frame of filings to compute history features for (``history.FILINGS_SCHEMA``)."""
    return pl.DataFrame(
        {
            "key": keys,
            "received_at": received_at,
            "document_number": slim["document_number"],
            "shipper_key": slim["shipper_key"],
            "consignee_key": slim["consignee_key"],
            "seals": slim["seals"],
        },
        schema=FILINGS_SCHEMA,
    )


def history_rows(
    slim: pl.DataFrame,
    filing_ids: list[int],
    received_at: pl.Series,
    findings: dict[int, bool],
) -> pl.DataFrame:
    """The history frame rows (``store.FRAME_SCHEMA``) of decoded documents."""
    rows = filing_rows(slim, [str(filing) for filing in filing_ids], received_at)
    return (
        rows.drop("key")
        .with_columns(
            pl.Series("filing_id", filing_ids, dtype=pl.Int64),
            pl.Series("finding", [findings.get(filing) for filing in filing_ids], dtype=pl.Boolean),
        )
        .select(list(FRAME_SCHEMA))
    )


def matches(screener: Screener | None, slim: pl.DataFrame) -> list[list[Match]]:
    """Each document's watchlist matches, best first, as ``Screener.screen_parties`` gives
    them; every distinct party of a role is screened once."""
    found: list[list[Match]] = [[] for _ in range(slim.height)]
    if screener is None:
        return found
    for role in ROLES:
        columns = [f"{role}_{fact}" for fact in _FACTS]
        parties = slim.select(columns).with_row_index("row").drop_nulls(f"{role}_name")
        distinct = parties.select(columns).unique()
        hits: dict[tuple[Any, ...], list[Match]] = {}
        for name, identifier, city, country in distinct.iter_rows():
            listed = screener.screen_party(role, PartyFacts(name, identifier, country, city))
            if listed:
                hits[(name, identifier, city, country)] = listed
        if not hits:
            continue
        listed_facts = list(hits)
        hit_frame = pl.DataFrame(
            [(*facts, index) for index, facts in enumerate(listed_facts)],
            schema=[*[(c, pl.String) for c in columns], ("hit", pl.Int64)],
            orient="row",
        )
        joined = parties.join(hit_frame, on=columns, how="inner", nulls_equal=True)
        for row, hit in joined.select("row", "hit").sort("row").iter_rows():
            found[row].extend(hits[listed_facts[hit]])
    for listed in found:
        # Roles in order, then a stable sort by score: what screen_parties does.
        listed.sort(key=lambda match: -match.score)
    return found


def stored_frame(slim: pl.DataFrame, raw: Raw, history: pl.DataFrame) -> pl.DataFrame:
    """The facts of each version to keep with its assessment, as columns: ``ASSESSMENT_COLUMNS``
    then ``seals`` (``history`` from :func:`history_rows` of the same versions gives the
    party keys, cut to the column's length as :attr:`Stored.party_keys` cuts them)."""
    return pl.DataFrame(
        {
            "filing_version_id": pl.Series(raw.version_ids, dtype=pl.Int64),
            "filing_id": pl.Series(raw.filing_ids, dtype=pl.Int64),
            "version": pl.Series(raw.versions, dtype=pl.Int64),
            "current": pl.Series(raw.latest, dtype=pl.Boolean),
            "received_at": raw.received_at,
            "document_number": slim["document_number"],
            "port_of_discharge": slim["port_of_discharge"],
            "discharge_eta": slim["discharge_eta"].str.to_datetime(time_unit="us", time_zone="UTC"),
            "shipper_key": history["shipper_key"].str.slice(0, PARTY_KEY_LENGTH),
            "consignee_key": history["consignee_key"].str.slice(0, PARTY_KEY_LENGTH),
            "seals": slim["seals"],
        }
    )


def with_rows(history: pl.DataFrame, added: pl.DataFrame, versions: list[int]) -> pl.DataFrame:
    """``history`` once these versions are scored: each filing's row is its latest version's
    (``added`` holds the versions' rows, ``versions`` their numbers)."""
    latest = (
        added.with_columns(pl.Series("version", versions, dtype=pl.Int64))
        .sort("version")
        .unique("filing_id", keep="last", maintain_order=True)
        .drop("version")
    )
    kept = history.join(latest.select("filing_id"), on="filing_id", how="anti")
    return pl.concat([kept, latest])

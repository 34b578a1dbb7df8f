"""Reading filing versions and history for scoring, and writing assessments back.

History rows come from the assessments table (each scored filing's latest version: its parties'
keys and seals) with the exam findings of each filing, in the shape ``risk.rules.history``
reads, so the node's history features have one written definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
import polars as pl
from sqlalchemy import ColumnElement, Select, Table, and_, select, union, update
from sqlalchemy.orm import Session

from seawall.core.database import insert_rows, utcnow
from seawall.exams.queries import findings_by_filing
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.risk.rules.features import FilingInput
from seawall.risk.rules.history import HISTORY_SCHEMA, history_row, party_key
from seawall.risk.scoring.models import AssessedSeal, Assessment
from seawall.risk.scoring.scorer import Assessed

_ASSESSMENTS = cast(Table, Assessment.__table__)
_SEALS = cast(Table, AssessedSeal.__table__)
_IN_LIST = 5_000  # ids per IN list: well under SQLite's bound-parameter limit
# The history frame ``risk.rules.history`` reads, plus the filing each row is the latest of.
FRAME_SCHEMA: dict[str, Any] = {"filing_id": pl.Int64, **HISTORY_SCHEMA}


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A stored filing version as scoring needs it."""

    id: int
    filing_id: int
    version: int
    latest: bool
    received_at: datetime
    document: dict[str, Any]

    @property
    def input(self) -> FilingInput:
        """The scorer's view of this version; its key is the version id."""
        return FilingInput(str(self.id), self.document, self.received_at, self.version)


def _version_query() -> Select[int, int, int, int, datetime, str]:
    return select(
        FilingVersion.id,
        FilingVersion.filing_id,
        FilingVersion.version,
        Filing.latest_version,
        FilingVersion.received_at,
        FilingVersion.document,
    ).join(Filing, Filing.id == FilingVersion.filing_id)


def _stored(rows: Iterable[Any]) -> list[StoredVersion]:
    return [
        StoredVersion(id_, filing, version, version == latest, received, orjson.loads(document))
        for id_, filing, version, latest, received, document in rows
    ]


def versions_by_number(session: Session, keys: Sequence[tuple[int, int]]) -> list[StoredVersion]:
    """The versions named by (filing id, version number) pairs, in the order given."""
    if not keys:
        return []
    ids = {filing for filing, _ in keys}
    rows = session.execute(_version_query().where(FilingVersion.filing_id.in_(ids)))
    found = {(v.filing_id, v.version): v for v in _stored(rows) if (v.filing_id, v.version) in keys}
    return [found[key] for key in keys if key in found]


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def versions_by_id(session: Session, ids: Sequence[int]) -> list[StoredVersion]:
    """The versions with these ids (any order)."""
    found: list[StoredVersion] = []
    for part in _chunks(ids, _IN_LIST):
        found += _stored(session.execute(_version_query().where(FilingVersion.id.in_(part))))
    return found


def unscored_ids(session: Session) -> list[int]:
    """Ids of the versions with no assessment yet, oldest receipt first."""
    query = (
        select(FilingVersion.id)
        .outerjoin(Assessment, Assessment.filing_version_id == FilingVersion.id)
        .where(Assessment.id.is_(None))
        .order_by(FilingVersion.received_at, FilingVersion.id)
    )
    return list(session.scalars(query))


def in_play_ids(session: Session, since: datetime, below_generation: int | None) -> list[int]:
    """Versions still in play: the latest of active filings whose box is due or arrived since
    ``since``; with ``below_generation``, only those assessed under an older configuration."""
    query = (
        select(Assessment.filing_version_id)
        .join(Filing, Filing.id == Assessment.filing_id)
        .where(
            Assessment.current,
            Filing.status == FilingStatus.ACTIVE.value,
            Assessment.discharge_eta >= since,
        )
        .order_by(Assessment.received_at, Assessment.filing_version_id)
    )
    if below_generation is not None:
        query = query.where(Assessment.generation < below_generation)
    return list(session.scalars(query))


def _history_rows(session: Session, where: ColumnElement[bool] | None) -> list[dict[str, Any]]:
    query = select(
        Assessment.id,
        Assessment.filing_id,
        Assessment.received_at,
        Assessment.document_number,
        Assessment.shipper_key,
        Assessment.consignee_key,
    ).where(Assessment.current)
    if where is not None:
        query = query.where(where)
    rows = session.execute(query).all()
    seals: dict[int, list[str]] = {}
    for part in _chunks([row[0] for row in rows], _IN_LIST):
        found = session.execute(
            select(AssessedSeal.assessment_id, AssessedSeal.seal).where(
                AssessedSeal.assessment_id.in_(part)
            )
        )
        for assessment, seal in found:
            seals.setdefault(assessment, []).append(seal)
    findings = findings_by_filing(session, sorted({row[1] for row in rows}))
    return [
        {
            "filing_id": filing,
            "received_at": received,
            "document_number": number,
            "shipper_key": shipper,
            "consignee_key": consignee,
            "seals": sorted(seals.get(id_, [])),
            "finding": findings.get(filing),
        }
        for id_, filing, received, number, shipper, consignee in rows
    ]


def _frame(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame([{n: row[n] for n in FRAME_SCHEMA} for row in rows], FRAME_SCHEMA)


def full_history(session: Session) -> pl.DataFrame:
    """The history frame of every scored filing (its latest scored version), for bulk scoring."""
    return _frame(_history_rows(session, None))


def history_around(session: Session, documents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history rows that can bear on these filings: same shipper, consignee or a seal."""
    shippers = {party_key(doc["parties"]["shipper"]) for doc in documents}
    consignees = {party_key(doc["parties"]["consignee"]) for doc in documents}
    seals = {s for doc in documents for box in doc["containers"] for s in box.get("seals", [])}
    # A union of three index look-ups: an OR of them makes SQLite scan the table.
    related = union(
        select(Assessment.id).where(Assessment.shipper_key.in_(shippers)),
        select(Assessment.id).where(Assessment.consignee_key.in_(consignees)),
        select(AssessedSeal.assessment_id).where(AssessedSeal.seal.in_(seals)),
    )
    return _history_rows(session, Assessment.id.in_(related.scalar_subquery()))


def with_versions(
    session: Session, history: pl.DataFrame, versions: Sequence[StoredVersion]
) -> pl.DataFrame:
    """``history`` as it stands once ``versions`` are scored: each one's row replaces the
    row of its filing's earlier version, as the assessments table will have it."""
    latest: dict[int, StoredVersion] = {}
    for version in versions:
        if version.version >= latest.get(version.filing_id, version).version:
            latest[version.filing_id] = version
    findings = findings_by_filing(session, sorted(latest))
    rows = [
        {"filing_id": filing}
        | history_row(v.document, v.received_at, str(v.id), findings.get(filing))
        for filing, v in latest.items()
    ]
    added = _frame(rows)
    kept = history.filter(~pl.col("filing_id").is_in(list(latest)))
    return pl.concat([kept, added])


def _assessment_ids(session: Session, version_ids: Sequence[int]) -> dict[int, int]:
    """The assessment id of each of these versions that has one."""
    found: dict[int, int] = {}
    for part in _chunks(version_ids, _IN_LIST):
        rows = session.execute(
            select(Assessment.filing_version_id, Assessment.id).where(
                Assessment.filing_version_id.in_(part)
            )
        )
        for version, assessment in rows:
            found[version] = assessment
    return found


def save(
    session: Session,
    versions: Sequence[StoredVersion],
    assessed: Sequence[Assessed],
    generation: int,
) -> None:
    """Write the assessments of ``versions`` (same order): update those scored before, insert
    the rest with their seals, and keep ``current`` on each filing's latest version only."""
    now = utcnow()
    existing = _assessment_ids(session, [v.id for v in versions])
    fresh, changed = [], []
    for version, result in zip(versions, assessed, strict=True):
        figures = _figures(result, generation, now)
        if version.id in existing:
            changed.append({"id": existing[version.id]} | figures)
        else:
            fresh.append(_new_row(version) | figures)
    if changed:
        session.execute(update(Assessment), changed)
    if not fresh:
        return
    insert_rows(session, _ASSESSMENTS, fresh)
    ids = _assessment_ids(session, [row["filing_version_id"] for row in fresh])
    seals = [
        {"assessment_id": ids[v.id], "seal": seal}
        for v in versions
        if v.id not in existing
        for seal in sorted({s for box in v.document["containers"] for s in box.get("seals", [])})
    ]
    insert_rows(session, _SEALS, seals)
    # An amendment's earlier versions stop being current once it is scored.
    amended = {v.filing_id: ids[v.id] for v in versions if v.version > 1 and v.id not in existing}
    filings = sorted(amended)
    for part in _chunks(filings, _IN_LIST):
        session.execute(
            update(Assessment)
            .where(and_(Assessment.filing_id.in_(part), Assessment.current))
            .where(Assessment.id.not_in([amended[filing] for filing in part]))
            .values(current=False)
        )


def _figures(result: Assessed, generation: int, now: datetime) -> dict[str, Any]:
    return {
        "score": result.score,
        "band": result.band,
        "action": result.action,
        "rule_score": result.rule_score,
        "watchlist_score": result.watchlist_score,
        "model_probability": result.model_probability,
        "model_version": result.model_version,
        "generation": generation,
        "explanation": orjson.dumps(result.explanation).decode(),
        "assessed_at": now,
    }


def _new_row(version: StoredVersion) -> dict[str, Any]:
    route = version.document["route"]
    parties = version.document["parties"]
    return {
        "filing_version_id": version.id,
        "filing_id": version.filing_id,
        "version": version.version,
        "current": version.latest,
        "received_at": version.received_at,
        "document_number": version.document["transport_document"]["number"],
        "port_of_discharge": route["port_of_discharge"],
        "discharge_eta": datetime.fromisoformat(route["discharge_eta"]),
        "shipper_key": party_key(parties["shipper"])[:400],
        "consignee_key": party_key(parties["consignee"])[:400],
    }

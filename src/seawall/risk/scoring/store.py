"""Reading filing versions and history for scoring, and writing assessments back.

History rows come from the assessments table (each scored filing's latest version: its parties'
keys and seals) with the exam findings of each filing, in the shape ``risk.rules.history``
reads, so the node's history features have one written definition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import orjson
import polars as pl
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from seawall.core.database import (
    Fetch,
    driver_rows,
    fetch_together,
    frame_by_keys,
    ids_fetch,
    insert_frame,
    insert_values,
    pairs_fetch,
    pipelined,
    reserve_ids,
    rows_by_keys,
    statement_fetch,
    utcnow,
)
from seawall.exams.queries import findings_by_filing, findings_fetch, found_filing_ids
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.filings.service import AcceptedVersion
from seawall.risk.rules.features import FilingInput
from seawall.risk.rules.history import history_row, party_key
from seawall.risk.scoring import parties
from seawall.risk.scoring.documents import ASSESSMENT_COLUMNS, FRAME_SCHEMA, Raw, Stored
from seawall.risk.scoring.models import AssessedSeal, Assessment

if TYPE_CHECKING:  # not at run time: bulk scoring's writing process never loads the model
    from seawall.risk.scoring.scorer import Assessed, Assessments

_ASSESSMENTS = cast(Table, Assessment.__table__)
_VERSIONS = cast(Table, FilingVersion.__table__)
_HISTORY_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "filing_id": pl.Int64(),
    "received_at": pl.Datetime("us", "UTC"),
    "document_number": pl.String(),
    "shipper_key": pl.String(),
    "consignee_key": pl.String(),
}
_FILINGS = cast(Table, Filing.__table__)
_SEALS = cast(Table, AssessedSeal.__table__)
TABLES = (_ASSESSMENTS, _SEALS, parties.TABLE)  # what bulk scoring writes
_IN_LIST = 5_000  # ids per IN list: well under SQLite's bound-parameter limit


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


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def raw_versions(session: Session, ids: Sequence[int]) -> Raw:
    """The versions with these ids, their documents left as JSON text, for bulk scoring.

    Read as columns (``frame_by_keys``; on PostgreSQL outside the session's transaction:
    stored versions do not change). A filing's latest version is read after its versions, so
    a version counts as latest only if it still was when the chunk was read.
    """
    versions = frame_by_keys(
        session, _VERSIONS, "id", ids, ("filing_id", "version", "received_at", "document")
    ).cast({"id": pl.Int64, "filing_id": pl.Int64, "version": pl.Int64, "document": pl.String})
    filings = versions.get_column("filing_id").unique().sort().to_list()
    latest = frame_by_keys(session, _FILINGS, "id", filings, ("latest_version",)).select(
        pl.col("id").cast(pl.Int64).alias("filing_id"), pl.col("latest_version").cast(pl.Int64)
    )
    versions = versions.join(latest, on="filing_id", how="left", maintain_order="left")
    return Raw(
        version_ids=versions.get_column("id").to_list(),
        filing_ids=versions.get_column("filing_id").to_list(),
        versions=versions.get_column("version").to_list(),
        latest=(versions.get_column("version") == versions.get_column("latest_version")).to_list(),
        received_at=_utc_column(versions.get_column("received_at")),
        texts=versions.get_column("document"),
    )


def stored_of(version: StoredVersion) -> Stored:
    """The facts of a parsed version to keep with its assessment."""
    document = version.document
    route = document["route"]
    return Stored(
        version_id=version.id,
        filing_id=version.filing_id,
        version=version.version,
        latest=version.latest,
        received_at=version.received_at,
        document_number=document["transport_document"]["number"],
        port_of_discharge=route["port_of_discharge"],
        discharge_eta=datetime.fromisoformat(route["discharge_eta"]),
        shipper_key=party_key(document["parties"]["shipper"]),
        consignee_key=party_key(document["parties"]["consignee"]),
        seals=[seal for box in document["containers"] for seal in box.get("seals", [])],
    )


def unscored_ids(session: Session) -> list[int]:
    """Ids of the versions with no assessment yet, oldest receipt first."""
    query = (
        select(FilingVersion.id)
        .outerjoin(Assessment, Assessment.filing_version_id == FilingVersion.id)
        .where(Assessment.id.is_(None))
        .order_by(FilingVersion.received_at, FilingVersion.id)
    )
    return [row[0] for row in driver_rows(session, query)]


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


def full_history(session: Session, findings: Mapping[int, bool]) -> pl.DataFrame:
    """The history frame of every scored filing (its latest scored version), for bulk scoring;
    ``findings`` as ``exams.queries.all_findings`` gives them."""
    query = select(
        Assessment.id,
        Assessment.filing_id,
        Assessment.received_at,
        Assessment.document_number,
        Assessment.shipper_key,
        Assessment.consignee_key,
    ).where(Assessment.current)
    # Driver rows; their timestamps are converted once, as a column (``_history_frame``).
    rows = driver_rows(session, query)
    seals = driver_rows(session, select(AssessedSeal.assessment_id, AssessedSeal.seal))
    by_assessment = (
        pl.DataFrame(seals, schema={"id": pl.Int64, "seal": pl.String}, orient="row")
        .sort("seal")
        .group_by("id")
        .agg(pl.col("seal").alias("seals"))
    )
    frame = _history_frame(rows)
    return (
        frame.join(by_assessment, on="id", how="left", maintain_order="left")
        .with_columns(
            pl.col("seals").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("filing_id")
            .replace_strict(findings, default=None, return_dtype=pl.Boolean)
            .alias("finding"),
        )
        .select(list(FRAME_SCHEMA))
    )


def _history_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """Assessment rows as the driver gave them (timestamps: see :func:`_utc_column`)."""
    if not rows or not isinstance(rows[0][2], str):
        return pl.DataFrame(rows, schema=_HISTORY_COLUMNS, orient="row")
    text = {**_HISTORY_COLUMNS, "received_at": pl.String()}
    return pl.DataFrame(rows, schema=text, orient="row").with_columns(_utc(pl.col("received_at")))


def _utc_column(values: pl.Series) -> pl.Series:
    """Timestamps as the database gave them, as a UTC column: SQLite gives naive UTC text,
    parsed here all at once rather than one Python datetime at a time."""
    if values.dtype == pl.String:
        return values.to_frame().select(_utc(pl.col(values.name))).to_series()
    return values.cast(pl.Datetime("us", "UTC"))


def _utc(text: pl.Expr) -> pl.Expr:
    return text.str.to_datetime(time_unit="us").dt.replace_time_zone("UTC")


# A seal of the filing on another bill's current assessment (every stored one was received
# before a POSTed filing). Built once: SQLAlchemy then reuses its compiled form.
_SEAL_SEEN = (
    select(AssessedSeal.seal)
    .join(Assessment, Assessment.id == AssessedSeal.assessment_id)
    .where(
        Assessment.current,
        AssessedSeal.seal.in_(bindparam("seals", expanding=True)),
        Assessment.document_number != bindparam("number"),
    )
    .limit(1)
)


def _history(known: Mapping[str, tuple[int, int]], reused: bool) -> dict[str, Any]:
    """The history fields of one POSTed filing, from its parties' counts (``parties.known``)
    and whether a seal of it is on another bill's current assessment.

    The definitions of ``risk.rules.history.history_features`` (the bulk path), from
    ``risk_party_history`` and the seals index: a POSTed filing is received after every stored
    one, so all of them are "earlier". A node-level test holds the two paths equal.
    """
    (shipper, shipper_found), (consignee, consignee_found) = known["shipper"], known["consignee"]
    return {
        "shipper_first_seen": shipper == 0,
        "consignee_first_seen": consignee == 0,
        "party_first_seen": shipper == 0 or consignee == 0,
        "shipper_prior_filings": float(shipper),
        "consignee_prior_filings": float(consignee),
        "party_prior_findings": float(shipper_found + consignee_found),
        "seal_reused": reused,
    }


def _assessment_ids(session: Session, version_ids: Sequence[int]) -> dict[int, int]:
    """The assessment id of each of these versions that has one."""
    return dict(rows_by_keys(session, _ASSESSMENTS, "filing_version_id", version_ids, ("id",)))


@dataclass(frozen=True, slots=True)
class Taken:
    """What writing a POST's assessments needs beside them: the ids reserved for them, and for
    amendments the filings' exam findings and the current assessments they replace."""

    ids: list[int]
    findings: dict[int, bool]
    replaced: list[parties.Party]


@dataclass(frozen=True, slots=True)
class Posted:
    """The versions a POST stored, their history fields, and what writing them needs."""

    versions: list[StoredVersion]
    histories: list[dict[str, Any]]
    taken: Taken


_NOTHING: Fetch[list[tuple[Any, ...]]] = Fetch("", (), list)


def look_up_posted(session: Session, accepted: Sequence[AcceptedVersion]) -> Posted:
    """What scoring the versions a POST just stored needs from the database, in one round
    trip on PostgreSQL (``fetch_together``: 0.7 ms at p50 on the bench node, where one round
    trip each had taken 1.1 ms of a 2.8 ms step): their ids, their parties' counts, seal
    reuse, ids for their assessments; for amendments, the exam findings, and their filings'
    earlier assessments, which stop being current here."""
    newest: dict[int, int] = {}
    for one in accepted:
        newest[one.filing_id] = max(one.version, newest.get(one.filing_id, one.version))
    documents = [orjson.loads(one.document) for one in accepted]
    mine = [history_row(document, one.received_at)
            for document, one in zip(documents, accepted, strict=True)]  # fmt: skip
    amended = sorted({one.filing_id for one in accepted if one.version > 1})
    seals = [
        statement_fetch(
            session, _SEAL_SEEN, {"seals": me["seals"], "number": me["document_number"]}
        )
        if me["seals"]
        else _NOTHING
        for me in mine
    ]
    keys = {(one.filing_id, one.version) for one in accepted}
    version_ids, counts, ids, findings, *seen, replaced = fetch_together(
        session,
        pairs_fetch(session, _VERSIONS, ("filing_id", "version"), keys, ("id",)),
        parties.counts_fetch(session, [(me["shipper_key"], me["consignee_key"]) for me in mine]),
        ids_fetch(session, _ASSESSMENTS, len(accepted)),
        findings_fetch(session, amended),
        *seals,
        # Last: the look-ups above see the assessments as they were.
        statement_fetch(session, _REPLACED, {"filings": amended}) if amended else _NOTHING,
    )
    id_of = {(filing, version): id_ for filing, version, id_ in version_ids}
    versions = [
        StoredVersion(id_of[one.filing_id, one.version], one.filing_id, one.version,
                      one.version == newest[one.filing_id], one.received_at, document)
        for one, document in zip(accepted, documents, strict=True)
    ]  # fmt: skip
    histories = [
        _history(parties.known(counts, me["shipper_key"], me["consignee_key"]), bool(rows))
        for me, rows in zip(mine, seen, strict=True)
    ]
    gone = [(shipper, consignee, bool(found)) for _, shipper, consignee, found in replaced]
    return Posted(versions, histories, Taken(ids, findings, gone))


def save(
    session: Session,
    stored: Sequence[Stored],
    assessed: Sequence[Assessed],
    generation: int,
    taken: Taken,
) -> None:
    """Write the assessments of the versions a POST stored (``stored``, ``assessed`` and
    ``taken.ids`` in the same order) with their seals, and count their parties."""
    now = utcnow()
    current = [(*row.party_keys, taken.findings.get(row.filing_id, False))
               for row in stored if row.latest]  # fmt: skip
    assessments = [
        (id_, *row.assessment_values(), *_figures(result, generation, now))
        for id_, row, result in zip(taken.ids, stored, assessed, strict=True)
    ]
    seals = [(id_, seal) for id_, row in zip(taken.ids, stored, strict=True)
             for seal in sorted(set(row.seals))]  # fmt: skip
    # The reads are done: the writes go together (one round trip for a POST's on PostgreSQL).
    with pipelined(session, len(assessments) + len(seals)):
        insert_values(session, _ASSESSMENTS, _INSERTED_COLUMNS, assessments)
        insert_values(session, _SEALS, ("assessment_id", "seal"), seals)
        parties.count(session, current, taken.replaced)


def assessment_rows(stored: pl.DataFrame, assessed: Assessments, generation: int) -> pl.DataFrame:
    """What bulk scoring writes, as columns: each version's facts (``stored``, as
    ``documents.stored_frame`` gives them) beside its figures (``assessed``, the scorer's
    answers for the same versions in the same order), explanations as JSON text."""
    figures = _figures_frame(assessed, generation, utcnow())
    return pl.concat([stored, figures], how="horizontal")


def save_rows(session: Session, frame: pl.DataFrame) -> None:
    """:func:`save` for bulk scoring, of :func:`assessment_rows`."""
    existing = _assessment_ids(session, frame["filing_version_id"].to_list())
    if existing:
        scored = pl.col("filing_version_id").is_in(list(existing))
        changed = frame.filter(scored).select("filing_version_id", *_FIGURE_COLUMNS)
        session.execute(
            update(Assessment),
            [{"id": existing[version]} | dict(zip(_FIGURE_COLUMNS, figures, strict=True))
             for version, *figures in changed.iter_rows()],
        )  # fmt: skip
        frame = frame.filter(~scored)
    if frame.is_empty():
        return
    ids = reserve_ids(session, _ASSESSMENTS, frame.height)
    frame = frame.with_columns(pl.Series("id", ids, dtype=pl.Int64))
    latest = frame.filter("current").select("filing_id", "version", "shipper_key", "consignee_key")
    current, replaced = _take_current(session, latest.rows())
    seals = (
        frame.select(pl.col("id").alias("assessment_id"), pl.col("seals").alias("seal"))
        .explode("seal")
        .drop_nulls()
        .unique()
        .sort("assessment_id", "seal")
    )
    insert_frame(session, _ASSESSMENTS, frame.select(_INSERTED_COLUMNS))
    insert_frame(session, _SEALS, seals)
    parties.count(session, current, replaced)


Latest = tuple[int, int, str, str]  # a filing's latest version: filing, version, party keys
Replaced = tuple[int, str, str, bool]  # an earlier current assessment: filing, parties, found


def _take_current(
    session: Session, latest: Sequence[Latest]
) -> tuple[list[parties.Party], list[parties.Party]]:
    """Make way for new assessments of filings' latest versions: an amendment's earlier
    current assessment stops being current. The parties of both, for the counts."""
    amended = sorted({filing for filing, version, _, _ in latest if version > 1})
    replaced: list[Replaced] = []
    for part in _chunks(amended, _IN_LIST):
        rows = session.execute(_REPLACED, {"filings": part})
        replaced += [(filing, shipper, consignee, bool(was_found))
                     for filing, shipper, consignee, was_found in rows]  # fmt: skip
    found = {filing: was_found for filing, _, _, was_found in replaced}
    found |= findings_by_filing(session, [filing for filing, *_ in latest if filing not in found])
    current = [(shipper, consignee, found.get(filing, False))
               for filing, _, shipper, consignee in latest]  # fmt: skip
    gone = [(shipper, consignee, was_found) for _, shipper, consignee, was_found in replaced]
    return current, gone


# An amendment's earlier current assessments stop being current: their filing, parties and
# whether an exam of the filing found something (which moves to the amendment's parties).
_REPLACED = (
    update(_ASSESSMENTS)
    .where(
        _ASSESSMENTS.c.filing_id.in_(bindparam("filings", expanding=True)),
        _ASSESSMENTS.c.current,
    )
    .values(current=False)
    .returning(
        _ASSESSMENTS.c.filing_id,
        _ASSESSMENTS.c.shipper_key,
        _ASSESSMENTS.c.consignee_key,
        _ASSESSMENTS.c.filing_id.in_(found_filing_ids()),
    )
)


_FIGURE_COLUMNS = ("score", "band", "action", "rule_score", "watchlist_score", "model_probability",
                   "model_version", "generation", "explanation", "assessed_at")  # fmt: skip
_INSERTED_COLUMNS = ("id", *ASSESSMENT_COLUMNS, *_FIGURE_COLUMNS)


def _figures(result: Assessed, generation: int, now: datetime) -> tuple[Any, ...]:
    """An assessment's figures, in ``_FIGURE_COLUMNS`` order."""
    return (
        result.score,
        result.band,
        result.action,
        result.rule_score,
        result.watchlist_score,
        result.model_probability,
        result.model_version,
        generation,
        orjson.dumps(result.explanation).decode(),
        now,
    )


def _figures_frame(assessed: Assessments, generation: int, now: datetime) -> pl.DataFrame:
    """:func:`_figures` of many assessments, as columns."""
    rows = len(assessed.keys)
    return pl.DataFrame(
        {
            "score": pl.Series(assessed.scores, dtype=pl.Float64),
            "band": pl.Series(assessed.bands, dtype=pl.String),
            "action": pl.Series(assessed.actions, dtype=pl.String),
            "rule_score": pl.Series(assessed.rule_scores, dtype=pl.Int64),
            "watchlist_score": pl.Series(assessed.watchlist_scores, dtype=pl.Float64),
            "model_probability": pl.Series(
                assessed.model_probabilities or [None] * rows, dtype=pl.Float64
            ),
            "explanation": pl.Series(
                [orjson.dumps(explanation).decode() for explanation in assessed.explanations],
                dtype=pl.String,
            ),
        }
    ).select(
        *_FIGURE_COLUMNS[:6],
        # One value each: a chunk's 100,000 Python datetimes took Polars 0.4 s to read.
        pl.lit(assessed.model_version, dtype=pl.String).alias("model_version"),
        pl.lit(generation, dtype=pl.Int64).alias("generation"),
        "explanation",
        pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias("assessed_at"),
    )

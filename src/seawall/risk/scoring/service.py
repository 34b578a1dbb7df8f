"""Scoring on the node: the scorer built from what the node has loaded, and the three jobs.

- :func:`score_posted`: inside a filing POST, the versions it stored (row-wise path);
- :func:`score_pending`: ``seawall score``, every version not yet scored (bulk path);
- :func:`rescore_in_play`: after a pack, watchlist or model change, the filings still in play.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

import polars as pl
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import Database, utcnow
from seawall.core.memory import cycle_collector_paused
from seawall.core.node import Node
from seawall.core.settings import Settings
from seawall.exams.queries import all_findings
from seawall.filings.service import AcceptedVersion
from seawall.risk.rules.norms import EMPTY_NORMS
from seawall.risk.rules.store import active_rules
from seawall.risk.scoring import configuration, documents, parties, store, writing
from seawall.risk.scoring.scorer import Batch, Scorer
from seawall.risk.training.registry import active_model
from seawall.risk.watchlists import Screener
from seawall.risk.watchlists.store import active_entries

CHUNK = 100_000  # versions per bulk step: one transaction, one model call, one history pass


def build_scorer(session: Session, settings: Settings) -> Scorer:
    """The scorer of the node's configuration as it stands in the database."""
    entries = active_entries(session)
    trained = active_model(session)
    if trained is not None:
        trained.model.prepare()  # here, not in the first POST with reasons
    return Scorer(
        rules=active_rules(session, settings.agency),
        screener=Screener(entries) if entries else None,
        model=None if trained is None else trained.model,
        norms=EMPTY_NORMS if trained is None else trained.norms,
        lead_times=settings.lead_times,
        generation=configuration.generation(session),
    )


class ScorerCache:
    """The serving process's scorer, rebuilt when the configuration's generation moves.

    The generation is read at most every ``refresh_seconds``, so a change made by another
    process (``seawall watchlist load``) reaches the API within that time.
    """

    def __init__(self, settings: Settings, refresh_seconds: float) -> None:
        self.settings = settings
        self.refresh_seconds = refresh_seconds
        self._scorer: Scorer | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self, session: Session) -> Scorer:
        """The scorer for the configuration in force (checked, rebuilt when it changed)."""
        now = time.monotonic()
        scorer = self._scorer
        if scorer is not None and now - self._checked < self.refresh_seconds:
            return scorer
        with self._lock:
            current = configuration.generation(session)
            if self._scorer is None or self._scorer.generation != current:
                self._scorer = build_scorer(session, self.settings)
            self._checked = now
            return self._scorer


def score_posted(session: Session, scorer: Scorer, accepted: Sequence[AcceptedVersion]) -> None:
    """Score the versions a POST just stored, in its transaction: on PostgreSQL one round trip
    looks up what they need (``store.look_up_posted``) and one writes the assessments."""
    if not accepted:
        return
    posted = store.look_up_posted(session, accepted)
    today = utcnow().date()
    assessed = [
        scorer.assess_one(version.input, history, today)
        for version, history in zip(posted.versions, posted.histories, strict=True)
    ]
    stored = [store.stored_of(version) for version in posted.versions]
    store.save(session, stored, assessed, scorer.generation, posted.taken)


def _score_ids(
    database: Database,
    settings: Settings,
    ids: Sequence[int],
    advance: Callable[[int], None],
    chunk: int = CHUNK,
) -> int:
    """Bulk-score the versions with these ids, ``chunk`` at a time, history growing as it goes.

    Versions another run scored meanwhile (two ``seawall score`` at once) are updated, not
    inserted twice: the writer looks up each chunk's assessments first.

    Each chunk is written while the next one is scored (see :func:`writing.writer`).
    """
    with database.transaction(write=False) as session:
        scorer = build_scorer(session, settings)
        findings = all_findings(session)
        history = store.full_history(session, findings)
    today = utcnow().date()
    parts = _parts(ids, chunk)
    with cycle_collector_paused(), writing.writer(database, chunks=len(parts)) as write:
        written: Future[int] | None = None
        for raw, slim in _read_ahead(database, parts):
            rows = documents.history_rows(slim, raw.filing_ids, raw.received_at, findings)
            history = documents.with_rows(history, rows, raw.versions)
            assessed = scorer.assess_batch(Batch.of_raw(raw), slim, history, today)
            stored = documents.stored_frame(slim, raw, rows)
            frame = store.assessment_rows(stored, assessed, scorer.generation)
            if written is not None:
                advance(written.result())
            written = write(frame)
        if written is not None:
            advance(written.result())
    return len(ids)


def _parts(ids: Sequence[int], chunk: int) -> list[Sequence[int]]:
    """``ids`` in parts of ``chunk``, the first and the last a quarter of that when there are
    more than one: nothing overlaps the first part's read or the last one's write, where the
    scoring thread waited (1.9 s on reads and 1.8 s on the last write, of a million filings'
    40 s in parts of 100,000; 0.7 s less with the short ends, docs/performance.md)."""
    if len(ids) <= chunk:
        return [ids] if ids else []
    edge = max(1, chunk // 4)
    body = ids[edge : len(ids) - edge]
    middle = [body[start : start + chunk] for start in range(0, len(body), chunk)]
    return [ids[:edge], *middle, ids[len(ids) - edge :]]


def _read_ahead(
    database: Database, parts: Sequence[Sequence[int]]
) -> Iterator[tuple[documents.Raw, pl.DataFrame]]:
    """Each part's versions, read and decoded (``documents.decode``), in order: the next part
    is read on a thread while the caller scores this one.

    Reading and decoding a chunk's JSON text costs a third of scoring it, and most of it runs
    outside the interpreter lock (SQLite's reads, Arrow's decoder), so it overlaps with
    scoring instead of coming before it.
    """

    def read(part: Sequence[int]) -> tuple[documents.Raw, pl.DataFrame]:
        with database.transaction(write=False) as session:
            raw = store.raw_versions(session, part)
        return raw, documents.decode(raw.texts)

    if not parts:
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        ahead = reader.submit(read, parts[0])
        for following in parts[1:]:
            current = ahead.result()
            ahead = reader.submit(read, following)
            yield current
        yield ahead.result()


def score_pending(node: Node, advance: Callable[[int], None]) -> int:
    """Score every stored version that has no assessment yet (``seawall score``); how many."""
    with cycle_collector_paused(), node.database.transaction(write=False) as session:
        ids = store.unscored_ids(session)  # a million rows: the collector would rescan them
    done = _score_ids(node.database, node.settings, ids, advance)
    node.database.refresh_statistics(store.TABLES, done)
    return done


def recount_parties(node: Node) -> int:
    """Rebuild the party history counts from the assessments; how many parties were off."""
    with node.database.transaction() as session:
        return parties.recount(session)


def rescore_in_play(
    node: Node, *, actor: str, advance: Callable[[int], None] = lambda _units: None
) -> int:
    """Re-score the filings in play that were scored under an older configuration; how many."""
    since = utcnow() - timedelta(days=node.settings.in_play_days)
    with node.database.transaction(write=False) as session:
        current = configuration.generation(session)
        ids = store.in_play_ids(session, since, below_generation=current)
    done = _score_ids(node.database, node.settings, ids, advance)
    with node.database.transaction() as session:
        detail = {"generation": current, "filings": done}
        record(session, [Event(actor, "risk:rescored", "risk", str(current), detail)])
    return done

"""History features: what the node's past filings say about this filing's parties and seals.

The node may fill the history fields of the feature record from its own database queries; this
module computes them with Polars from a history frame, for bulk scoring, backtests and tests,
so both have one written definition. Only history received strictly before the filing counts.

History frame, one row per earlier filing (not per version: pass the latest version of each):
``received_at`` (UTC datetime), ``document_number``, ``shipper_key``, ``consignee_key``,
``seals`` (list of seal numbers) and ``finding`` (true when an exam of it found something;
null when it was not examined). A backtest over old data should only count findings known at
the filing's time; passing today's outcomes for old filings flatters the party rules.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import polars as pl

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_PRINTABLE_ASCII = r"^[ -~]*$"  # where Polars' lower case and Rust's regex agree with Python's
HISTORY_SCHEMA: dict[str, Any] = {
    "received_at": pl.Datetime("us", "UTC"),
    "document_number": pl.String,
    "shipper_key": pl.String,
    "consignee_key": pl.String,
    "seals": pl.List(pl.String),
    "finding": pl.Boolean,
}
FILINGS_SCHEMA: dict[str, Any] = {
    "key": pl.String,
    **{name: kind for name, kind in HISTORY_SCHEMA.items() if name != "finding"},
}


def party_key(party: Mapping[str, Any]) -> str:
    """How parties are matched across filings: the country and the name, case and punctuation
    folded. Deliberately simple; fuzzy and transliterated matching is the watchlists' job."""
    name = _NOT_ALNUM.sub(" ", str(party["name"]).casefold()).strip()
    return f"{party['address']['country']}|{name}"


def party_keys(names: pl.Series, countries: pl.Series) -> pl.Series:
    """:func:`party_key` of each (name, country) pair, as a column named ``key``.

    Polars folds printable-ASCII names; Python folds the others (accents, other scripts,
    nulls), once per distinct pair: a chunk of bulk scoring has tens of thousands of parties.
    """
    pairs = pl.DataFrame(
        {"name": names, "country": countries}, schema={"name": pl.String, "country": pl.String}
    )
    plain = pl.col("name").str.contains(_PRINTABLE_ASCII) & pl.col("country").is_not_null()
    plain = plain.fill_null(value=False)
    folded = pl.col("name").str.to_lowercase().str.replace_all(_NOT_ALNUM.pattern, " ")
    fast = pl.concat_str(pl.col("country"), pl.lit("|"), folded.str.strip_chars(" "))
    odd = pairs.filter(plain.not_()).unique()
    if odd.is_empty():
        return pairs.select(fast.alias("key")).to_series()
    slow = [party_key({"name": name, "address": {"country": country}})
            for name, country in odd.iter_rows()]  # fmt: skip
    decided = odd.with_columns(pl.Series("slow", slow, dtype=pl.String))
    return (
        pairs.join(decided, on=["name", "country"], how="left", nulls_equal=True,
                   maintain_order="left")
        .select(pl.when(plain).then(fast).otherwise(pl.col("slow")).alias("key"))
        .to_series()
    )  # fmt: skip


def history_row(document: Mapping[str, Any], received_at: datetime, key: str = "",
                finding: bool | None = None) -> dict[str, Any]:  # fmt: skip
    """The history (or filings) frame row of one filing document."""
    return {
        "key": key,
        "received_at": received_at,
        "document_number": document["transport_document"]["number"],
        "shipper_key": party_key(document["parties"]["shipper"]),
        "consignee_key": party_key(document["parties"]["consignee"]),
        "seals": [seal for box in document["containers"] for seal in box.get("seals", [])],
        "finding": finding,
    }


def history_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A history frame from rows made by :func:`history_row`."""
    return pl.DataFrame([{n: row[n] for n in HISTORY_SCHEMA} for row in rows], HISTORY_SCHEMA)


def filings_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """The frame of filings to compute history features for (rows from :func:`history_row`)."""
    return pl.DataFrame([{n: row[n] for n in FILINGS_SCHEMA} for row in rows], FILINGS_SCHEMA)


def prior_counts(
    history: pl.LazyFrame, filings: pl.LazyFrame, role: str, start: datetime | None
) -> pl.LazyFrame:
    """Per filing (``key``), the history rows received strictly before it that share its
    ``<role>_key``, and the findings among them: ``<role>_prior_filings`` and
    ``<role>_prior_findings``, null where its ``<role>_key`` is null. ``start`` is the
    earliest filing's receipt. A party's role here, or any value a backtest profiles."""
    # Each filing's earlier filings and findings of its party, in two parts. History received
    # before ``start`` (the earliest filing) is earlier than every filing: plain counts per
    # party. The rest (in bulk scoring, the chunk itself) needs running counts in time order,
    # then for each filing the last running count strictly before it (as-of join), over the
    # parties the filings name only. Sorting a million-row history for every chunk had cost
    # more than all of this.
    key, filings_, findings = (f"{role}_key", f"{role}_prior_filings", f"{role}_prior_findings")
    rows = history.select(key, "received_at", pl.col("finding").fill_null(value=False))
    found = pl.col("finding").cast(pl.Int64)
    before = (
        rows.filter(pl.col("received_at") < start)
        .group_by(key)
        .agg(pl.len().alias("before_filings"), found.sum().alias("before_findings"))
    )
    running = (
        rows.filter(pl.col("received_at") >= start)
        .join(filings.select(key).unique(), on=key, how="semi")
        .sort("received_at")
        .with_columns(
            pl.int_range(1, pl.len() + 1).over(key).alias(filings_),
            found.cum_sum().over(key).alias(findings),
        )
        .drop("finding")
    )
    return (
        filings.select("key", key, "received_at")
        .sort("received_at")
        .join_asof(
            running, on="received_at", by=key, allow_exact_matches=False, check_sortedness=False
        )
        .join(before, on=key, how="left")
        .select(
            "key",
            _known(key, pl.col(filings_).fill_null(0) + pl.col("before_filings").fill_null(0))
            .cast(pl.Float64)
            .alias(filings_),
            _known(key, pl.col(findings).fill_null(0) + pl.col("before_findings").fill_null(0))
            .cast(pl.Float64)
            .alias(findings),
        )
    )


def _known(key: str, count: pl.Expr) -> pl.Expr:
    # A party with no key is unknown (a backtest file without that party), not first seen.
    return pl.when(pl.col(key).is_not_null()).then(count)


def _seal_reused(history: pl.LazyFrame, filings: pl.LazyFrame) -> pl.LazyFrame:
    seen = history.select(
        pl.col("seals").alias("seal"), pl.col("document_number").alias("seen_on"),
        pl.col("received_at").alias("seen_at"),
    ).explode("seal")  # fmt: skip
    reused = (
        filings.select("key", "document_number", "received_at", pl.col("seals").alias("seal"))
        .explode("seal")
        .join(seen, on="seal", how="inner")
        .filter(
            (pl.col("seen_on") != pl.col("document_number"))
            & (pl.col("seen_at") < pl.col("received_at"))
        )
        .select("key")
        .unique()
        .with_columns(pl.lit(value=True).alias("seal_reused"))
    )
    return (
        filings.select("key")
        .join(reused, on="key", how="left")
        .with_columns(pl.col("seal_reused").fill_null(value=False))
    )


def _either_known(
    shipper: pl.Expr,
    consignee: pl.Expr,
    combine: Callable[[pl.Expr, pl.Expr], pl.Expr],
    unknown_as: pl.Expr,
) -> pl.Expr:
    """The two roles' values combined, an unknown role's taken as ``unknown_as``; null when
    neither role is known."""
    known = shipper.is_not_null() | consignee.is_not_null()
    return pl.when(known).then(
        combine(shipper.fill_null(unknown_as), consignee.fill_null(unknown_as))
    )


def history_features(history: pl.DataFrame | pl.LazyFrame,
                     filings: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:  # fmt: skip
    """The history fields of the feature record for each filing, by its ``key``.

    ``filings`` has the history columns but ``finding``, plus a ``key`` naming each row.
    Returns ``key`` and the catalogue's history features (see ``catalogue.HISTORY_FEATURES``).
    A null party key (a role a backtest file does not give) makes that role's features null:
    the party is unknown, not first seen; ``party_first_seen`` and ``party_prior_findings``
    then follow the other role.
    """
    past, now = history.lazy(), filings.lazy()
    start = now.select(pl.col("received_at").min()).collect().item()
    shipper = prior_counts(past, now, "shipper", start)
    consignee = prior_counts(past, now, "consignee", start)
    return (
        now.select("key")
        .join(shipper, on="key", how="left")
        .join(consignee, on="key", how="left")
        .join(_seal_reused(past, now), on="key", how="left")
        .select(
            "key",
            (pl.col("shipper_prior_filings") == 0).alias("shipper_first_seen"),
            (pl.col("consignee_prior_filings") == 0).alias("consignee_first_seen"),
            _either_known(
                pl.col("shipper_prior_filings") == 0,
                pl.col("consignee_prior_filings") == 0,
                operator.or_,
                pl.lit(value=False),
            ).alias("party_first_seen"),
            "shipper_prior_filings",
            "consignee_prior_filings",
            _either_known(
                pl.col("shipper_prior_findings"),
                pl.col("consignee_prior_findings"),
                operator.add,
                pl.lit(0.0),
            ).alias("party_prior_findings"),
            "seal_reused",
        )
        .collect()
    )

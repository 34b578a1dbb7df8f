"""The feature frame of stored filing documents, built column by column: the bulk twin of
:func:`seawall.risk.rules.features.filing_features`.

Building each record in Python costs about 100 µs a filing; scoring a million stored versions
needs a few µs. :func:`document_frame` decodes the stored JSON text with DuckDB's
``json_transform`` (C++, a thread per core) and computes each catalogue column with Polars
expressions, so that every value is *identical* to the Python record's, floats included:

- sums add the items one by one in document order, as Python's ``sum`` does (Polars does not
  promise an order, and another order can change the last bit);
- a float is only ever divided by a column, never by a constant: Polars divides by a constant
  as a multiplication by its reciprocal, which is not correctly rounded;
- z-scores use the same ``(log(x) - median) / scale`` with the norm ``Norms.z`` picks for each
  HS code (the heading's, else the chapter's);
- lists keep first-occurrence order, as ``features._unique`` does.

Where Rust and Python text handling can differ, Python decides: the party regexes (``\\b``,
``\\s`` and case-insensitive matching differ outside printable ASCII), the ``casefold`` of
names (``ß`` folds to ``ss``) and the lower-casing of descriptions are computed by Polars only
for printable-ASCII text, and by the very functions of ``features`` for each *distinct* other
value (a few percent of names in real traffic).

Differences that only a document the node never stores can show: a JSON ``null`` where the
stored form (``to_document``, which drops nulls) omits the key reads here as the key's absence,
whereas ``filing_features`` treats a present ``"importer": null`` as an importer and a present
``"mode": null`` as a null mode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
from polars.datatypes import DataTypeClass

from seawall.risk.rules.catalogue import CATALOGUE, HISTORY_FEATURES, polars_schema
from seawall.risk.rules.features import (
    APARTMENT,
    COMPANY,
    LOGISTICS,
    TARE_KG,
    TO_ORDER,
    WOOD_PACKAGE_TYPES,
)
from seawall.risk.rules.norms import USD_RATES, VALUE_PER_KG, WEIGHT_PER_PACKAGE, Norms

_S, _F, _I, _B = pl.String(), pl.Float64(), pl.Int64(), pl.Boolean()
_PARTY = pl.Struct(
    {
        "name": _S,
        "address": pl.Struct({"street": _S, "city": _S, "country": _S}),
        "identifier": _S,
    }
)
# The parts of the stored filing bulk scoring reads (the features, and the parties, document
# number and seals for screening and history); every other field is skipped unparsed, and any
# of these may be absent (null), as the optional ones are in ``to_document`` form.
FILING = pl.Struct(
    {
        "transport_document": pl.Struct({"number": _S, "kind": _S}),
        "mode": _S,
        "route": pl.Struct(
            {
                "place_of_receipt": _S,
                "port_of_loading": _S,
                "loading_time": _S,
                "transshipment_ports": pl.List(_S),
                "port_of_discharge": _S,
                "discharge_eta": _S,
                "final_destination": _S,
                "destination_country": _S,
                "in_transit": _B,
                "onward_mode": _S,
                "border_crossing": _S,
            }
        ),
        "parties": pl.Struct(
            {
                "shipper": _PARTY,
                "consignee": _PARTY,
                "notify_party": _PARTY,
                "importer": _PARTY,
                "manufacturer": _PARTY,
                "stuffing_location": _PARTY,
            }
        ),
        "goods": pl.List(
            pl.Struct(
                {
                    "hs_code": _S,
                    "description": _S,
                    "packages": pl.Struct({"count": _I, "type": _S}),
                    "gross_weight_kg": _F,
                    "origin_country": _S,
                    "value": pl.Struct({"amount": _S, "currency": _S}),
                    "un_number": _S,
                }
            )
        ),
        "containers": pl.List(
            pl.Struct({"size_type": _S, "seals": pl.List(_S), "gross_weight_kg": _F})
        ),
        "received_at": _S,
    }
)
# The timestamps of the stored form: ISO 8601 with a zone ("Z" or an offset), as pydantic
# writes an aware datetime; fractions of a second optional.
_TIMESTAMP = "%Y-%m-%dT%H:%M:%S%.f%#z"
_NOT_PRINTABLE_ASCII = r"[^ -~]"  # outside it Python's and Rust's regexes may disagree
_LIST = pl.List(_S)
_SECOND, _HOUR, _DAY = "_us_per_second", "_seconds_per_hour", "_seconds_per_day"
_DIVISORS = {_SECOND: 1e6, _HOUR: 3_600.0, _DAY: 86_400.0}
_DUCKDB_TYPES: dict[Any, str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
}


def _structure(dtype: pl.DataType | DataTypeClass) -> Any:
    """A Polars type as the structure DuckDB's ``json_transform`` reads JSON into."""
    if isinstance(dtype, pl.Struct):
        return {field.name: _structure(field.dtype) for field in dtype.fields}
    if isinstance(dtype, pl.List):
        return [_structure(dtype.inner)]
    return _DUCKDB_TYPES[dtype.base_type()]


# The structure is ours, made of field names and type names: no outside text in the query.
_DECODE = (
    "SELECT json_transform(document, "  # noqa: S608
    f"'{json.dumps(_structure(FILING))}') AS filing FROM documents"
)


def decode(documents: pl.Series) -> pl.DataFrame:
    """The fields of :data:`FILING` of each stored document (JSON text), one row each.

    DuckDB's ``json_transform`` (the yyjson parser, a thread per core) reads each document
    into the fields named, in half the processor time of Arrow's JSON reader, itself three
    times as fast as Polars' ``str.json_decode``. Text that is not one JSON value fails the
    whole batch. A field of another type than :data:`FILING` says reads as null or as its
    text: stored documents were validated when filed, so theirs never differ.
    """
    if documents.null_count():
        raise ValueError("a document is null: every row needs its stored JSON text")
    if documents.is_empty():
        return pl.DataFrame(schema=dict(FILING.to_schema()))
    with duckdb.connect() as connection:
        connection.register("documents", pl.DataFrame({"document": documents}).to_arrow())
        try:
            table = connection.sql(_DECODE).to_arrow_table()
        except duckdb.Error as error:
            raise ValueError(f"stored documents could not be decoded: {error}") from None
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.unnest("filing")


def _unusual(frame: pl.DataFrame, column: str) -> list[str]:
    """The distinct texts of ``column`` outside printable ASCII."""
    text = pl.col(column)
    unusual = frame.lazy().select(text.filter(text.str.contains(_NOT_PRINTABLE_ASCII)).unique())
    return unusual.collect().to_series().to_list()


def _decided(
    text: pl.Expr, fast: pl.Expr, unusual: list[str], python: Callable[[str], Any],
    dtype: pl.DataType,
) -> pl.Expr:  # fmt: skip
    """``fast`` of ``text``, except for its ``unusual`` values: ``python`` of each of those."""
    if not unusual:
        return fast
    decided = [python(value) for value in unusual]
    return text.replace_strict(unusual, decided, default=fast, return_dtype=dtype)


def _sums(lists: pl.Series) -> pl.Series:
    """Python's ``sum`` of each list of floats: its items added one by one, in order (null for
    a null list). Polars' own sums may add in another order, which can change the last bit."""
    array = lists.cast(pl.List(_F)).to_arrow(compat_level=pl.CompatLevel.oldest())
    assert isinstance(array, pa.LargeListArray)
    offsets = array.offsets.to_numpy()
    values = array.values.to_numpy(zero_copy_only=False)
    starts, lengths = offsets[:-1], np.diff(offsets)
    # Rows by length, longest first: those with an i-th item are a prefix of that order, so
    # adding the i-th items of all rows at once costs only the items there are.
    order = np.argsort(-lengths, kind="stable")
    longest_first = lengths[order]
    totals = np.zeros(len(lengths))
    for position in range(int(longest_first[0]) if len(lengths) else 0):
        rows = order[: np.searchsorted(-longest_first, -position, side="left")]
        totals[rows] += values[starts[rows] + position]
    return pl.Series(lists.name, totals).scatter(lists.is_null().arg_true(), None)


def _sum(lists: pl.Expr) -> pl.Expr:
    return lists.map_batches(_sums, return_dtype=_F)


def _lookup(keys: pl.Expr, table: Mapping[str, float | None]) -> pl.Expr:
    return keys.replace_strict(list(table), list(table.values()), default=None, return_dtype=_F)


def _z(hs_code: pl.Expr, value: pl.Expr, norm: Mapping[str, tuple[float, float] | None]) -> pl.Expr:
    """``Norms.z`` of each item's ``value``: ``norm`` gives each HS code's (median, scale)."""
    median = _lookup(hs_code, {code: None if n is None else n[0] for code, n in norm.items()})
    scale = _lookup(hs_code, {code: None if n is None else n[1] for code, n in norm.items()})
    return pl.when(value > 0).then((value.log() - median) / scale)


def _norms(frame: pl.DataFrame, norms: Norms, metric: str) -> dict[str, tuple[float, float] | None]:
    """The norm of each HS code of the goods, found as ``Norms.z`` finds it: the heading's,
    else the chapter's (once per distinct code)."""
    codes = frame.lazy().select(pl.col("hs_codes").explode().unique().drop_nulls()).collect()
    table = norms.table
    return {
        code: table.get((metric, code[:4])) or table.get((metric, code[:2]))
        for code in codes.to_series().to_list()
    }


def _goods(frame: pl.DataFrame, norms: Norms, rates: Mapping[str, float]) -> dict[str, pl.Expr]:
    item = pl.element().struct
    goods = pl.col("goods")
    hs_code = item.field("hs_code")
    weight = item.field("gross_weight_kg")
    count = item.field("packages").struct.field("count")
    value = item.field("value")
    usd = value.struct.field("amount").cast(_F) * _lookup(value.struct.field("currency"), rates)
    values = goods.list.eval(usd)
    total = pl.when(values.list.eval(pl.element().is_null()).list.any().not_()).then(_sum(values))
    value_z = goods.list.eval(_z(hs_code, usd / weight, _norms(frame, norms, VALUE_PER_KG)))
    per_package = weight / count.cast(_F)
    weight_z = goods.list.eval(_z(hs_code, per_package, _norms(frame, norms, WEIGHT_PER_PACKAGE)))
    un_number = item.field("un_number")
    un_numbers = goods.list.eval(un_number.filter(un_number.is_not_null() & (un_number != "")))
    origins = goods.list.eval(item.field("origin_country")).list.unique(maintain_order=True)
    package_types = goods.list.eval(item.field("packages").struct.field("type"))
    words = pl.col("lowered").str.extract_all("[a-z]+")
    return {
        "hs_codes": pl.col("hs_codes").list.unique(maintain_order=True),
        "hs_headings": goods.list.eval(hs_code.str.slice(0, 4)).list.unique(maintain_order=True),
        "hs_chapters": goods.list.eval(hs_code.str.slice(0, 2)).list.unique(maintain_order=True),
        "origin_countries": origins,
        "origin_differs_from_loading": (origins.list.len() > 1)
        | (origins.list.first() != pl.col("loading_country")),
        # (in list.eval: Polars' list.sort of strings is ten times slower)
        "description_words": words.list.eval(pl.element().sort().unique(maintain_order=True)),
        "package_types": package_types.list.unique(maintain_order=True),
        "un_numbers": un_numbers.list.unique(maintain_order=True),
        "goods_count": goods.list.len().cast(_F),
        "total_packages": goods.list.eval(count).list.sum().cast(_F),
        "total_weight_kg": _sum(goods.list.eval(weight)),
        "declared_value_usd": total,
        "value_per_kg_usd": total / _sum(goods.list.eval(weight)),
        "has_dangerous_goods": un_numbers.list.len() > 0,
        "has_wood_packaging": package_types.list.eval(
            pl.element().is_in(list(WOOD_PACKAGE_TYPES))
        ).list.any(),
        "value_per_kg_z_min": value_z.list.min(),
        "value_per_kg_z_max": value_z.list.max(),
        "weight_per_package_z_min": weight_z.list.min(),
        "weight_per_package_z_max": weight_z.list.max(),
    }


def _parties(frame: pl.DataFrame) -> dict[str, pl.Expr]:
    unusual = {column: _unusual(frame, column) for column in ("shipper_name", "name", "street")}

    def search(pattern: re.Pattern[str], column: str) -> pl.Expr:
        # A case-insensitive search for a ``features`` regex.
        fast = pl.col(column).str.contains(f"(?i){pattern.pattern}")
        return _decided(
            pl.col(column), fast, unusual[column], lambda text: bool(pattern.search(text)), _B
        )

    def folded(column: str) -> pl.Expr:
        fast = pl.col(column).str.to_lowercase()  # casefold, for ASCII
        return _decided(pl.col(column), fast, unusual[column], str.casefold, _S)

    identifier = pl.col("identifier")
    has_identifier = identifier.is_not_null() & (identifier != "")
    company, logistics = search(COMPANY, "name"), search(LOGISTICS, "name")
    return {
        "consignee_differs_from_destination": pl.col("consignee_country")
        != pl.col("destination_country"),
        "consignee_has_identifier": has_identifier,
        "consignee_is_residential": search(APARTMENT, "street")
        | (company.not_() & logistics.not_() & has_identifier.not_()),
        "consignee_is_logistics_provider": logistics,
        "consignee_to_order": search(TO_ORDER, "name"),
        "shipper_same_as_consignee": folded("shipper_name") == folded("name"),
    }


def _flat(raw: pl.DataFrame, received_at: pl.Series, version: pl.Series) -> pl.DataFrame:
    """The decoded documents as plain columns, plus the receipt time and version."""
    route, parties = pl.col("route").struct, pl.col("parties").struct
    consignee = parties.field("consignee").struct
    description = pl.element().struct.field("description")
    return raw.select(
        pl.col("mode").fill_null("marine"),
        pl.col("transport_document")
        .struct.field("kind")
        .fill_null("master")
        .alias("document_kind"),
        route.field("*"),
        parties.field("shipper").struct.field("name").alias("shipper_name"),
        parties.field("shipper")
        .struct.field("address")
        .struct.field("country")
        .alias("shipper_country"),
        consignee.field("name"),
        consignee.field("address").struct.field("street").fill_null(""),
        consignee.field("address").struct.field("country").alias("consignee_country"),
        consignee.field("identifier"),
        *(
            parties.field(role).is_not_null().alias(f"has_{role}")
            for role in ("importer", "manufacturer", "stuffing_location")
        ),
        "goods",
        # All descriptions in one text: the words are the same (" " is no letter).
        pl.col("goods").list.eval(description).list.join(" ").alias("descriptions"),
        pl.col("goods").list.eval(pl.element().struct.field("hs_code")).alias("hs_codes"),
        "containers",
        pl.coalesce(
            received_at.cast(pl.Datetime("us", "UTC")),
            pl.col("received_at").str.to_datetime(_TIMESTAMP, time_unit="us", time_zone="UTC"),
        ).alias("received_at"),
        pl.lit(version.cast(_I)).alias("version"),
    )


def _with_divisors(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the constant divisors of time spans as columns.

    Polars divides a column by a *scalar* as a multiplication by its reciprocal, which is not
    correctly rounded: 3215228999999 / 1e6 gives 3215228.9999989998, not Python's 3215228.999999.
    Dividing by a column of the constant is IEEE division, value by value.
    """
    return frame.with_columns(
        pl.Series(name, np.full(frame.height, value)) for name, value in _DIVISORS.items()
    )


def _seconds(span: pl.Expr) -> pl.Expr:
    """``timedelta.total_seconds()`` of a duration: microseconds / 10**6, correctly rounded."""
    return span.dt.total_microseconds() / pl.col(_SECOND)


def _route() -> dict[str, pl.Expr]:
    ports = pl.col("transshipment_ports").fill_null(pl.lit([], dtype=_LIST))
    loading, discharge = (
        pl.col(name).str.to_datetime(_TIMESTAMP, time_unit="us", time_zone="UTC")
        for name in ("loading_time", "discharge_eta")
    )
    countries = [pl.col(name).str.slice(0, 2) for name in
                 ("place_of_receipt", "port_of_loading", "port_of_discharge")]  # fmt: skip
    port_countries = ports.list.eval(pl.element().str.slice(0, 2))
    return {
        "receipt_country": countries[0],
        "loading_country": countries[1],
        "discharge_country": countries[2],
        "in_transit": pl.col("in_transit").fill_null(value=False),
        "onward_mode": pl.col("onward_mode").fill_null("none"),
        "transshipment_ports": ports,
        "transshipment_countries": port_countries.list.unique(maintain_order=True),
        "transshipment_count": ports.list.len().cast(_F),
        # Joined and split again: three times as fast as concat_list (codes have no spaces).
        "route_countries": pl.concat_str(
            countries[0], countries[1], port_countries.list.join(" "), countries[2], separator=" "
        )
        .str.replace("  ", " ", literal=True)  # no transshipment port
        .str.split(" ")
        .list.unique(maintain_order=True),
        "voyage_days": _seconds(discharge - loading) / pl.col(_DAY),
        "loading": loading,
    }


def _timing(lead_times: Mapping[str, timedelta]) -> dict[str, pl.Expr]:
    micros = [lead // timedelta(microseconds=1) for lead in lead_times.values()]
    lead = pl.col("mode").replace_strict(list(lead_times), micros, return_dtype=_I)
    early = pl.col("received_at") - pl.col("loading") + pl.duration(microseconds=lead)
    after = pl.col("received_at") > pl.col("loading")
    return {
        "hours_late": (_seconds(early) / pl.col(_HOUR)).clip(lower_bound=0.0),
        "filed_after_loading": after,
        "amendment_count": (pl.col("version") - 1).cast(_F),
        "amended_after_loading": pl.when(after.is_not_null()).then(after & (pl.col("version") > 1)),
    }


def _containers() -> dict[str, pl.Expr]:
    boxes, box = pl.col("containers"), pl.element().struct
    tare = (
        box.field("size_type")
        .str.slice(0, 1)
        .replace_strict(list(TARE_KG), list(TARE_KG.values()), default=3_750.0, return_dtype=_F)
    )
    gross = _sum(boxes.list.eval(box.field("gross_weight_kg")))
    goods_kg = pl.col("total_weight_kg")
    return {
        "container_count": boxes.list.len().cast(_F),
        "container_size_types": boxes.list.eval(box.field("size_type")).list.unique(
            maintain_order=True
        ),
        "unsealed_container": boxes.list.eval(
            box.field("seals").list.len().fill_null(0) == 0
        ).list.any(),
        "weight_gap_ratio": (gross - _sum(boxes.list.eval(tare)) - goods_kg) / goods_kg,
    }


def document_frame(
    documents: pl.Series,
    received_at: pl.Series,
    version: pl.Series,
    *,
    lead_times: Mapping[str, timedelta],
    norms: Norms,
    rates: Mapping[str, float] = USD_RATES,
) -> pl.DataFrame:
    """The feature frame (``catalogue.polars_schema()``) of stored filing versions.

    ``documents`` holds each version's stored JSON text (``to_document`` form), ``received_at``
    its receipt time (UTC; where null, the document's own ``received_at``, as
    ``filing_features`` reads it) and ``version`` its number. Each row equals
    ``filing_features(document, received_at=, version=, lead_time=lead_times[mode], norms=,
    rates=)``, history fields null. A mode missing from ``lead_times`` raises ``KeyError``.
    """
    return features_of(
        decode(documents), received_at, version, lead_times=lead_times, norms=norms, rates=rates
    )


def features_of(
    decoded: pl.DataFrame,
    received_at: pl.Series,
    version: pl.Series,
    *,
    lead_times: Mapping[str, timedelta],
    norms: Norms,
    rates: Mapping[str, float] = USD_RATES,
) -> pl.DataFrame:
    """:func:`document_frame` of documents already decoded by :func:`decode` (which a caller
    that reads more of them than the features keeps, so the text is parsed once)."""
    if not decoded.height == received_at.len() == version.len():
        raise ValueError("documents, received_at and version must be of one length")
    flat = _flat(decoded, received_at, version)
    missing = set(flat["mode"].unique().to_list()) - set(lead_times)
    if missing:
        raise KeyError(f"no lead time for the mode(s) {', '.join(sorted(missing))}")
    # Python lower-cases text outside ASCII (İ gives "i̇"), Polars the rest: the same there.
    texts = pl.col("descriptions")
    lowered = _decided(
        texts, texts.str.to_lowercase(), _unusual(flat, "descriptions"), str.lower, _S
    )
    with_route = _with_divisors(flat).with_columns(lowered.alias("lowered"), **_route())
    features = (
        with_route.lazy()
        .with_columns(**_timing(lead_times), **_parties(flat), **_goods(with_route, norms, rates))
        .with_columns(**_containers())
    )
    schema = polars_schema()
    columns = [
        pl.lit(None, dtype=schema[name]).alias(name) if name in HISTORY_FEATURES
        else pl.col(name).cast(schema[name])
        for name in CATALOGUE
    ]  # fmt: skip
    return features.select(columns).collect()

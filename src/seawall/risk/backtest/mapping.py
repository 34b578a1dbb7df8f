"""MAP.yaml: how the columns of an outside labelled declarations file feed the feature record.

See docs/backtest.md for the file's fields with an example.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from seawall.core.files import UnreadableFileError, read_text
from seawall.risk.rules.catalogue import CATALOGUE, FeatureType


class BacktestError(ValueError):
    """Bad input to a backtest: the message says what, where and why."""


class ColumnMap(BaseModel):
    """The parsed MAP.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: str  # the column dating each declaration: orders rows and splits train from test
    # how the time column's text is written (strftime, "%m/%d/%Y"), when not ISO 8601
    time_format: str | None = None
    key: list[str] = Field(default_factory=list)  # columns that make two rows "identical twins"
    features: dict[str, str] = Field(default_factory=dict)  # feature name -> source column
    ignore: list[str] = Field(default_factory=list)  # columns never used (identifiers, notes)
    list_separator: str = ";"  # splits a text column feeding a list feature
    # role (shipper, consignee) -> the column naming that party: gives the history features
    parties: dict[Literal["shipper", "consignee"], str] = Field(default_factory=dict)
    # extra columns read as categories whatever their type: identifiers written as numbers
    categories: list[str] = Field(default_factory=list)
    # how a CSV is written: its field separator, and whether decimals have a comma (3,5)
    separator: str = Field(default=",", min_length=1, max_length=1)
    decimal_comma: bool = False
    # a CSV's text encoding when not UTF-8 (cp1252 or latin-1 from older Windows programs)
    encoding: str = "utf-8"
    # the label column's values that mean positive (an outcome written as text: "SEIZURE");
    # every other value is negative, an empty one unlabelled
    positive: list[str] = Field(default_factory=list)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(f"{value!r} is not a text encoding Python knows") from None

    def text_columns(self) -> list[str]:
        """The columns a CSV keeps as written, not as numbers: the time when it has a format,
        the categories, and the commodity codes (an HS code read as a number loses its
        leading zero: 010121 would become 10121, chapter "10")."""
        codes = [self.features[name] for name in _CODES if name in self.features]
        return [*([self.time] if self.time_format else []), *self.categories, *codes]


MAX_MAPPING_BYTES = 2**20  # a MAP.yaml is a page of column names
# time_format values for times written as counts since 1970-01-01 UTC, and their unit.
_EPOCHS: dict[str, Literal["s", "ms"]] = {"unix": "s", "unix_ms": "ms"}
_CODES = ("hs_codes", "hs_headings", "hs_chapters")  # HS codes: digits in pairs, 0 may lead
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
# How files write "no value" where a number, a date or a label is expected. Text columns keep
# them as written: "NA" is Namibia in a country column.
_MISSING = ("", "na", "n/a", "#n/a", "null", "none", "nan", "-", "?")
_AMOUNT_VALUES = 50  # a numeric column with more distinct values holds amounts, not codes
_UNSAFE = re.compile(r"[^0-9A-Za-z_]+")  # LightGBM refuses JSON punctuation in feature names
_POLARS: dict[FeatureType, pl.DataType] = {
    FeatureType.NUMBER: pl.Float64(),
    FeatureType.STRING: pl.String(),
    FeatureType.BOOL: pl.Boolean(),
    FeatureType.STRING_LIST: pl.List(pl.String()),
}


def load_mapping(path: Path) -> ColumnMap:
    """Read and check MAP.yaml; every problem is reported at once, naming the field."""
    try:
        raw = yaml.safe_load(read_text(path, limit=MAX_MAPPING_BYTES))
    except UnreadableFileError as error:
        raise BacktestError(f"mapping {error}") from None
    except yaml.YAMLError as error:
        raise BacktestError(f"mapping {path}: not valid YAML ({error})") from None
    try:
        mapping = ColumnMap.model_validate(raw)
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in error.errors()]
        raise BacktestError(f"mapping {path}: " + "; ".join(problems)) from None
    unknown = sorted(name for name in mapping.features if name not in CATALOGUE)
    if unknown:
        raise BacktestError(f"mapping {path}: unknown feature names: {', '.join(unknown)}")
    return mapping


def as_bool(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A column read as bool: bools as-is, numbers non-zero, text yes/no/true/false/1/0."""
    if dtype == pl.Boolean:
        return column
    if dtype.is_numeric():
        return column != 0
    text = _folded(column)
    return (
        pl.when(text.is_in(_TRUE)).then(pl.lit(True)).when(text.is_in(_FALSE)).then(pl.lit(False))
    )


def _folded(column: pl.Expr) -> pl.Expr:
    """Text as compared with label words: trimmed, lower case."""
    return column.cast(pl.String).str.strip_chars().str.to_lowercase()


def _missing(column: pl.Expr) -> pl.Expr:
    """Whether the text says "no value" (``_MISSING``: empty, NA, N/A, null, ...)."""
    return _folded(column).is_in(_MISSING)


def _present(column: pl.Expr) -> pl.Expr:
    """The column with its "no value" texts as nulls."""
    return pl.when(_missing(column)).then(None).otherwise(column)


def _label(data: pl.DataFrame, label: str, positive: list[str]) -> pl.Expr:
    """The label column read as bool (:func:`as_bool`, or with ``positive`` the values that
    mean positive, any other negative); "no value" (empty, NA, ...) is unlabelled. A value
    read as neither is an error naming its data row, not a row silently dropped."""
    column, dtype = pl.col(label), data.schema[label]
    if positive:
        wanted = [value.strip().lower() for value in positive]
        return pl.when(_missing(column)).then(None).otherwise(_folded(column).is_in(wanted))
    flag = as_bool(column, dtype)
    if dtype == pl.String:
        row = _first_row(data.select(flag.is_null() & ~_missing(column)).to_series())
        if row is not None:
            raise BacktestError(
                f"label column {label!r}, data row {row + 1}: {data[label][row]!r} is not "
                "yes/no, true/false or 1/0 (list the values that mean positive under positive: "
                "in the mapping)"
            )
    return flag


def _feature(name: str, source: str, dtype: pl.DataType, separator: str) -> pl.Expr:
    column = pl.col(source)
    if name in _CODES and dtype.is_integer():
        # A file that stores HS codes as numbers (Parquet) lost the leading zero of chapters
        # 01 to 09: their digits come in pairs, so an odd count means one zero is missing.
        digits = column.cast(pl.String)
        column = pl.when(digits.str.len_chars() % 2 == 1).then("0" + digits).otherwise(digits)
    kind = CATALOGUE[name].type
    if kind == FeatureType.BOOL:
        return as_bool(column, dtype).alias(name)
    if kind == FeatureType.STRING_LIST:
        if isinstance(dtype, pl.List):
            return column.cast(pl.List(pl.String)).alias(name)
        parts = (
            column.cast(pl.String).str.split(separator).list.eval(pl.element().str.strip_chars())
        )
        return parts.list.eval(pl.element().filter(pl.element() != "")).alias(name)
    if kind == FeatureType.NUMBER and dtype == pl.String:
        column = _present(column)
    return column.cast(_POLARS[kind], strict=True).alias(name)


@dataclass(frozen=True)
class Mapped:
    """A declarations file on the feature record: catalogue columns, extras, label and time."""

    frame: pl.DataFrame  # catalogue columns (unmapped ones null), extras, ``label``, ``time``
    extras: tuple[str, ...]  # extra model columns, named ``x_<source>``
    sources: dict[str, str]  # each extra column read from the file: the file's name for it
    key: tuple[str, ...]  # twin key columns, named ``k_<source>``
    dropped_unlabelled: int
    dropped_undated: int  # labelled rows with no time: neither before nor after the split


LABEL, TIME = "label", "time"


def party_column(role: str) -> str:
    """The mapped frame's column naming the party in ``role`` (``parties`` in MAP.yaml)."""
    return f"party_{role}"


def extra_names(columns: Sequence[str]) -> list[str]:
    """The model's names for extra columns: ``x_`` and the column's name in ASCII letters,
    digits and underscores (LightGBM refuses JSON punctuation in feature names; ``申报单位``
    is ``x_ShenBaoDanWei``), numbered where two would read alike (``a b`` and ``a-b``)."""
    names: list[str] = []
    for column in columns:
        base = "x_" + _UNSAFE.sub("_", anyascii(column))
        name, count = base, 1
        while name in names:
            count += 1
            name = f"{base}_{count}"
        names.append(name)
    return names


def map_frame(data: pl.DataFrame, mapping: ColumnMap, label: str) -> Mapped:
    """Put ``data`` on the feature record per ``mapping``; ``label`` names the label column.

    Rows with no label are dropped (counted): they cannot score a method either way. So are
    rows with no time (counted apart): they fall on neither side of the split.
    """
    wanted = {label: "the label", mapping.time: "time"} | {
        source: f"feature {name}" for name, source in mapping.features.items()
    } | dict.fromkeys(mapping.key, "key") | {
        source: f"party {role}" for role, source in mapping.parties.items()
    } | dict.fromkeys(mapping.categories, "categories")  # fmt: skip
    missing = [
        f"{column} ({role})" for column, role in wanted.items() if column not in data.columns
    ]
    if missing:
        raise BacktestError(f"columns not in the data file: {', '.join(missing)}")
    if label in mapping.features.values() or label == mapping.time:
        raise BacktestError(f"the label column {label!r} is also mapped as a feature or the time")
    used = {label, mapping.time, *mapping.features.values(), *mapping.ignore}
    taken = [column for column in mapping.categories if column in used]
    if taken:
        raise BacktestError(
            f"categories: {', '.join(taken)}: already the label, the time, a mapped feature or "
            "ignored (categories name extra columns)"
        )
    schema = data.schema
    columns: list[pl.Expr] = []
    for name in CATALOGUE:
        source = mapping.features.get(name)
        if source is None:
            columns.append(pl.lit(None, dtype=_POLARS[CATALOGUE[name].type]).alias(name))
        else:
            columns.append(_feature(name, source, schema[source], mapping.list_separator))
    chosen = [
        (column, extra)
        for column in schema
        if column not in used
        and (extra := _extra(data, column, categorical=column in mapping.categories)) is not None
    ]
    read = [column for column, _ in chosen]
    sources = dict(zip(extra_names(read), read, strict=True))  # model name -> file column
    extras = [extra.alias(name) for (_, extra), name in zip(chosen, sources, strict=True)]
    keys = [pl.col(column).alias(f"k_{i}") for i, column in enumerate(mapping.key)]
    parties = [pl.col(source).cast(pl.String).str.strip_chars().alias(party_column(role))
               for role, source in mapping.parties.items()]  # fmt: skip
    time = _time(data, mapping.time, mapping.time_format)
    flag = _label(data, label, mapping.positive).alias(LABEL)
    try:
        frame = data.select([*columns, *extras, *keys, *parties, flag, time.alias(TIME)])
    except pl.exceptions.PolarsError as error:
        raise _misfit(data, mapping, error) from None
    frame = _derive(frame, mapping)
    shares = _value_shares(frame, list(sources)) if "declared_value_usd" in mapping.features else []
    frame = frame.with_columns(shares)
    labelled = frame.filter(pl.col(LABEL).is_not_null())
    dated = labelled.filter(pl.col(TIME).is_not_null())
    return Mapped(
        dated,
        (*sources, *(share.meta.output_name() for share in shares)),
        sources,
        tuple(f"k_{i}" for i in range(len(mapping.key))),
        frame.height - labelled.height,
        labelled.height - dated.height,
    )


def _value_shares(frame: pl.DataFrame, extras: list[str]) -> list[pl.Expr]:
    """Each numeric extra column over the declared value, ``<extra>_per_value``: the taxes
    over the value are the tax rate, the quantity over it the inverse of the unit price, the
    ratios the customs-fraud literature reads, which trees cannot form from the two columns
    by splitting on them. Only for columns of amounts: not for the categories, nor for flags
    and codes given as numbers (an office, a channel), which take few values."""
    value = pl.col("declared_value_usd")
    numeric = [
        name
        for name in extras
        if frame.schema[name].is_numeric()
        and frame.get_column(name).drop_nulls().n_unique() > _AMOUNT_VALUES
    ]
    return [
        pl.when(value > 0).then(pl.col(name) / value).alias(f"{name}_per_value") for name in numeric
    ]


def _misfit(data: pl.DataFrame, mapping: ColumnMap, error: Exception) -> BacktestError:
    """The error for a mapped column that does not fit its feature: the first value that is
    not a number where the feature is one, by feature, column and data row."""
    for name, source in mapping.features.items():
        if CATALOGUE[name].type != FeatureType.NUMBER:
            continue
        given = data.get_column(source)
        read = given.cast(pl.Float64, strict=False)
        row = _first_row(data.select(read.is_null() & ~_missing(pl.col(source))).to_series())
        if row is not None:
            return BacktestError(
                f"feature {name} (column {source!r}), data row {row + 1}: {given[row]!r} is "
                "not a number"
            )
    first = str(error).strip().splitlines()[0]
    return BacktestError(f"a mapped column does not fit its feature's type: {first}")


def _extra(data: pl.DataFrame, column: str, *, categorical: bool) -> pl.Expr | None:
    """An extra model column: numbers (bools as 0 and 1), or text as categories; None for a
    column of another type (lists, dates). Text that is numbers but where it says "no
    value" (``_MISSING``: "N/A") is numbers."""
    dtype, source = data.schema[column], pl.col(column)
    if categorical or dtype == pl.Categorical:
        return source.cast(pl.String)
    if dtype == pl.Boolean:
        return source.cast(pl.Float64)
    if dtype.is_numeric():
        return source
    if dtype != pl.String:
        return None
    gaps, numbers = _missing(source), _present(source).cast(pl.Float64, strict=False)
    counts = data.select(gaps.sum(), (numbers.is_null() & ~gaps & source.is_not_null()).sum())
    has_gaps, has_words = counts.row(0)
    return _present(source).cast(pl.Float64) if has_gaps and not has_words else source


def _time(data: pl.DataFrame, column: str, written: str | None) -> pl.Expr:
    """The time column as naive datetimes; "no value" (``_MISSING``) is null."""
    dtype = data.schema[column]
    if dtype == pl.String:
        data = data.select(_present(pl.col(column)).alias(column))
    if written in _EPOCHS and (dtype == pl.String or dtype.is_numeric()):
        return pl.lit(_from_epoch(data.get_column(column), column, _EPOCHS[written]))
    if written is not None and (dtype == pl.String or dtype.is_integer()):  # 20260105 too
        return pl.lit(_parsed(data.get_column(column).cast(pl.String), column, written))
    if dtype == pl.Date:
        return pl.col(column).cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        return pl.col(column).dt.replace_time_zone(None)
    if dtype == pl.String:
        try:
            return pl.lit(data.get_column(column).str.to_datetime(strict=True, time_unit="us")
                          .dt.replace_time_zone(None))  # fmt: skip
        except pl.exceptions.PolarsError:
            raise BacktestError(
                f"time column {column!r}: not dates such as 2026-01-05 (give time_format in the "
                "mapping for another way of writing them)"
            ) from None
    raise BacktestError(
        f"time column {column!r} has type {dtype}, not a date or a datetime (numbers such as "
        '20260105 need time_format: "%Y%m%d"; seconds since 1970 need time_format: unix)'
    )


def _from_epoch(values: pl.Series, column: str, unit: Literal["s", "ms"]) -> pl.Series:
    """The time column read as a count of seconds or milliseconds since 1970-01-01 UTC; the
    first value that is not a number is named."""
    numbers = values.cast(pl.Float64, strict=False)
    counted = "seconds" if unit == "s" else "milliseconds"
    _name_first_misfit(values, numbers, column, f"is not a number of {counted} since 1970")
    return pl.from_epoch(numbers.round().cast(pl.Int64), time_unit=unit).dt.cast_time_unit("us")


def _parsed(texts: pl.Series, column: str, written: str) -> pl.Series:
    """The time column's text read with the mapping's ``time_format``; the first value that
    does not fit it is named."""
    try:
        parsed = texts.str.to_datetime(written, strict=False, time_unit="us")
    except pl.exceptions.PolarsError as error:
        first = str(error).strip().splitlines()[0]
        raise BacktestError(f"time_format {written!r}: cannot be used ({first})") from None
    _name_first_misfit(texts, parsed, column, f"does not fit time_format {written!r}")
    return parsed.dt.replace_time_zone(None)


def _name_first_misfit(given: pl.Series, read: pl.Series, column: str, why: str) -> None:
    """BacktestError naming the time column's first value that was given but not read."""
    row = _first_row(read.is_null() & given.is_not_null())
    if row is not None:
        raise BacktestError(f"time column {column!r}, data row {row + 1}: {given[row]!r} {why}")


def _first_row(mask: pl.Series) -> int | None:
    """The first row where ``mask`` holds (a value given but not read), if any: the one an
    error names."""
    rows = mask.arg_true()
    return None if rows.is_empty() else int(rows[0])


def _derive(frame: pl.DataFrame, mapping: ColumnMap) -> pl.DataFrame:
    """Fill features computed from mapped ones when the file does not give them itself."""
    given = set(mapping.features)
    derived: list[pl.Expr] = []
    if "hs_codes" in given:
        digits = pl.col("hs_codes").list.eval(pl.element().str.replace_all(r"\D", ""))
        if "hs_headings" not in given:
            derived.append(digits.list.eval(pl.element().str.slice(0, 4)).alias("hs_headings"))
        if "hs_chapters" not in given:
            derived.append(digits.list.eval(pl.element().str.slice(0, 2)).alias("hs_chapters"))
    if {"declared_value_usd", "total_weight_kg"} <= given and "value_per_kg_usd" not in given:
        weight = pl.col("total_weight_kg")
        derived.append(
            pl.when(weight > 0)
            .then(pl.col("declared_value_usd") / weight)
            .alias("value_per_kg_usd")
        )
    return frame.with_columns(derived) if derived else frame

"""Which columns the model reads, and how a Polars frame becomes LightGBM's numeric matrix.

The model reads an explicit list of columns (``FeatureSpec``), never "whatever is in the frame",
so a retrained model cannot silently start reading an identifier or the label. Numbers and bools
are numeric; strings are categorical, coded by a vocabulary learnt on the training rows only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from seawall.risk.rules.catalogue import HISTORY_FEATURES

# Catalogue features the model reads as numbers (bools become 0/1, null stays missing).
NUMERIC_FEATURES: tuple[str, ...] = (
    "in_transit",
    "transshipment_count",
    "origin_differs_from_loading",
    "voyage_days",
    "hours_late",
    "filed_after_loading",
    "amendment_count",
    "amended_after_loading",
    "consignee_differs_from_destination",
    "consignee_has_identifier",
    "consignee_is_residential",
    "consignee_is_logistics_provider",
    "consignee_to_order",
    "has_importer",
    "has_manufacturer",
    "has_stuffing_location",
    "shipper_same_as_consignee",
    "goods_count",
    "total_packages",
    "total_weight_kg",
    "declared_value_usd",
    "value_per_kg_usd",
    "has_dangerous_goods",
    "has_wood_packaging",
    "value_per_kg_z_min",
    "value_per_kg_z_max",
    "weight_per_package_z_min",
    "weight_per_package_z_max",
    "container_count",
    "unsealed_container",
    "weight_gap_ratio",
    *HISTORY_FEATURES,
)

# Catalogue strings the model reads as categories: places, countries and document kind.
# Free-text-like strings (names) are not in the catalogue, so none can leak in from here.
CATEGORICAL_FEATURES: tuple[str, ...] = (
    "mode",
    "document_kind",
    "place_of_receipt",
    "port_of_loading",
    "port_of_discharge",
    "final_destination",
    "receipt_country",
    "loading_country",
    "discharge_country",
    "destination_country",
    "onward_mode",
    "border_crossing",
    "shipper_country",
    "consignee_country",
)

# List features summarised as one category: the first goods item's heading and origin (78% of
# filings have one goods line, so the first item is the filing's main commodity).
DERIVED_CATEGORICAL: dict[str, str] = {
    "main_hs_heading": "hs_headings",
    "main_hs_chapter": "hs_chapters",
    "main_origin_country": "origin_countries",
    "first_transshipment_country": "transshipment_countries",
}

MAX_CATEGORIES = 250  # most frequent values kept per column; LightGBM overfits long tails
# The model's input: a frame, or (a filing POST) its few rows as records.
Frame = pl.DataFrame | Sequence[Mapping[str, Any]]
SMALL_FRAME = 16  # rows up to which ``matrix`` codes in Python (faster than planning Polars)
MIN_CATEGORY_COUNT = 5  # a value seen fewer times in training joins the "other" bucket


def with_derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the derived categorical columns of ``DERIVED_CATEGORICAL`` where their list exists."""
    derived = [
        pl.col(source).list.first().alias(name)
        for name, source in DERIVED_CATEGORICAL.items()
        if source in frame.columns and name not in frame.columns
    ]
    return frame.with_columns(derived) if derived else frame


@dataclass(frozen=True)
class FeatureSpec:
    """The model's input columns: numeric ones, then categorical ones, in a fixed order."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """All input columns in matrix order."""
        return [*self.numeric, *self.categorical]


def default_spec(frame: pl.DataFrame, extra: Sequence[str] = ()) -> FeatureSpec:
    """The documented default columns present in ``frame`` and not entirely null, plus ``extra``.

    ``extra`` columns are numeric when their dtype is numeric or bool, categorical when string.
    """
    frame = with_derived(frame)
    present = [
        name
        for name in frame.columns
        if frame.get_column(name).null_count() < frame.height and frame.height > 0
    ]
    numeric = [name for name in NUMERIC_FEATURES if name in present]
    categorical = [
        name for name in (*CATEGORICAL_FEATURES, *DERIVED_CATEGORICAL) if name in present
    ]
    for name in extra:
        if name not in present or name in numeric or name in categorical:
            continue
        dtype = frame.schema[name]
        if dtype.is_numeric() or dtype == pl.Boolean:
            numeric.append(name)
        elif dtype == pl.String or dtype == pl.Categorical:
            categorical.append(name)
    return FeatureSpec(tuple(numeric), tuple(categorical))


@dataclass(frozen=True)
class Encoding:
    """A feature spec with the category vocabularies learnt from the training rows."""

    spec: FeatureSpec
    vocabularies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The encoding as plain JSON values, for the artifact's metadata."""
        return {
            "numeric": list(self.spec.numeric),
            "categorical": list(self.spec.categorical),
            "vocabularies": {name: list(values) for name, values in self.vocabularies.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Encoding:
        """The encoding saved by ``to_json``."""
        spec = FeatureSpec(tuple(data["numeric"]), tuple(data["categorical"]))
        vocabularies = {name: tuple(values) for name, values in data["vocabularies"].items()}
        return cls(spec, vocabularies)

    def matrix(self, frame: Frame) -> npt.NDArray[np.float64]:
        """The rows of ``frame`` as a float matrix in ``spec.names`` order; null becomes NaN.

        A category is coded by its index in the vocabulary; values outside it (rare or unseen
        in training) share one "other" code, so an unseen port does not look like a missing one.
        """
        if not isinstance(frame, pl.DataFrame) or frame.height <= SMALL_FRAME:
            return self._small_matrix(self.values(frame))
        frame = with_derived(frame)
        missing = [name for name in self.spec.names if name not in frame.columns]
        if missing:
            raise ValueError(f"the frame lacks the model's columns: {', '.join(missing)}")
        columns = [pl.col(name).cast(pl.Float64) for name in self.spec.numeric]
        for name in self.spec.categorical:
            vocabulary = self.vocabularies.get(name, ())
            codes = {value: float(code) for code, value in enumerate(vocabulary)}
            value = pl.col(name).cast(pl.String)
            coded = value.replace_strict(codes, default=float(len(vocabulary)),
                                         return_dtype=pl.Float64)  # fmt: skip
            columns.append(pl.when(value.is_null()).then(None).otherwise(coded).alias(name))
        if not columns:
            return np.empty((frame.height, 0), dtype=np.float64)
        return frame.select(columns).to_numpy().astype(np.float64, copy=False)

    def values(self, frame: Frame) -> list[tuple[Any, ...]]:
        """Each row's input values in ``spec.names`` order, uncoded (what a reason quotes); the
        derived categories are taken from their lists. A few rows (a filing POST's record)
        go through plain Python, where planning Polars expressions would cost more."""
        if isinstance(frame, pl.DataFrame):
            if frame.height > SMALL_FRAME:
                return with_derived(frame).select(self.spec.names).rows()
            frame = list(frame.iter_rows(named=True))
        if not frame:
            return []
        present = frame[0].keys()  # one frame's rows share their columns
        missing = [
            name
            for name in self.spec.names
            if name not in present and DERIVED_CATEGORICAL.get(name) not in present
        ]
        if missing:
            raise ValueError(f"the frame lacks the model's columns: {', '.join(missing)}")
        sources = [(name, name in present) for name in self.spec.names]
        return [
            tuple(
                record[name] if own else _first(record[DERIVED_CATEGORICAL[name]])
                for name, own in sources
            )
            for record in frame
        ]

    def _small_matrix(self, rows: list[tuple[Any, ...]]) -> npt.NDArray[np.float64]:
        """``matrix`` of a few rows' values in plain Python: building Polars expressions for
        each vocabulary costs milliseconds, coding one row microseconds."""
        codes = self._codes()
        numeric = len(self.spec.numeric)
        out = np.full((len(rows), len(self.spec.names)), np.nan, dtype=np.float64)
        for row, values in enumerate(rows):
            for column, value in enumerate(values[:numeric]):
                if value is not None:
                    out[row, column] = float(value)
            for column, (name, value) in enumerate(
                zip(self.spec.categorical, values[numeric:], strict=True), numeric
            ):
                if value is not None:
                    known = codes[name]
                    out[row, column] = known.get(str(value), float(len(known)))
        return out

    def _codes(self) -> dict[str, dict[str, float]]:
        cached: dict[str, dict[str, float]] | None = self.__dict__.get("_code_tables")
        if cached is None:
            cached = {
                name: {
                    value: float(code) for code, value in enumerate(self.vocabularies.get(name, ()))
                }
                for name in self.spec.categorical
            }
            object.__setattr__(self, "_code_tables", cached)
        return cached


def _first(values: Sequence[Any] | None) -> Any:
    return values[0] if values else None


def fit_encoding(frame: pl.DataFrame, spec: FeatureSpec) -> Encoding:
    """Learn each categorical column's vocabulary from the training rows of ``frame``."""
    frame = with_derived(frame)
    vocabularies: dict[str, tuple[str, ...]] = {}
    for name in spec.categorical:
        counts = (
            frame.select(pl.col(name).cast(pl.String).alias("value"))
            .drop_nulls()
            .group_by("value")
            .len()
            .filter(pl.col("len") >= MIN_CATEGORY_COUNT)
            .sort(["len", "value"], descending=[True, False])
            .head(MAX_CATEGORIES)
        )
        vocabularies[name] = tuple(counts.get_column("value").to_list())
    return Encoding(spec, vocabularies)

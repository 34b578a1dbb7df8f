"""Writing filings (JSON Lines, CSV or Parquet, by extension) and the ground truth, in chunks.

Nothing here reads the clock: the same records give the same bytes. Parquet files keep the
filing document's nesting; timestamps and amounts stay the strings the JSON form has, so the
three formats hold exactly the same values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from seawall.filings.flattening import COLUMNS, flatten
from seawall.simulator.traffic import Shipment

CHUNK = 10_000
FORMATS = (".jsonl", ".csv", ".parquet")

_s = pa.string()
_ADDRESS = pa.struct([("street", _s), ("city", _s), ("postal_code", _s), ("country", _s)])
_PARTY = pa.struct([("name", _s), ("address", _ADDRESS), ("identifier", _s)])
FILING_SCHEMA = pa.schema(
    [
        ("submission_id", _s),
        ("filer", pa.struct([("id", _s), ("name", _s)])),
        ("transport_document", pa.struct([("number", _s), ("kind", _s), ("master_number", _s)])),
        ("mode", _s),
        ("carrier", pa.struct([("code", _s), ("name", _s)])),
        ("vessel", pa.struct([("name", _s), ("imo", _s)])),
        ("voyage", _s),
        (
            "route",
            pa.struct(
                [
                    ("place_of_receipt", _s),
                    ("port_of_loading", _s),
                    ("loading_time", _s),
                    ("transshipment_ports", pa.list_(_s)),
                    ("port_of_discharge", _s),
                    ("discharge_eta", _s),
                    ("final_destination", _s),
                    ("destination_country", _s),
                    ("in_transit", pa.bool_()),
                    ("onward_mode", _s),
                    ("border_crossing", _s),
                ]
            ),
        ),
        (
            "parties",
            pa.struct(
                [
                    (role, _PARTY)
                    for role in (
                        "shipper",
                        "consignee",
                        "notify_party",
                        "importer",
                        "manufacturer",
                        "stuffing_location",
                    )
                ]
            ),
        ),
        (
            "goods",
            pa.list_(
                pa.struct(
                    [
                        ("line", pa.int32()),
                        ("hs_code", _s),
                        ("description", _s),
                        ("packages", pa.struct([("count", pa.int64()), ("type", _s)])),
                        ("gross_weight_kg", pa.float64()),
                        ("origin_country", _s),
                        ("value", pa.struct([("amount", _s), ("currency", _s)])),
                        ("un_number", _s),
                    ]
                )
            ),
        ),
        (
            "containers",
            pa.list_(
                pa.struct(
                    [
                        ("number", _s),
                        ("size_type", _s),
                        ("seals", pa.list_(_s)),
                        ("gross_weight_kg", pa.float64()),
                        ("goods_lines", pa.list_(pa.int32())),
                    ]
                )
            ),
        ),
        ("received_at", _s),
    ]
)
TRUTH_SCHEMA = pa.schema(
    [
        ("submission_id", _s),
        ("filer_id", _s),
        ("document_number", _s),
        ("container", _s),
        ("threat", pa.bool_()),
        ("typology", _s),
        ("finding", _s),
        ("invalid", pa.bool_()),
        ("invalid_reason", _s),
        ("variant", _s),
        ("amendment", pa.bool_()),
    ]
)


def truth_path(path: Path) -> Path:
    """Where the ground truth of a filings file goes: its stem plus ``.truth.parquet``."""
    return path.with_name(f"{path.stem}.truth.parquet")


def chunked(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ParquetRows:
    """A Parquet file written a chunk of row dicts at a time."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Append rows (dicts keyed by column)."""
        if rows:
            self._writer.write_table(pa.Table.from_pylist(rows, schema=self.schema))

    def write_columns(self, columns: dict[str, list[Any]]) -> None:
        """Append rows given column by column."""
        if any(len(values) for values in columns.values()):
            self._writer.write_table(pa.Table.from_pydict(columns, schema=self.schema))

    def close(self) -> None:
        """Finish the file (writes the footer)."""
        self._writer.close()


class FilingsWriter:
    """Writes filings in the format the path's extension names, and their truth beside them."""

    def __init__(self, path: Path) -> None:
        if path.suffix not in FORMATS:
            raise ValueError(f"{path.name}: the extension must be one of {', '.join(FORMATS)}")
        self.path = path
        self._stack = ExitStack()
        self._text: IO[str] | None = None
        self._binary: IO[bytes] | None = None
        self._csv: Any = None
        self._parquet: ParquetRows | None = None
        if path.suffix == ".jsonl":
            self._binary = self._stack.enter_context(path.open("wb"))
        elif path.suffix == ".csv":
            self._text = self._stack.enter_context(path.open("w", newline="", encoding="utf-8"))
            self._csv = csv.writer(self._text, lineterminator="\n")
            self._csv.writerow(COLUMNS)
        else:
            self._parquet = ParquetRows(path, FILING_SCHEMA)
            self._stack.callback(self._parquet.close)
        self._truth = ParquetRows(truth_path(path), TRUTH_SCHEMA)
        self._stack.callback(self._truth.close)

    def write(self, shipments: list[Shipment]) -> None:
        """Append a chunk of filings and their truth rows."""
        records = [shipment.record for shipment in shipments]
        if self._binary is not None:
            self._binary.write(b"".join(orjson.dumps(record) + b"\n" for record in records))
        elif self._csv is not None:
            self._csv.writerows(
                [row[column] for column in COLUMNS] for record in records for row in flatten(record)
            )
        elif self._parquet is not None:
            self._parquet.write(records)
        self._truth.write_columns(truth_columns(shipments))

    def __enter__(self) -> FilingsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stack.close()


def truth_columns(shipments: list[Shipment]) -> dict[str, list[Any]]:
    """The truth rows of some filings, one per container, as columns."""
    columns: dict[str, list[Any]] = {name: [] for name in TRUTH_SCHEMA.names}
    for shipment in shipments:
        record = shipment.record
        invalid = shipment.invalid_reason is not None
        for index, box in enumerate(record["containers"]):
            threat = index == shipment.threat_box
            columns["submission_id"].append(record["submission_id"])
            columns["filer_id"].append(record["filer"]["id"])
            columns["document_number"].append(record["transport_document"]["number"])
            columns["container"].append(box["number"])
            columns["threat"].append(threat)
            columns["typology"].append(shipment.typology if threat else None)
            columns["finding"].append(shipment.finding if threat else None)
            columns["invalid"].append(invalid)
            columns["invalid_reason"].append(shipment.invalid_reason)
            columns["variant"].append(shipment.variant if threat else None)
            columns["amendment"].append(shipment.amendment)
    return columns


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """A JSON Lines file of small records (watchlists)."""
    with path.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")

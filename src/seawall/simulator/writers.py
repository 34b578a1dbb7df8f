"""Writing filings (JSON Lines, CSV or Parquet, by extension) and the ground truth, in chunks.

Nothing here reads the clock: the same records give the same bytes. Parquet files keep the
filing document's nesting; timestamps and amounts stay the strings the JSON form has, so the
three formats hold exactly the same values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Encoded:
    """A chunk of filings encoded in the output format, with its truth table."""

    filings: int
    body: bytes | str | pa.Table
    truth: pa.Table


class ParquetRows:
    """A Parquet file written a chunk of rows at a time; ``rows`` counts them."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows = 0
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Append rows (dicts keyed by column)."""
        if rows:
            self.write_table(pa.Table.from_pylist(rows, schema=self.schema))

    def write_table(self, table: pa.Table) -> None:
        """Append a table of this file's schema."""
        if table.num_rows:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        """Finish the file (writes the footer)."""
        self._writer.close()


class FilingsWriter:
    """Writes encoded chunks of filings to the path's format, and their truth beside them."""

    def __init__(self, path: Path) -> None:
        if path.suffix not in FORMATS:
            raise ValueError(f"{path.name}: the extension must be one of {', '.join(FORMATS)}")
        self.path = path
        self._stack = ExitStack()
        self._text: IO[str] | None = None
        self._binary: IO[bytes] | None = None
        self._parquet: ParquetRows | None = None
        if path.suffix == ".jsonl":
            self._binary = self._stack.enter_context(path.open("wb"))
        elif path.suffix == ".csv":
            self._text = self._stack.enter_context(path.open("w", newline="", encoding="utf-8"))
            csv.writer(self._text, lineterminator="\n").writerow(COLUMNS)
        else:
            self._parquet = ParquetRows(path, FILING_SCHEMA)
            self._stack.callback(self._parquet.close)
        self._truth = ParquetRows(truth_path(path), TRUTH_SCHEMA)
        self._stack.callback(self._truth.close)

    def write_encoded(self, chunk: Encoded) -> None:
        """Append a chunk made by ``encode`` for this writer's format."""
        if isinstance(chunk.body, bytes) and self._binary is not None:
            self._binary.write(chunk.body)
        elif isinstance(chunk.body, str) and self._text is not None:
            self._text.write(chunk.body)
        elif isinstance(chunk.body, pa.Table) and self._parquet is not None:
            self._parquet.write_table(chunk.body)
        else:
            raise TypeError(f"a chunk encoded for another format than {self.path.suffix}")
        self._truth.write_table(chunk.truth)

    def __enter__(self) -> FilingsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stack.close()


def encode(shipments: list[Shipment], suffix: str) -> Encoded:
    """A chunk of filings as the format of ``suffix`` writes them, with its truth table."""
    records = [shipment.record for shipment in shipments]
    body: bytes | str | pa.Table
    if suffix == ".jsonl":
        body = b"".join([orjson.dumps(record) + b"\n" for record in records])
    elif suffix == ".csv":
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(
            [row[column] for column in COLUMNS] for record in records for row in flatten(record)
        )
        body = text.getvalue()
    elif suffix == ".parquet":
        body = pa.Table.from_pylist(records, schema=FILING_SCHEMA)
    else:
        raise ValueError(f"the extension must be one of {', '.join(FORMATS)}")
    truth = pa.Table.from_pydict(truth_columns(shipments), schema=TRUTH_SCHEMA)
    return Encoded(len(shipments), body, truth)


def truth_columns(shipments: list[Shipment]) -> dict[str, list[Any]]:
    """The truth rows of some filings, one per container, as columns."""
    submission: list[Any] = []
    filer: list[Any] = []
    document: list[Any] = []
    container: list[Any] = []
    threat: list[Any] = []
    typology: list[Any] = []
    finding: list[Any] = []
    invalid: list[Any] = []
    reason: list[Any] = []
    variant: list[Any] = []
    amendment: list[Any] = []
    for shipment in shipments:
        record = shipment.record
        boxes = record["containers"]
        n = len(boxes)
        submission += [record["submission_id"]] * n
        filer += [record["filer"]["id"]] * n
        document += [record["transport_document"]["number"]] * n
        container += [box["number"] for box in boxes]
        marks = [False] * n
        if shipment.threat_box is not None:
            marks[shipment.threat_box] = True
        threat += marks
        for column, value in (
            (typology, shipment.typology),
            (finding, shipment.finding),
            (variant, shipment.variant),
        ):
            column += [value if mark else None for mark in marks]
        invalid += [shipment.invalid_reason is not None] * n
        reason += [shipment.invalid_reason] * n
        amendment += [shipment.amendment] * n
    columns = (submission, filer, document, container, threat, typology, finding, invalid)
    return dict(zip(TRUTH_SCHEMA.names, (*columns, reason, variant, amendment), strict=True))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """A JSON Lines file of small records (watchlists)."""
    with path.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")

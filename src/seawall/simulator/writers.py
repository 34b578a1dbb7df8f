"""Writing filings (JSON Lines, CSV or Parquet, by extension) and the ground truth, in chunks.

Nothing here reads the clock: the same records give the same bytes. Parquet files keep the
filing document's nesting; timestamps and amounts stay the strings the JSON form has, so the
three formats hold exactly the same values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

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

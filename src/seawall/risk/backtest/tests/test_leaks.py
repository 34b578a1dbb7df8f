"""Columns that give the label away are named, and declared fields are not."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from seawall.risk.backtest.leaks import suspected_leaks
from seawall.risk.backtest.mapping import LABEL
from seawall.risk.backtest.tests.test_backtest import MAPPING, base_args, declarations, invoke


def training_rows(rows: int = 4000, seed: int = 5) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    importer = rng.integers(0, 300, rows)
    label = rng.random(rows) < np.where(importer < 10, 0.9, 0.05)
    return pl.DataFrame(
        {
            LABEL: label,
            "seizure": [f"S-{n}" if hit else None for n, hit in enumerate(label)],
            "recovered": np.where(label & (rng.random(rows) < 0.6), rng.uniform(10, 900, rows), 0),
            "result": np.where(label, "SEIZURE", "NIL"),
            "importer": [f"IMP{n}" for n in importer],
            "weight": rng.uniform(100, 9000, rows),
            "flagged": (rng.random(rows) < 0.3).astype(float),
        }
    )


def test_outcome_columns_are_named_with_what_they_mark() -> None:
    past = training_rows()
    sources = {column: f"File {column}" for column in past.columns if column != LABEL}
    leaks = {leak.column: leak for leak in suspected_leaks(past, sources)}
    assert set(leaks) == {"File seizure", "File recovered", "File result"}
    positives = int(past[LABEL].sum())
    assert leaks["File seizure"].rows == leaks["File seizure"].positives == positives
    assert leaks["File result"].values == ("SEIZURE",)
    assert 0.5 < leaks["File recovered"].share < 0.7
    message = leaks["File result"].message()
    assert message.startswith("column 'File result' gives the label away on the training rows:")
    assert "its value 'SEIZURE' marks" in message
    assert message.endswith("list it under ignore: in the mapping")


def test_a_column_that_marks_only_a_few_positives_is_a_declared_field() -> None:
    past = training_rows()
    # Ten importers are nearly always positive: a record to learn, not an outcome.
    assert suspected_leaks(past, {"importer": "importer", "weight": "weight"}) == []
    rare = past.with_columns((pl.col(LABEL) & (pl.int_range(pl.len()) % 10 == 0)).alias("rare"))
    assert suspected_leaks(rare, {"rare": "rare"}) == []


def test_the_backtest_warns_of_a_leak_and_not_once_it_is_ignored(tmp_path: Path) -> None:
    frame = declarations()
    critical = frame["seized"].to_numpy() & (np.arange(frame.height) % 2 == 0)
    data, mapping = tmp_path / "decl.csv", tmp_path / "map.yaml"
    frame.with_columns(pl.Series("Critical Seizure", critical.astype(int))).write_csv(data)
    mapping.write_text(MAPPING)
    code, out, err = invoke(*base_args((data, mapping)))
    assert code == 0, err
    assert "warning: column 'Critical Seizure' gives the label away" in err
    assert "warning" not in out
    mapping.write_text(MAPPING.replace("ignore: [row_id]", "ignore: [row_id, Critical Seizure]"))
    code, out, err = invoke(*base_args((data, mapping)), "--json")
    assert code == 0, err
    assert "warning" not in err
    assert json.loads(out)["data"]["warnings"] == []

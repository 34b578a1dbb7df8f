"""The backtest command on a small synthetic labelled CSV, and its arithmetic by hand."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from seawall.risk.backtest import at_rate
from seawall.risk.backtest.cli import app as backtest_app
from seawall.risk.backtest.mapping import (
    MAX_MAPPING_BYTES,
    BacktestError,
    ColumnMap,
    extra_names,
    load_mapping,
    map_frame,
)
from seawall.risk.backtest.run import STEPS, _no_twin, backtest, method_scores, read_data
from seawall.risk.model import blend, default_spec, train
from seawall.risk.rules.vectorized import RULE_SCORE

MAPPING = """\
time: declared_on
key: [importer, hs_code, origin, value]
features:
  hs_codes: hs_code
  origin_countries: origin
  declared_value_usd: value
  total_weight_kg: weight_kg
  hours_late: late_hours
ignore: [row_id]
"""

runner = CliRunner()


def root() -> typer.Typer:
    """A tiny root app mounting ours, as the lead's ``seawall`` does."""
    wrapper = typer.Typer()
    wrapper.add_typer(backtest_app)

    @wrapper.callback()
    def _root() -> None:
        """Root."""

    return wrapper


def declarations(rows: int = 3000, seed: int = 3) -> pl.DataFrame:
    """Seizures follow lateness and a channel flag; importers repeat, so some rows are twins."""
    rng = np.random.default_rng(seed)
    late = rng.exponential(6.0, rows)
    channel = rng.choice(["red", "green"], rows, p=[0.2, 0.8])
    chance = 1 / (1 + np.exp(-(late - 15.0) / 2.0)) + np.where(channel == "red", 0.05, 0.0)
    return pl.DataFrame(
        {
            "row_id": np.arange(rows),
            "declared_on": [
                date(2025, 1, 1) + timedelta(days=int(d)) for d in np.arange(rows) // 20
            ],
            "importer": rng.choice([f"IMP{i}" for i in range(40)], rows),
            "hs_code": rng.choice(["940360", "690790", "400122"], rows),
            "origin": rng.choice(["CN", "VN", "TH"], rows),
            "value": rng.choice([1000.0, 2000.0, 5000.0], rows),
            "weight_kg": rng.uniform(500, 20_000, rows),
            "late_hours": late,
            "channel": channel,
            "seized": rng.random(rows) < np.clip(chance, 0, 1),
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("backtest")
    data, mapping = folder / "decl.csv", folder / "map.yaml"
    declarations().write_csv(data)
    mapping.write_text(MAPPING)
    return data, mapping


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(root(), ["backtest", *args])
    return result.exit_code, result.stdout, result.stderr


def report_of(data: Path, mapping: Path, label: str, split: str) -> dict[str, Any]:
    """``seawall backtest --json`` of a file, its report."""
    code, out, err = invoke("--data", str(data), "--mapping", str(mapping), "--label", label,
                            "--split-date", split, "--json")  # fmt: skip
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def base_args(files: tuple[Path, Path], **overrides: str) -> list[str]:
    options = {"--data": str(files[0]), "--mapping": str(files[1]), "--label": "seized",
               "--split-date": "2025-04-21"} | overrides  # fmt: skip
    return [part for pair in options.items() for part in pair]


@pytest.fixture(scope="module")
def report(files: tuple[Path, Path]) -> dict[str, object]:
    code, out, err = invoke(*base_args(files), "--json")
    assert code == 0, err
    parsed: dict[str, object] = json.loads(out)
    return parsed


def test_json_is_methods_by_rates(report: dict[str, dict[str, dict[str, object]]]) -> None:
    for section in (report, report["no_twin"]):
        for method in ("random", "rules", "model", "combined"):
            assert set(section[method]) == {"1", "2", "5", "10"}
            assert set(section[method]["5"]) == {"examined", "hits", "precision", "recall"}  # type: ignore[arg-type]
    data = report["data"]
    assert data["train_rows"] + data["test_rows"] == 3000
    assert 0 < data["no_twin_rows"] < data["test_rows"]  # type: ignore[operator]


def test_random_is_the_base_rate(report: dict[str, dict[str, dict[str, float]]]) -> None:
    data = report["data"]
    base = data["test_positives"] / data["test_rows"]
    for rate in ("1", "10"):
        assert report["random"][rate]["precision"] == pytest.approx(base, abs=1e-6)  # type: ignore[index]
    assert report["random"]["10"]["recall"] == pytest.approx(0.1, abs=1e-3)  # type: ignore[index]


def test_model_beats_random(report: dict[str, dict[str, dict[str, dict[str, float]]]]) -> None:
    assert report["model"]["5"]["precision"] > 2 * report["random"]["5"]["precision"]
    assert report["data"]["features"]["model"][0] == "hours_late"  # type: ignore[index]
    assert "x_channel" in report["data"]["features"]["model"]  # type: ignore[index]
    assert "rule_score" in report["data"]["features"]["combined"]  # type: ignore[index]


def test_text_output_has_both_sections(files: tuple[Path, Path]) -> None:
    code, out, _ = invoke(*base_args(files), "--rates", "5")
    assert code == 0
    assert "all test rows" in out
    assert "no identical twin" in out
    assert out.count("combined") == 2


def test_precision_and_recall_by_hand() -> None:
    score, label = [5, 4, 4, 1, 0], [1, 0, 1, 0, 0]
    top = at_rate(score, label, 20)  # one row: the 5, a positive
    assert (top.examined, top.hits, top.precision, top.recall) == (1, 1.0, 1.0, 0.5)
    tied = at_rate(score, label, 40)  # the 5, then one of the two 4s: half a positive expected
    assert (tied.examined, tied.hits, tied.precision, tied.recall) == (2, 1.5, 0.75, 0.75)
    flat = at_rate([0] * 5, label, 40)
    assert flat.precision == pytest.approx(0.4)
    assert at_rate([np.nan, 1.0], [1, 0], 50).hits == 0.0  # NaN ranks last


def test_no_twin_uses_every_key_field_and_null_matches_null() -> None:
    train = pl.DataFrame({"a": ["x", "y", None], "b": [1, 2, 3]})
    test = pl.DataFrame({"a": ["x", "x", None, "z"], "b": [1, 2, 3, 1]})
    assert _no_twin(train, test, ["a", "b"]).tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"--data": "/nonexistent/decl.csv"}, "no such file"),
        ({"--label": "confiscated"}, "confiscated (the label)"),
        ({"--split-date": "2031-01-01"}, "outside the data"),
        ({"--split-date": "1 April"}, "not a date"),
        ({"--mapping": "/nonexistent/map.yaml"}, "mapping /nonexistent/map.yaml: No such file"),
        ({"--mapping": "/"}, "mapping /: Is a directory"),
    ],
)
def test_bad_input_exits_2(files: tuple[Path, Path], overrides: dict[str, str],
                           message: str) -> None:  # fmt: skip
    code, out, err = invoke(*base_args(files, **overrides))
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_a_mapping_larger_than_a_mapping_can_be_is_not_read(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    huge = tmp_path / "map.yaml"
    with huge.open("wb") as file:
        file.truncate(MAX_MAPPING_BYTES + 1)  # sparse: nothing is written, or read
    code, _, err = invoke(*base_args(files, **{"--mapping": str(huge)}))
    assert code == 2
    assert f"mapping {huge}: {MAX_MAPPING_BYTES + 1:,} bytes, more than the" in err


def test_no_positive_before_split_exits_2(tmp_path: Path, files: tuple[Path, Path]) -> None:
    frame = declarations(400).with_columns(
        ((pl.col("declared_on") >= date(2025, 1, 15)) & pl.col("seized")).alias("seized")
    )
    data = tmp_path / "decl.parquet"
    frame.write_parquet(data)
    code, _, err = invoke(*base_args(files, **{"--data": str(data), "--split-date": "2025-01-15"}))
    assert code == 2
    assert "no positive 'seized'" in err


def test_unknown_feature_in_mapping_exits_2(tmp_path: Path, files: tuple[Path, Path]) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING.replace("hours_late:", "hours_lat:"))
    code, _, err = invoke(*base_args(files, **{"--mapping": str(mapping)}), "--rates", "1,x")
    assert code == 2
    assert "error:" in err


def _written(frame: pl.DataFrame, how: str) -> pl.DataFrame:
    return frame.with_columns(pl.col("declared_on").dt.strftime(how))


def _report_with_time_format(files: tuple[Path, Path], data: Path, how: str) -> dict[str, Any]:
    """The ``--json`` report of ``data`` with the test mapping and this ``time_format``."""
    mapping = data.with_name("map.yaml")
    mapping.write_text(MAPPING + f"time_format: {how}\n")
    return report_of(data, mapping, "seized", "2025-04-21")


def test_dates_written_another_way_are_read_with_the_mappings_time_format(
    tmp_path: Path, files: tuple[Path, Path], report: dict[str, object]
) -> None:
    """Month-first dates (which Polars would not read, or read day-first when they could be
    either) and dates as numbers give the same report as ISO dates, once time_format says so."""
    us, numbers = tmp_path / "us.csv", tmp_path / "numbers.parquet"
    _written(declarations(), "%m/%d/%Y").write_csv(us)
    _written(declarations(), "%Y%m%d").with_columns(
        pl.col("declared_on").cast(pl.Int64)
    ).write_parquet(numbers)
    for data, how in ((us, "%m/%d/%Y"), (numbers, "%Y%m%d")):
        assert _report_with_time_format(files, data, f'"{how}"') == report
    code, _, err = invoke(*base_args(files, **{"--data": str(us)}))
    assert code == 2
    assert "give time_format" in err


def test_times_counted_since_1970_are_read_with_time_format_unix(
    tmp_path: Path, files: tuple[Path, Path], report: dict[str, object]
) -> None:
    """Seconds (as numbers or as text) and milliseconds since 1970 give the same
    report as the ISO dates; without time_format the error says what to write."""
    seconds = pl.col("declared_on").cast(pl.Datetime("ms", "UTC")).dt.epoch("s")
    numbers, texts = tmp_path / "seconds.parquet", tmp_path / "seconds.csv"
    declarations().with_columns(seconds).write_parquet(numbers)
    declarations().with_columns(seconds.cast(pl.String)).write_csv(texts)
    millis = tmp_path / "millis.parquet"
    declarations().with_columns(seconds * 1000).write_parquet(millis)
    for data, how in ((numbers, "unix"), (texts, "unix"), (millis, "unix_ms")):
        assert _report_with_time_format(files, data, how) == report
    code, _, err = invoke(*base_args(files, **{"--data": str(numbers)}))
    assert code == 2
    assert "seconds since 1970 need time_format: unix" in err
    odd = tmp_path / "odd.csv"
    declarations().with_columns(seconds.cast(pl.String)).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("soon")).otherwise("declared_on")
        .alias("declared_on")
    ).write_csv(odd)  # fmt: skip
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING + "time_format: unix\n")
    code, _, err = invoke(*base_args(files, **{"--data": str(odd), "--mapping": str(mapping)}))
    assert code == 2
    assert "time column 'declared_on', data row 8: 'soon' is not a number of seconds" in err


def test_compressed_csv_json_lines_and_a_spreadsheet_give_the_csvs_report(
    tmp_path: Path, files: tuple[Path, Path], report: dict[str, object]
) -> None:
    compressed, lines = tmp_path / "decl.csv.gz", tmp_path / "decl.jsonl"
    compressed.write_bytes(gzip.compress(files[0].read_bytes()))
    declarations().with_columns(pl.col("declared_on").cast(pl.String)).write_ndjson(lines)
    sheet = tmp_path / "decl.xlsx"
    declarations().write_excel(sheet)
    for data in (compressed, lines, sheet):
        code, out, err = invoke(*base_args(files, **{"--data": str(data)}), "--json")
        assert code == 0, err
        assert json.loads(out) == report
    broken, unzipped = tmp_path / "broken.jsonl", tmp_path / "broken.xlsx"
    broken.write_text('{"declared_on": "2025-01-01"}\n{"declared_on": \n')
    unzipped.write_bytes(b"PK\x03\x04 not a workbook")
    for data in (broken, unzipped):
        code, out, err = invoke(*base_args(files, **{"--data": str(data)}))
        assert code == 2
        assert f"data file {data}: cannot read it" in err
        assert "Traceback" not in out + err


def test_a_date_that_does_not_fit_the_time_format_is_named(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    data, mapping = tmp_path / "us.csv", tmp_path / "map.yaml"
    frame = _written(declarations(), "%m/%d/%Y")
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("13/31/2025"))
        .otherwise(pl.col("declared_on")).alias("declared_on")
    ).write_csv(data)  # fmt: skip
    mapping.write_text(MAPPING + 'time_format: "%m/%d/%Y"\n')
    code, out, err = invoke(*base_args(files, **{"--data": str(data), "--mapping": str(mapping)}))
    assert code == 2
    assert "data row 8: '13/31/2025' does not fit time_format '%m/%d/%Y'" in err
    assert "Traceback" not in out + err


def _outcomes(frame: pl.DataFrame) -> pl.DataFrame:
    """The label written as an exam outcome: SEIZURE or NIL, a few rows not yet examined."""
    outcome = pl.when(pl.col("seized")).then(pl.lit(" Seizure")).otherwise(pl.lit("NIL"))
    unexamined = pl.int_range(pl.len()) % 50 == 9
    written = pl.when(unexamined).then(pl.lit("")).otherwise(outcome)
    return frame.with_columns(written.alias("seized"))


def test_a_label_written_as_outcomes_is_read_with_the_mappings_positive_values(
    tmp_path: Path, files: tuple[Path, Path], report: dict[str, Any]
) -> None:
    """``positive`` names the outcomes that count (case and spaces aside); every other value is
    negative, an empty one unlabelled; without it such a label is refused, by data row."""
    data, mapping = tmp_path / "outcomes.csv", tmp_path / "map.yaml"
    _outcomes(declarations()).write_csv(data)
    mapping.write_text(MAPPING + "positive: [SEIZURE]\n")
    read = report_of(data, mapping, "seized", "2025-04-21")
    labelled = declarations().filter(pl.int_range(pl.len()) % 50 != 9)
    assert read["data"]["dropped_unlabelled"] == 60
    counts = read["data"]
    assert counts["train_positives"] + counts["test_positives"] == labelled["seized"].sum()
    assert counts["train_rows"] + counts["test_rows"] == labelled.height
    mapping.write_text(MAPPING)
    code, out, err = invoke(*base_args(files, **{"--data": str(data), "--mapping": str(mapping)}))
    assert code == 2
    assert f"label column 'seized', data row 1: {_outcomes(declarations())['seized'][0]!r}" in err
    assert "positive:" in err
    assert "Traceback" not in out + err


def test_rows_with_no_time_are_left_out_and_counted(
    tmp_path: Path, files: tuple[Path, Path], report: dict[str, Any]
) -> None:
    data = tmp_path / "decl.csv"
    undated = pl.int_range(pl.len()) % 100 == 3
    declarations().with_columns(
        pl.when(undated).then(None).otherwise(pl.col("declared_on")).alias("declared_on")
    ).write_csv(data)
    read = report_of(data, files[1], "seized", "2025-04-21")
    counts = read["data"]
    assert counts["dropped_undated"] == 30
    assert counts["train_rows"] + counts["test_rows"] == 3000 - 30
    code, out, _ = invoke(*base_args(files, **{"--data": str(data)}))
    assert code == 0
    assert "left out: 30 with no time" in out
    assert "left out" not in invoke(*base_args(files))[1]


def test_gaps_written_as_text_are_no_value_where_numbers_dates_or_labels_are_expected(
    tmp_path: Path,
) -> None:
    """A file's "N/A" and "NA" are no value in a number, the time or the label, wherever they
    first appear (here after 10,000 rows of integers, with a decimal after them too); text
    keeps them as written ("NA" is Namibia)."""
    data = tmp_path / "decl.csv"
    late = pl.int_range(pl.len())
    declarations(12_000).with_columns(
        pl.col("late_hours").round().cast(pl.Int64).alias("boxes"),
        pl.col("seized").cast(pl.Int64),
    ).with_columns(
        pl.when(late == 10_500).then(pl.lit("N/A"))
        .when(late == 11_000).then(pl.lit("2.5"))
        .otherwise(pl.col("boxes").cast(pl.String)).alias("boxes"),
        pl.when(late == 10_600).then(pl.lit("n/a")).otherwise(pl.col("value").cast(pl.String))
        .alias("value"),
        pl.when(late == 10_700).then(pl.lit("N/A")).otherwise(pl.col("declared_on").cast(pl.String))
        .alias("declared_on"),
        pl.when(late == 10_800).then(pl.lit("NA")).otherwise(pl.col("seized").cast(pl.String))
        .alias("seized"),
        pl.when(late == 10_900).then(pl.lit("NA")).otherwise(pl.col("origin")).alias("origin"),
    ).write_csv(data)  # fmt: skip
    columns = _mapping_of(tmp_path, MAPPING)
    mapped = map_frame(read_data(data, columns), columns, "seized")
    assert (mapped.dropped_unlabelled, mapped.dropped_undated) == (1, 1)
    frame = mapped.frame
    assert frame.schema["x_boxes"] == pl.Float64
    assert frame["x_boxes"].null_count() == 1
    assert 2.5 in frame["x_boxes"].to_list()
    assert frame["declared_value_usd"].null_count() == 1
    assert frame["origin_countries"].list.first().to_list().count("NA") == 1


def test_numeric_extras_are_also_read_over_the_declared_value(tmp_path: Path) -> None:
    """The tax over the value is the tax rate; a flag, a code of few values, a category or a
    text column gets no such share, and a row with no value (or a value of 0) has none."""
    rows = 200
    frame = pl.DataFrame(
        {
            "day": [date(2025, 1, 1) + timedelta(days=n) for n in range(rows)],
            "value": [0.0, None, *(100.0 * n for n in range(2, rows))],
            "taxes": [float(n) for n in range(rows)],
            "urgent": [n % 2 for n in range(rows)],
            "lane": [n % 40 for n in range(rows)],
            "office": list(range(rows)),
            "channel": ["red", "green"] * (rows // 2),
            "seized": [n % 7 == 0 for n in range(rows)],
        }
    )
    data = tmp_path / "decl.csv"
    frame.write_csv(data)
    columns = _mapping_of(tmp_path, "time: day\nfeatures:\n  declared_value_usd: value\n"
                                     "categories: [office]\n")  # fmt: skip
    mapped = map_frame(read_data(data, columns), columns, "seized")
    assert [name for name in mapped.extras if name.endswith("_per_value")] == ["x_taxes_per_value"]
    assert mapped.frame["x_taxes_per_value"].to_list() == [None, None, *([0.01] * (rows - 2))]


def test_a_value_that_is_not_a_number_is_named_by_feature_column_and_row(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    data = tmp_path / "decl.csv"
    declarations().with_columns(pl.col("value").cast(pl.String)).with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("1,250.00"))
        .otherwise(pl.col("value")).alias("value")
    ).write_csv(data)  # fmt: skip
    code, out, err = invoke(*base_args(files, **{"--data": str(data)}))
    assert code == 2
    named = "feature declared_value_usd (column 'value'), data row 5: '1,250.00' is not a number"
    assert named in err
    assert "Traceback" not in out + err


CODED = """\
time: day
features:
  hs_codes: hs
categories: [office]
"""


def _mapping_of(folder: Path, text: str) -> ColumnMap:
    path = folder / "map.yaml"
    path.write_text(text)
    return load_mapping(path)


def _coded(tmp_path: Path) -> pl.DataFrame:
    """Codes written with leading zeros: a live-animals HS code and zero-padded offices."""
    data = tmp_path / "coded.csv"
    data.write_text(
        "day,hs,office,seized\n2025-01-02,010121,0042,true\n2025-01-03,850440,7,false\n"
    )
    columns = _mapping_of(tmp_path, CODED)
    return map_frame(read_data(data, columns), columns, "seized").frame


def test_codes_and_categories_keep_their_leading_zeros(tmp_path: Path) -> None:
    frame = _coded(tmp_path)
    assert frame["hs_chapters"].to_list() == [["01"], ["85"]]
    assert frame["hs_headings"].to_list() == [["0101"], ["8504"]]
    # An office written as a number is a category, not a quantity.
    assert frame["x_office"].to_list() == ["0042", "7"]


def test_hs_codes_stored_as_numbers_get_back_their_leading_zero(tmp_path: Path) -> None:
    data = pl.DataFrame({"day": [date(2025, 1, 2)] * 2, "hs": [10121, 850440], "seized": [1, 0]})
    frame = map_frame(data, _mapping_of(tmp_path, CODED.replace("[office]", "[]")), "seized")
    assert frame.frame["hs_chapters"].to_list() == [["01"], ["85"]]


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ("[branch]", "columns not in the data file: branch (categories)"),
        ("[hs]", "categories: hs: already the label, the time, a mapped feature or ignored"),
    ],
)
def test_a_category_column_must_be_an_extra_column_of_the_file(
    tmp_path: Path, categories: str, message: str
) -> None:
    data = pl.DataFrame({"day": [date(2025, 1, 2)], "hs": ["010121"], "seized": [1]})
    mapping = _mapping_of(tmp_path, CODED.replace("[office]", categories))
    with pytest.raises(BacktestError, match=re.escape(message)):
        map_frame(data, mapping, "seized")


def test_a_separator_of_more_than_one_character_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BacktestError, match="separator: String should have at most 1 character"):
        _mapping_of(tmp_path, 'time: day\nseparator: ";;"\n')


def test_a_csv_written_with_semicolons_and_decimal_commas_is_read_as_the_mapping_says(
    tmp_path: Path,
) -> None:
    data = tmp_path / "europe.csv"
    data.write_text("day;hs;value;seized\n2025-01-02;010121;1234,50;1\n2025-01-03;850440;7,25;0\n")
    written = "time: day\nfeatures:\n  hs_codes: hs\n  declared_value_usd: value\n"
    with pytest.raises(BacktestError, match=re.escape('give separator: ";" in the mapping')):
        read_data(data, _mapping_of(tmp_path, written))
    european = _mapping_of(tmp_path, written + 'separator: ";"\ndecimal_comma: true\n')
    frame = map_frame(read_data(data, european), european, "seized").frame
    assert frame["declared_value_usd"].to_list() == [1234.5, 7.25]
    assert frame["hs_chapters"].to_list() == [["01"], ["85"]]


def test_a_csv_in_another_encoding_is_read_as_the_mapping_says(tmp_path: Path) -> None:
    data, packed = tmp_path / "windows.csv", tmp_path / "windows.csv.gz"
    text = "day;importer;seized\n2025-01-02;Société Générale;1\n2025-01-03;Müller – Söhne;0\n"
    data.write_bytes(text.encode("cp1252"))
    packed.write_bytes(gzip.compress(text.encode("cp1252")))
    written = 'time: day\nseparator: ";"\ncategories: [importer]\n'
    with pytest.raises(BacktestError, match="give it as encoding: in the mapping"):
        read_data(data, _mapping_of(tmp_path, written))
    windows = _mapping_of(tmp_path, written + "encoding: cp1252\n")
    for path in (data, packed):
        frame = read_data(path, windows)
        assert frame["importer"].to_list() == ["Société Générale", "Müller – Söhne"]
    data.write_bytes(text.encode("cp1252") + b"2025-01-04;\x81;0\n")  # 0x81: no cp1252 letter
    with pytest.raises(BacktestError, match="byte 89 is not cp1252"):
        read_data(data, windows)
    with pytest.raises(BacktestError, match="'klingon' is not a text encoding Python knows"):
        _mapping_of(tmp_path, written + "encoding: klingon\n")


def test_the_combination_is_the_blend_of_both_models() -> None:
    # As the node's training does: the model with the rule score, blended with the model
    # without it. Rules here point at a different half of the positives than lateness does.
    rng = np.random.default_rng(5)
    rows = 4000
    late, points = rng.exponential(6.0, rows), rng.choice([0.0, 10.0, 30.0], rows)
    found = rng.random(rows) < 0.02 + 0.3 * (late > 15) + 0.3 * (points == 30.0)
    frame = pl.DataFrame(
        {
            "hours_late": late,
            RULE_SCORE: points,
            "found": found,
            "received_at": [datetime(2025, 1, 1) + timedelta(hours=int(h)) for h in range(rows)],
        }
    )
    past, future = frame.head(3000), frame.tail(1000)
    alone = train(past, spec=default_spec(past))
    with_rules = train(past, spec=default_spec(past, extra=[RULE_SCORE]), monotone={RULE_SCORE: 1})
    scores = method_scores(future, alone, with_rules)
    assert np.array_equal(scores["combined"], blend(with_rules, alone).predict(future).score)
    assert not np.array_equal(scores["combined"], with_rules.predict(future).score)
    assert np.array_equal(scores["model"], alone.predict(future).score)
    truth = future.get_column("found").to_numpy()
    combined, model = (at_rate(scores[name], truth, 10).recall for name in ("combined", "model"))
    assert combined > model  # the rule score's half of the positives is found too


def test_a_backtest_reports_each_of_its_steps_for_the_progress_bar(
    files: tuple[Path, Path],
) -> None:
    mapping = load_mapping(files[1])
    steps: list[int] = []
    backtest(read_data(files[0], mapping), mapping, "seized", date(2025, 4, 21), [5],
             advance=lambda: steps.append(1))  # fmt: skip
    assert len(steps) == STEPS


def test_extra_columns_named_in_any_script_get_distinct_feature_names() -> None:
    assert extra_names(["申报单位", "进口商", "Déclarant", "Item Price ($)", "a b", "a-b"]) == [
        "x_ShenBaoDanWei", "x_JinKouShang", "x_Declarant", "x_Item_Price_", "x_a_b", "x_a_b_2",
    ]  # fmt: skip
    frame = declarations().rename({"channel": "申报单位", "importer": "进口商"})
    mapped = map_frame(frame, ColumnMap.model_validate({"time": "declared_on"}), "seized")
    assert {"x_ShenBaoDanWei", "x_JinKouShang"} <= set(mapped.extras)

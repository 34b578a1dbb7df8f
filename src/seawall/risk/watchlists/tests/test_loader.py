"""Loading watchlist files: both formats, and bad files refused whole with every reason."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from seawall.risk.watchlists.loader import WatchlistRejected, load_watchlist, parse_watchlist

HEADER = "id,name,aliases,entity_type,street,city,country,identifiers,source,reason,listed_on\n"
GOOD_ROW = (
    "WL-1,Volga Trading OOO,Volgamash|Волга,company,,Samara,RU,7701234567,unit,exports,2024-03-01\n"
)


def test_csv_loads_with_lists_and_address() -> None:
    [entry] = parse_watchlist(HEADER + GOOD_ROW, "csv")
    assert entry.aliases == ("Volgamash", "Волга")
    assert entry.entity_type == "organization"
    assert entry.address.city == "Samara"
    assert entry.home_country == "RU"
    assert entry.listed_on is not None
    assert entry.listed_on.isoformat() == "2024-03-01"


def test_jsonl_in_the_simulators_shape_loads(tmp_path: Path) -> None:
    rows = [
        {
            "id": "S-1",
            "name": "Mohammed Hussein",
            "aliases": ["Muhammad Husain"],
            "entity_type": "person",
            "address": "12 Harbour Street",
            "country": "AE",
            "identifiers": ["AE-77"],
            "source": "simulator",
            "reason": "smuggling",
            "listed_on": "2023-01-02",
        },
        {
            "id": "S-2",
            "name": "Gulf Star FZE",
            "aliases": [],
            "type": "organization",
            "address": {"city": "Dubai", "country": "AE"},
            "country": "AE",
            "identifiers": [{"type": "trade licence", "value": "TL-9"}],
            "source": "simulator",
            "reason": "front company",
            "listed_on": None,
        },
    ]
    path = tmp_path / "list.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    first, second = load_watchlist(path)
    assert first.address.street == "12 Harbour Street"
    assert second.identifiers == ("TL-9",)
    assert second.address.city == "Dubai"


def test_every_bad_csv_row_is_reported_and_nothing_loaded() -> None:
    text = (
        HEADER
        + GOOD_ROW
        + "WL-2,,,company,,,RU,,unit,exports,\n"  # line 3: no name
        + "WL-3,Ural Steel,,company,,,XX,,unit,exports,2024-13-01\n"  # line 4: country, date
        + GOOD_ROW  # line 5: duplicate id
    )
    with pytest.raises(WatchlistRejected) as caught:
        parse_watchlist(text, "csv")
    found = {(p.row, p.field) for p in caught.value.problems}
    assert found == {(3, "name"), (4, "country"), (4, "listed_on"), (5, "id")}
    assert "duplicate of line 2" in {p.reason for p in caught.value.problems if p.row == 5}.pop()


def test_bad_jsonl_lines_are_reported() -> None:
    good = orjson.dumps({"id": "A", "name": "X Co", "source": "s", "reason": "r"}).decode()
    text = "\n".join([good, "{not json", "[1, 2]", '{"id": "B", "name": "Y", "source": "s"}'])
    with pytest.raises(WatchlistRejected) as caught:
        parse_watchlist(text, "jsonl")
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "row"),
        (3, "row"),
        (4, "reason"),
    ]
    assert "not JSON" in caught.value.problems[0].reason


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("id,name,colour\n", "colour"),  # unknown column
        ("id,name,reason\n", "source"),  # required column missing
        ("", "file"),  # nothing at all
    ],
)
def test_bad_csv_files_are_refused(text: str, field: str) -> None:
    with pytest.raises(WatchlistRejected) as caught:
        parse_watchlist(text, "csv")
    assert field in {p.field for p in caught.value.problems}


def test_unknown_file_type_and_bad_encoding_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WatchlistRejected):
        load_watchlist(tmp_path / "list.xlsx")
    with pytest.raises(WatchlistRejected, match="not UTF-8"):
        parse_watchlist(b"\xff\xfe\x00bad", "csv")

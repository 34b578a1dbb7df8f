"""Screening parties: what matches, what does not, and how identifiers and places move it."""

from __future__ import annotations

import polars as pl
import pytest

from seawall.risk.watchlists.calibration import SEEDS, seed_entry
from seawall.risk.watchlists.screener import DEFAULT_THRESHOLD, Screener
from seawall.risk.watchlists.tests.factories import entry, parties, party


@pytest.fixture
def screener() -> Screener:
    # The seeds give the entry neighbours, so blocking has to pick it out among others.
    seeds = [seed for seed in SEEDS if "Volga" not in seed.name]
    others = [seed_entry(n, seed) for n, seed in enumerate(seeds, start=1)]
    return Screener([entry(), *others])


@pytest.mark.parametrize(
    ("written", "matched"),
    [
        ("Volga Machinery Trading OOO", "Volga Machinery Trading OOO"),  # exact
        ("VOLGA MACHINERY TRADING LLC", "Volga Machinery Trading OOO"),  # case and form
        ("Volga Machinary Tradng OOO", "Volga Machinery Trading OOO"),  # misspelt
        ("Trading Volga Machinery", "Volga Machinery Trading OOO"),  # reordered
        ("ООО Волга Машинери Трэйдинг", "Volga Machinery Trading OOO"),  # Cyrillic
        ("Volgamash", "Volgamash"),  # alias
    ],
)
def test_the_listed_party_is_found(screener: Screener, written: str, matched: str) -> None:
    matches = screener.screen_parties(parties(party(written, identifier=None)))
    assert [m.entry_id for m in matches] == ["WL-1"]
    assert matches[0].role == "consignee"
    assert matches[0].matched_name == matched
    assert matches[0].matched_alias is (matched == "Volgamash")


def test_transliterated_person_is_found() -> None:
    listed = entry(
        id="P-1",
        name="Sergei Vladimirovich Kuznetsov",
        aliases=[],
        identifiers=[],
        address={},
        entity_type="person",
    )
    found = Screener([listed]).screen_party("shipper", party("Сергей Владимирович Кузнецов"))
    assert [m.entry_id for m in found] == ["P-1"]


def test_near_miss_scores_below_the_threshold(screener: Screener) -> None:
    assert screener.screen_parties(parties(party("Volga Textile Trading OOO"))) == []
    near = [m for m in screener.match_name("Volga Textile Trading") if m.entry_id == "WL-1"]
    assert all(m.name_score < DEFAULT_THRESHOLD for m in near)


def test_unrelated_parties_do_not_match(screener: Screener) -> None:
    assert screener.screen_parties(parties(party("Maple Leaf Foods Inc.", "CA", "Toronto"))) == []


def test_identifier_raises_a_weak_name_match(screener: Screener) -> None:
    weak = "Volga Mech Trade Group"
    assert screener.screen_party("importer", party(weak)) == []
    [match] = screener.screen_party("importer", party(weak, identifier="77-0123-4567"))
    assert match.identifier_match is True
    assert match.score == pytest.approx(min(100.0, match.name_score + 30.0 + 5.0))


def test_identifier_alone_finds_the_entry(screener: Screener) -> None:
    [match] = screener.screen_party("importer", party("Zenith Holdings", identifier="7701234567"))
    assert match.entry_id == "WL-1"
    assert match.identifier_match is True
    assert match.score == DEFAULT_THRESHOLD
    assert match.name_score < 50


def test_country_mismatch_lowers_and_city_match_raises(screener: Screener) -> None:
    name = "Volga Machinary Tradng"  # misspelt, so that no score is capped at 100
    [home] = screener.screen_party("shipper", party(name, "RU", "Samara"))
    [elsewhere] = screener.screen_party("shipper", party(name, "RU", "Kazan"))
    abroad = screener.screen_party("shipper", party(name, "KZ", "Almaty"))
    assert home.city_match is True
    assert home.score > elsewhere.score
    assert elsewhere.country_match is True
    assert abroad == [] or abroad[0].score < elsewhere.score
    assert [m.country_match for m in abroad] in ([], [False])


def test_match_explains_itself(screener: Screener) -> None:
    [match] = screener.screen_party("consignee", party("Volgamash", identifier="7701234567"))
    assert match.entry_normalized == "volgamash"
    assert match.party_normalized == "volgamash"
    assert match.source == "unit list"
    assert match.reason == "dual-use exports"
    text = match.explain()
    assert "WL-1" in text
    assert "identifier equal" in text
    assert match.to_dict()["adjustments"][0] == {"reason": "identifier equal", "points": 30.0}


def test_bulk_screening_agrees_with_one_by_one(screener: Screener) -> None:
    names = pl.Series(["Volga Machinary Trading", "Maple Leaf Foods", "", "Volgamash"])
    bulk = screener.screen_names(names)
    fresh = Screener(screener.entries)
    assert bulk == [fresh.match_name(n) if n else () for n in names.to_list()]
    assert [m.entry_id for m in bulk[0]] == ["WL-1"]
    assert bulk[1] == ()


def test_threshold_is_the_screeners_own() -> None:
    strict = Screener([entry()], threshold=99.0)
    assert strict.screen_party("shipper", party("Volga Machinary Trading", city="Kazan")) == []
    assert Screener([entry()]).screen_party("shipper", party("Volga Machinary Trading")) != []


def test_a_party_screened_again_gets_the_same_matches_and_its_own_list(
    screener: Screener,
) -> None:
    """Parties are remembered across bulk chunks and POSTs: the answer must not change with
    the role asked or with what a caller did to an earlier answer."""
    listed = party("Volga Machinary Trading OOO", identifier=None)
    first = screener.screen_party("shipper", listed)
    first.clear()
    again = screener.screen_party("shipper", listed)
    fresh = Screener(screener.entries).screen_party("shipper", listed)
    assert again == fresh
    assert [m.entry_id for m in again] == ["WL-1"]
    assert [m.role for m in screener.screen_party("consignee", listed)] == ["consignee"]

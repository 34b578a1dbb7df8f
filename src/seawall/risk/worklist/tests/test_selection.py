"""The worklist's choice, without a database: ranking, the capacity cut, the random share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from seawall.risk.worklist.selection import Candidate, choose, draw_order, ranked, slots

ETA = datetime(2026, 11, 15, 6, tzinfo=UTC)


def candidate(filing_id: int, score: float, boxes: int = 1, minutes: int = 0) -> Candidate:
    return Candidate(
        filing_id=filing_id,
        document_number=f"DOC{filing_id}",
        score=score,
        band="high",
        action="review",
        discharge_eta=ETA + timedelta(minutes=minutes),
        containers=tuple(f"BOX{filing_id}-{n}" for n in range(boxes)),
        reasons=(),
    )


def test_ties_go_to_the_earlier_box_then_the_lower_filing_id() -> None:
    order = ranked(
        [candidate(5, 50.0), candidate(3, 50.0), candidate(9, 50.0, minutes=-30), candidate(1, 20)]
    )
    assert [c.filing_id for c in order] == [9, 3, 5, 1]


@pytest.mark.parametrize(
    ("capacity", "share", "expected"),
    [(10, 0.1, (9, 1)), (10, 0.05, (9, 1)), (10, 0.0, (10, 0)), (1, 0.1, (1, 0)), (0, 0.1, (0, 0))],
)
def test_the_compliance_share_is_rounded_half_up(
    capacity: int, share: float, expected: tuple[int, int]
) -> None:
    assert slots(capacity, share) == expected


def test_capacity_counts_containers_and_a_filing_that_does_not_fit_is_passed_over() -> None:
    day = [candidate(1, 90, boxes=2), candidate(2, 80, boxes=3), candidate(3, 70), candidate(4, 60)]
    chosen = choose(day, capacity=4, compliance_share=0.0, seed="s")
    assert [(p.candidate.filing_id, p.selected_by, p.rank) for p in chosen.picks] == [
        (1, "risk", 1),
        (3, "risk", 3),
        (4, "risk", 4),
    ]
    assert (chosen.boxes, chosen.candidate_boxes, chosen.candidates) == (4, 7, 4)


def test_the_random_share_comes_from_the_rest_marked_and_the_same_on_every_reload() -> None:
    day = [candidate(n, 100 - n) for n in range(1, 41)]
    first = choose(day, capacity=10, compliance_share=0.2, seed="CAPRR|2026-11-15|salt")
    by_risk = [p.candidate.filing_id for p in first.picks if p.selected_by == "risk"]
    drawn = [p.candidate.filing_id for p in first.picks if p.selected_by == "random"]
    assert by_risk == list(range(1, 9))
    assert len(drawn) == 2
    assert all(n > 8 for n in drawn)
    assert drawn == sorted(drawn)  # listed in risk order after the risk picks
    again = choose(
        list(reversed(day)), capacity=10, compliance_share=0.2, seed="CAPRR|2026-11-15|salt"
    )
    assert again == first
    other_days = {
        tuple(
            p.candidate.filing_id
            for p in choose(day, 10, 0.2, f"CAPRR|2026-11-{d}|salt").picks
            if p.selected_by == "random"
        )
        for d in range(10, 20)
    }
    assert len(other_days) > 1  # another day, another draw


def test_the_draw_is_uniform_over_the_filings_risk_left() -> None:
    rest = [candidate(n, 10) for n in range(20)]
    counts = dict.fromkeys(range(20), 0)
    for day in range(2000):
        counts[draw_order(rest, f"P|{day}|salt")[0].filing_id] += 1
    # 100 expected each; the bounds are about five standard deviations wide.
    assert all(50 < count < 150 for count in counts.values()), counts


def test_a_late_filing_displaces_at_most_one_draw() -> None:
    day = [candidate(n, 100 - n) for n in range(1, 41)]
    seed = "CAPRR|2026-11-15|salt"
    before = {p.candidate.filing_id for p in choose(day, 10, 0.3, seed).picks}
    after = {p.candidate.filing_id for p in choose([*day, candidate(99, 1)], 10, 0.3, seed).picks}
    assert len(before - after) <= 1


def test_everything_fits_when_the_day_is_small() -> None:
    chosen = choose(
        [candidate(1, 10), candidate(2, 5)], capacity=10, compliance_share=0.1, seed="s"
    )
    assert [p.selected_by for p in chosen.picks] == ["risk", "risk"]

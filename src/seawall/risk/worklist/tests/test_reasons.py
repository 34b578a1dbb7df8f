"""The reasons a worklist entry shows at a glance, from its stored explanation."""

from __future__ import annotations

from typing import Any

from seawall.risk.worklist.queries import reasons


def explanation(rules: int, model_reasons: list[tuple[str, Any, float]]) -> dict[str, Any]:
    return {
        "rules": [
            {"id": f"R{n}", "title": f"Rule {n}", "score": 10 * (n + 1), "rationale": "why"}
            for n in range(rules)
        ],
        "watchlist": [],
        "model": {
            "version": "v1",
            "probability": 0.2,
            "reasons": [
                {"feature": feature, "value": value, "contribution": contribution}
                for feature, value, contribution in model_reasons
            ],
        },
    }


def test_a_box_the_model_alone_raised_shows_what_raised_it() -> None:
    shown = reasons(
        explanation(
            0,
            [
                ("rule_score", 0, -0.47),
                ("declared_value_usd", 877462.69, 0.37),
                ("hs_codes", ["940360", "940161"], 0.2),
                ("consignee_first_seen", True, 0.1),
            ],
        )
    )
    assert shown == (
        "model: declared_value_usd = 877,462.69",
        "model: hs_codes = 940360, 940161",
        "model: consignee_first_seen = yes",
    )


def test_mitigating_reasons_and_the_rule_and_watchlist_scores_are_not_listed() -> None:
    shown = reasons(
        explanation(
            1,
            [
                ("rule_score", 10, 0.9),
                ("watchlist_score", 0.0, 0.5),
                ("origin_countries", ["CN"], -0.3),
                ("total_weight_kg", 12.0, 0.2),
            ],
        )
    )
    assert shown == ("Rule 0 (+10)", "model: total_weight_kg = 12")


def test_rules_come_before_the_model_and_three_are_shown() -> None:
    shown = reasons(explanation(4, [("total_weight_kg", 12.5, 0.2)]))
    assert shown == ("Rule 3 (+40)", "Rule 2 (+30)", "Rule 1 (+20)")


def test_an_assessment_without_model_reasons_shows_rules_only() -> None:
    unexplained = explanation(1, [])
    unexplained["model"]["reasons"] = None
    assert reasons(unexplained) == ("Rule 0 (+10)",)
    assert reasons({"rules": [], "watchlist": [], "model": None}) == ()

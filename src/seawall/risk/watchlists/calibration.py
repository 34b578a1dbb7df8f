"""Calibrating the match threshold on labelled name pairs made from the invented seeds.

Positives pair a listed name with a way a filer may write the same party: another case, a
company form spelt otherwise or left out, a typing slip, words reordered, another
romanization or the native script, an alias. Negatives pair it with an unrelated listed
name, or with a near miss (one word swapped). Pairs are made with a fixed random seed, so the
figures are reproducible: ``python -m seawall.risk.watchlists.calibration``.

Each pair is scored through a :class:`Screener` holding every seed, so blocking misses count
as misses. The threshold is the one maximizing F1; among equals the lowest (a screening miss
costs more than an officer's glance at a false match).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from seawall.risk.watchlists.schemas import EntityType, WatchlistEntry
from seawall.risk.watchlists.screener import Screener
from seawall.risk.watchlists.seeds import (
    FORM_SPELLINGS,
    NEAR_MISS_WORDS,
    ROMANIZATIONS,
    SEEDS,
    Seed,
)

RANDOM_SEED = 20240601


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """A party name written by a filer, the entry it is compared with, and the truth."""

    entry: WatchlistEntry
    party_name: str
    same: bool
    kind: str


@dataclass(frozen=True, slots=True)
class Calibration:
    """The chosen threshold and how it does on the pairs."""

    threshold: float
    precision: float
    recall: float
    f1: float
    positives: int
    negatives: int


def seed_entry(number: int, seed: Seed) -> WatchlistEntry:
    """The watchlist entry of a seed, as a list would carry it."""
    return WatchlistEntry(
        id=f"SEED-{number:03d}",
        name=f"{seed.name} {seed.form}".strip(),
        aliases=seed.aliases,
        entity_type=EntityType.PERSON if seed.person else EntityType.ORGANIZATION,
        country=seed.country,
        source="calibration seeds",
        reason="invented for calibration",
    )


def _slip(rng: random.Random, text: str) -> str:
    """One typing slip inside a word: a letter dropped, doubled or swapped with the next."""
    spots = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    i = rng.choice(spots)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _positives(rng: random.Random, seed: Seed, entry: WatchlistEntry) -> list[tuple[str, str]]:
    variants = [("case", entry.name.upper()), ("misspelt", _slip(rng, entry.name))]
    variants.append(("misspelt twice", _slip(rng, _slip(rng, seed.name))))
    if seed.form:
        other = rng.choice(FORM_SPELLINGS.get(seed.form, ("",)))
        variants.append(("suffix", f"{seed.name} {other}".strip()))
    words = seed.name.split()
    variants.append(("reordered", " ".join([words[-1], *words[:-1]])))
    if seed.native:
        variants.append(("native script", f"{seed.native} {seed.form}".strip()))
    for family in ROMANIZATIONS:
        found = [spelling for spelling in family if spelling in seed.name]
        if found:
            other = rng.choice([s for s in family if s != found[0]])
            variants.append(("romanized", seed.name.replace(found[0], other, 1)))
            break
    variants += [("alias", alias) for alias in seed.aliases]
    return variants


def _near_miss(rng: random.Random, seed: Seed) -> str:
    words = seed.name.split()
    position = rng.randrange(len(words))
    choices = [w for w in NEAR_MISS_WORDS if w.lower() != words[position].lower()]
    words[position] = rng.choice(choices)
    return " ".join(words)


def labelled_pairs(random_seed: int = RANDOM_SEED) -> list[LabelledPair]:
    """The labelled pairs, the same for the same ``random_seed``."""
    rng = random.Random(random_seed)  # noqa: S311 - reproducible test data, not secrecy
    entries = [seed_entry(n, seed) for n, seed in enumerate(SEEDS, start=1)]
    pairs: list[LabelledPair] = []
    for seed, entry in zip(SEEDS, entries, strict=True):
        for kind, name in _positives(rng, seed, entry):
            pairs.append(LabelledPair(entry, name, True, kind))
        for _ in range(3):
            pairs.append(LabelledPair(entry, _near_miss(rng, seed), False, "near miss"))
        others = [e for e in entries if e is not entry]
        for other in rng.sample(others, 4):
            pairs.append(LabelledPair(entry, rng.choice(other.names()), False, "unrelated"))
    return pairs


def pair_scores(pairs: Sequence[LabelledPair]) -> list[float]:
    """Each pair's name score through a screener of all the pairs' entries (0 if not found)."""
    entries = {pair.entry.id: pair.entry for pair in pairs}
    screener = Screener(entries.values(), threshold=0.0)
    scores = []
    for pair in pairs:
        found = [
            m.name_score
            for m in screener.match_name(pair.party_name)
            if m.entry_id == pair.entry.id
        ]
        scores.append(max(found, default=0.0))
    return scores


def calibrate(pairs: Sequence[LabelledPair]) -> Calibration:
    """The threshold maximizing F1 on ``pairs``, with its precision and recall."""
    scores = pair_scores(pairs)
    labels = [pair.same for pair in pairs]
    positives = sum(labels)
    best = Calibration(100.0, 0.0, 0.0, 0.0, positives, len(pairs) - positives)
    for threshold in sorted(set(scores), reverse=True):  # lowest wins ties: it goes last
        flagged = [same for score, same in zip(scores, labels, strict=True) if score >= threshold]
        true = sum(flagged)
        if not flagged or not true:
            continue
        precision, recall = true / len(flagged), true / positives
        f1 = 2 * precision * recall / (precision + recall)
        if f1 >= best.f1 and threshold > 0:
            best = Calibration(threshold, precision, recall, f1, best.positives, best.negatives)
    return best


def main() -> None:
    """Print the calibration figures and the pairs missed or wrongly matched at the threshold."""
    pairs = labelled_pairs()
    result = calibrate(pairs)
    print(  # noqa: T201 - a command that reports figures
        f"pairs: {result.positives} positive, {result.negatives} negative\n"
        f"threshold {result.threshold:.1f}: precision {result.precision:.3f}, "
        f"recall {result.recall:.3f}, F1 {result.f1:.3f}"
    )
    for pair, score in zip(pairs, pair_scores(pairs), strict=True):
        if (score >= result.threshold) != pair.same:
            label = "missed" if pair.same else "false match"
            print(  # noqa: T201 - the calibration report is this command's output
                f"  {label} ({pair.kind}, {score:.1f}): {pair.party_name!r} vs {pair.entry.name!r}"
            )


if __name__ == "__main__":
    main()

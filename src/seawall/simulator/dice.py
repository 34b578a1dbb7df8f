"""Random draws for the simulator: one seeded numpy generator, read in blocks.

Per-filing choices are many and small; asking numpy for each one costs microseconds, so the
dice draw uniforms from the PCG64 generator a block at a time and hand them out one by one.
The stream of draws depends only on the seed, so the same seed gives the same traffic. Blocks
start small and double: a vessel call has dice of its own and uses only some thousands of draws.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")
_FIRST_BLOCK = 1_024
_BLOCK = 65_536


class Dice:
    """Uniform, normal, weighted and Bernoulli draws from one seeded generator."""

    def __init__(self, seed: int | np.random.Generator) -> None:
        self.generator = (
            seed
            if isinstance(seed, np.random.Generator)
            else np.random.Generator(np.random.PCG64(seed))
        )
        self._block: list[float] = []
        self._size = _FIRST_BLOCK

    @classmethod
    def of(cls, seed: np.random.SeedSequence) -> Dice:
        """Dice on a PCG64 generator seeded by ``seed``."""
        return cls(np.random.Generator(np.random.PCG64(seed)))

    def u(self) -> float:
        """A uniform draw in [0, 1)."""
        try:
            return self._block.pop()  # from the end of the block: the cheapest way to take one
        except IndexError:
            self._block = self.generator.random(self._size).tolist()
            self._size = min(2 * self._size, _BLOCK)
            return self._block.pop()

    def uniform(self, low: float, high: float) -> float:
        """A uniform draw in [low, high)."""
        return low + (high - low) * self.u()

    def integer(self, low: int, high: int) -> int:
        """A uniform integer in [low, high]."""
        return low + int(self.u() * (high - low + 1))

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.u() < probability

    def pick(self, items: Sequence[T]) -> T:
        """One item, all equally likely."""
        return items[int(self.u() * len(items))]

    def normal(self) -> float:
        """A standard normal draw (Box-Muller)."""
        return math.sqrt(-2.0 * math.log(1.0 - self.u())) * math.cos(2.0 * math.pi * self.u())

    def lognormal(self, median: float, sigma: float) -> float:
        """A lognormal draw with the given median and log-scale spread."""
        return median * math.exp(sigma * self.normal())


class Weighted(Generic[T]):
    """Items with weights, drawn in proportion to them (a cumulative table and a bisection)."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self._cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self._cumulative[-1] if self._cumulative else 0.0

    def draw(self, dice: Dice) -> T:
        """One item, by weight."""
        index = bisect_right(self._cumulative, dice.u() * self.total)
        return self.items[min(index, len(self.items) - 1)]

    def __len__(self) -> int:
        return len(self.items)

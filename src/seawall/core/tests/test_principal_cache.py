"""Recently authenticated keys are remembered for a while, and only for a while."""

from __future__ import annotations

from seawall.core.accounts.cache import PrincipalCache
from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal

ALICE = Principal(1, "alice", Role.ANALYST, None)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_remembered_until_its_time_runs_out() -> None:
    clock = Clock()
    cache = PrincipalCache(ttl=30, clock=clock)
    assert cache.get("sw_key") is None
    cache.put("sw_key", ALICE)
    clock.now += 29
    assert cache.get("sw_key") == ALICE
    assert cache.get("sw_other") is None
    clock.now += 2
    assert cache.get("sw_key") is None


def test_a_zero_ttl_remembers_nothing() -> None:
    cache = PrincipalCache(ttl=0)
    cache.put("sw_key", ALICE)
    assert cache.get("sw_key") is None


def test_a_full_cache_starts_again() -> None:
    cache = PrincipalCache(ttl=30, capacity=2)
    for n in range(3):
        cache.put(f"sw_{n}", ALICE)
    assert cache.get("sw_0") is None
    assert cache.get("sw_2") == ALICE

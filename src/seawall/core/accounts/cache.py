"""Recently authenticated keys, so that an API call need not read its key from the database."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from seawall.core.accounts.service import Principal


class PrincipalCache:
    """The principal behind each key seen in the last ``ttl`` seconds.

    The price: a key revoked, or a user deactivated, keeps working on a running node for at
    most ``ttl`` seconds (``SEAWALL_KEY_CACHE_SECONDS``; 0 turns the cache off). Only keys
    that authenticated are kept, by their SHA-256 digest, never in clear.
    """

    def __init__(
        self, ttl: float, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}

    @staticmethod
    def _slot(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> Principal | None:
        """The cached principal of ``key``, or None if unknown or expired."""
        entry = self._entries.get(self._slot(key))
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def put(self, key: str, principal: Principal) -> None:
        """Remember that ``key`` authenticates as ``principal``."""
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.capacity:
            # Simpler than LRU bookkeeping, and a full cache refills in one round of calls.
            self._entries.clear()
        self._entries[self._slot(key)] = (self._clock() + self.ttl, principal)

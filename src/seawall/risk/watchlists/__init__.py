"""Watchlist screening (BRIEF step 3): every party of every filing against the node's lists.

:func:`load_watchlist` parses and validates a CSV or JSON Lines file into
:class:`WatchlistEntry` objects (or refuses it whole), and a :class:`Screener` built from them
screens parties fuzzily and explains each :class:`Match`: pure logic, no database. The node's
entries are kept by ``store.py`` (``save_entries``, ``active_entries``) and loaded with
``seawall watchlist load`` (``cli.py``). See ``docs/watchlists.md``.
"""

from seawall.risk.watchlists.loader import (
    RowProblem,
    WatchlistRejected,
    load_watchlist,
    parse_watchlist,
)
from seawall.risk.watchlists.normalize import normalize_identifier, normalize_name
from seawall.risk.watchlists.schemas import Adjustment, EntityType, Match, WatchlistEntry
from seawall.risk.watchlists.screener import DEFAULT_THRESHOLD, NameMatch, Screener

__all__ = [
    "DEFAULT_THRESHOLD",
    "Adjustment",
    "EntityType",
    "Match",
    "NameMatch",
    "RowProblem",
    "Screener",
    "WatchlistEntry",
    "WatchlistRejected",
    "load_watchlist",
    "normalize_identifier",
    "normalize_name",
    "parse_watchlist",
]

from __future__ import annotations

import gc

from seawall.core.memory import cycle_collector_paused


def test_a_nested_pause_keeps_the_collector_paused_until_the_outer_one_ends() -> None:
    assert gc.isenabled()
    with cycle_collector_paused():
        frozen = gc.get_freeze_count()
        with cycle_collector_paused():  # neither collects nor freezes again
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen
    assert gc.isenabled()

"""Whether a filing came in time: due a lead time before loading at the foreign port."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def in_words(seconds: int) -> str:
    """A duration as an officer would say it: '2 d 3 h', '3 h 20 min', '45 s'."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s" if secs else ""


def assess(received_at: datetime, loading_time: datetime, lead_time: timedelta) -> dict[str, Any]:
    """On time, or late by how long, for a filing received at ``received_at``.

    Plain data with the fields of ``schemas.Timeliness``: a bulk file assesses a million
    filings, and a model per filing would cost more than the rest of storing it.
    """
    due_by = loading_time - lead_time
    late = max(0, int((received_at - due_by).total_seconds()))
    return {
        "received_at": received_at,
        "due_by": due_by,
        "on_time": late == 0,
        "late_by_seconds": late,
        "late_by": in_words(late),
    }

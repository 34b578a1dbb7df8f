"""Shared test data: the example filing as a document, and builders of variants of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).parents[3] / "filings" / "examples" / "filing.json"


@pytest.fixture
def document() -> dict[str, Any]:
    """A fresh copy of the example filing, in ``to_document`` form."""
    return copy.deepcopy(json.loads(EXAMPLE.read_text()))

"""Every table of the node, gathered for migrations (the one module that knows them all)."""

from __future__ import annotations

from seawall.core.accounts import models as accounts
from seawall.core.audit import models as audit
from seawall.core.database import Base
from seawall.filings import models as filings

metadata = Base.metadata
__all__ = ["accounts", "audit", "filings", "metadata"]

"""Every table of the node, gathered for migrations (the one module that knows them all)."""

from __future__ import annotations

from seawall.core.accounts import models as accounts
from seawall.core.audit import models as audit
from seawall.core.database import Base
from seawall.exams import models as exams
from seawall.filings import models as filings
from seawall.risk.rules import models as rule_packs
from seawall.risk.scoring import models as scoring
from seawall.risk.training import models as training
from seawall.risk.watchlists import models as watchlists

metadata = Base.metadata
__all__ = [
    "accounts",
    "audit",
    "exams",
    "filings",
    "metadata",
    "rule_packs",
    "scoring",
    "training",
    "watchlists",
]

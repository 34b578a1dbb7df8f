"""Who may do what with filings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal
from seawall.core.accounts.web import allow

# Filers submit and cancel their own filings; admins may act for any filer.
Submitter = Annotated[Principal, Depends(allow(Role.FILER))]
# Every role may read; a filer sees only its own (see queries.visible_filings).
Reader = Annotated[Principal, Depends(allow(*Role))]

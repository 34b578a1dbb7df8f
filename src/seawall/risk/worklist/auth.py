"""Who may read a worklist: targeting officers and analysts (admins always); never filers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal
from seawall.core.accounts.web import allow

Targeter = Annotated[Principal, Depends(allow(Role.TARGETING_OFFICER, Role.ANALYST))]

"""Creating users and keys, and telling who holds a key."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from seawall.core.accounts.models import ApiKey, Role, User
from seawall.core.audit.service import Event, record

KEY_PREFIX = "sw_"
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")


class AccountError(ValueError):
    """A user or key request that cannot be carried out."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user behind a valid key."""

    user_id: int
    name: str
    role: Role
    filer_id: str | None

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"user:{self.name}"


def _digest(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is safe: there is nothing to brute-force, and a
    # slow password hash would cost every API call milliseconds.
    return hashlib.sha256(key.encode()).hexdigest()


def create_user(session: Session, name: str, role: Role, filer_id: str | None, actor: str) -> User:
    """Add a user; a filer must say which filer code it files for."""
    if not _NAME.fullmatch(name):
        raise AccountError(f"user name {name!r}: use 2-80 lower-case letters, digits and . _ @ -")
    if role is Role.FILER and not filer_id:
        raise AccountError("a filer user needs --filer-id, the filer code its filings carry")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(name=name, role=role, filer_id=filer_id)
    session.add(user)
    session.flush()
    record(session, [Event(actor, "user:created", "user", str(user.id), {"role": role.value})])
    return user


def create_key(session: Session, user_name: str, actor: str) -> str:
    """Issue a new key for a user; the key itself is returned once and never stored."""
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise AccountError(f"no user named {user_name!r}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(user_id=user.id, prefix=key[:10], digest=_digest(key))
    session.add(api_key)
    session.flush()
    record(session, [Event(actor, "key:created", "api_key", str(api_key.id), {"user": user.name})])
    return key


def authenticate(session: Session, key: str) -> Principal | None:
    """The principal holding this key, or None for an unknown, revoked or inactive one."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    row = session.execute(
        select(User)
        .join(ApiKey, ApiKey.user_id == User.id)
        .where(ApiKey.digest == _digest(key), ApiKey.revoked_at.is_(None), User.active)
    ).scalar_one_or_none()
    if row is None:
        return None
    return Principal(row.id, row.name, Role(row.role), row.filer_id)

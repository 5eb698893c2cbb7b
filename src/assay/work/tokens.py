"""API tokens for the REST API and the SDK."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.store._models import ApiToken, User

PREFIX = "assay_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> str:
    """A new token for `user`. The token itself is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None (unknown, revoked, or user deactivated)."""
    if not token.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = datetime.now(UTC)
    return user


def revoke_tokens(session: Session, user: User, name: str | None = None) -> int:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False)))
    n = 0
    for row in rows:
        if name is None or row.name == name:
            row.revoked = True
            n += 1
    return n

"""Browser logins: password check with throttling, and server-side sessions.

A session is a row in `web_sessions`; the cookie holds 256 random bits and only their SHA-256 is
stored. Sessions live in the database (not in a signed cookie) so that logout, a password reset or
deactivating a user ends them at once in every app process.

Throttling is per account and also lives in the database: after `FREE_ATTEMPTS` consecutive
failures the account is locked for a period that doubles with each further failure, up to
`MAX_LOCK`. While locked the password is not even checked, so guessing gains nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assay.store._models import User, WebSession
from assay.work.users import hash_password, verify_password

SESSION_LIFETIME = timedelta(hours=12)
FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class LoginFailed(Exception):
    """Wrong username or password (deliberately not saying which), or the account is locked."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds until the account may try again, when it is locked."""


@dataclass(frozen=True)
class NewSession:
    token: str
    """The cookie value; shown once, never stored."""
    csrf_token: str
    user_id: int
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock_for(failures: int) -> timedelta:
    over = failures - FREE_ATTEMPTS
    return min(FIRST_LOCK * (2 ** max(over, 0)), MAX_LOCK)


def log_in(session: Session, username: str, password: str, *, now: datetime | None = None) -> NewSession:
    """Check the password and open a session, or raise `LoginFailed`."""
    now = now or datetime.now(UTC)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        raise LoginFailed("wrong username or password")
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise LoginFailed("too many failed attempts; try again later", retry_after=wait)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= FREE_ATTEMPTS:
            user.locked_until = now + _lock_for(user.failed_logins)
        raise LoginFailed("wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    session.add(WebSession(token_hash=_digest(token), user_id=user.id, csrf_token=csrf, created_at=now,
                           expires_at=expires))
    session.flush()
    return NewSession(token, csrf, user.id, expires)


def session_for(session: Session, token: str, *, now: datetime | None = None) -> tuple[User, WebSession] | None:
    """The active user and session behind a cookie value, or None (unknown, expired, deactivated)."""
    now = now or datetime.now(UTC)
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def log_out(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def end_sessions(session: Session, user_id: int) -> int:
    """End every browser session of a user (after a password reset or deactivation)."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, *, now: datetime | None = None) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= (now or datetime.now(UTC))))

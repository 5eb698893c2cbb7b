"""Who is asking, and on which database: shared by every API route."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import make_transient_to_detached

from assay.store import Database, User
from assay.store._models import ApiToken
from assay.work.sessions import session_for
from assay.work.tokens import PREFIX, _digest

SESSION_COOKIE = "assay_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_bearer = HTTPBearer(auto_error=False, description="An API token from `assay token create USERNAME`.")


async def get_db(request: Request) -> Database:
    # async: FastAPI runs plain `def` dependencies on its threadpool, a thread hop per request for
    # reading one attribute.
    db: Database = request.app.state.db
    return db


def current_user(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        # The browser UI calls the same API with its session cookie; unsafe methods then need the
        # session's CSRF token in a header, which another site's page cannot read or set.
        browser = browser_user(request, db)
        if browser is not None:
            return browser
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "an API token is required", {"WWW-Authenticate": "Bearer"})
    user = token_user(db, credentials.credentials)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
    return user


# A token's last use is recorded to the minute: writing it on every request took the write lock
# (SQLite's only writer) for a read-only question.
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


@contextmanager
def _read_connection(db: Database) -> Iterator[Connection]:
    """A connection for one read. On PostgreSQL in autocommit: no BEGIN and COMMIT round trips (on a busy
    2-core machine each round trip is a context switch, and they were most of a request's wait)."""
    if db.is_sqlite:
        with db.engine.connect() as conn:
            yield conn
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


# The user's columns by attribute name, and the token lookup built once (bound by `digest`): every API
# request runs it. Core rows instead of an ORM entity: loading `User` through a session and expunging
# it took 310 µs a request, the same row as a tuple plus a transient `User` 100 µs.
_USER_COLUMNS = [(prop.key, prop.columns[0]) for prop in sa_inspect(User).column_attrs]
_TOKEN_LOOKUP = (
    select(*(col for _, col in _USER_COLUMNS), ApiToken.id.label("token_id"), ApiToken.last_used_at.label("token_used"))
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked.is_(False))
)


def token_user(db: Database, token: str) -> User | None:
    """The active user a token belongs to, or None (unknown, revoked, or user deactivated): the same
    answer as `assay.work.tokens.user_for_token`, in one read query. The user is detached (in no
    session): routes read its columns only."""
    if not token.startswith(PREFIX):
        return None
    with _read_connection(db) as conn:
        row = conn.execute(_TOKEN_LOOKUP, {"digest": _digest(token)}).first()
    if row is None:
        return None
    m = row._mapping
    values = {key: m[col] for key, col in _USER_COLUMNS}
    if not values["active"]:
        return None
    user = User(**values)
    # Detached with its identity, as if loaded and expunged: adding it to a session never inserts it.
    make_transient_to_detached(user)
    now = datetime.now(UTC)
    last_used = m["token_used"]
    if last_used is None or (last_used if last_used.tzinfo else last_used.replace(tzinfo=UTC)) + TOKEN_TOUCH_EVERY <= now:
        with db.write_session() as session:
            session.execute(update(ApiToken).where(ApiToken.id == m["token_id"]).values(last_used_at=now))
    return user


def browser_user(request: Request, db: Database) -> User | None:
    """The user of the request's session cookie (CSRF-checked for unsafe methods), or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with db.session() as session:
        found = session_for(session, token)
        if found is None:
            return None
        user, web_session = found
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), web_session.csrf_token.encode()):
                raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
        session.expunge(user)
    return user


DB = Annotated[Database, Depends(get_db)]
CurrentUser = Annotated[User, Depends(current_user)]
# The bearer credentials alone (resolved without a thread hop: HTTPBearer is async), for the annotator's
# hot routes, which call `current_user` themselves inside their own worker thread. A plain `def`
# dependency costs a second trip through the threadpool per request.
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

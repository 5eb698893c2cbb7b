"""Who is asking, and on which database: shared by every API route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assay.store import Database, User
from assay.work.tokens import user_for_token

_bearer = HTTPBearer(auto_error=False, description="An API token from `assay token create USERNAME`.")


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def current_user(
    db: Annotated[Database, Depends(get_db)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "an API token is required", {"WWW-Authenticate": "Bearer"})
    with db.write_session() as session:
        user = user_for_token(session, credentials.credentials)
        if user is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
        session.expunge(user)
    return user


DB = Annotated[Database, Depends(get_db)]
CurrentUser = Annotated[User, Depends(current_user)]

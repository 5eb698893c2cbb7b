"""Users and organisations. Passwords are hashed with Argon2id; the plain text is never stored."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.store._models import Organization, OrgKind, Role, User

DEFAULT_ORG = "Default"
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
_hasher = PasswordHasher()


class UserExists(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def ensure_org(session: Session, name: str = DEFAULT_ORG, kind: OrgKind = OrgKind.lab) -> Organization:
    org = session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = Organization(name=name, kind=kind)
        session.add(org)
        session.flush()
    return org


def add_user(
    session: Session,
    username: str,
    role: Role | str,
    *,
    org: str = DEFAULT_ORG,
    org_kind: OrgKind = OrgKind.lab,
    password: str | None = None,
    display_name: str = "",
    email: str | None = None,
    locale: str = "en",
) -> User:
    if not USERNAME_RE.match(username):
        raise ValueError(
            f"invalid username {username!r}: use letters, digits and _.@- (up to 100 characters, starting alphanumeric)"
        )
    try:
        role = Role(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; expected one of {[r.value for r in Role]}") from None
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserExists(f"user {username!r} already exists")
    organization = ensure_org(session, org, org_kind)
    user = User(
        username=username,
        role=role,
        org_id=organization.id,
        password_hash=hash_password(password) if password else None,
        display_name=display_name or username,
        email=email,
        locale=locale,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[tuple[User, Organization]]:
    rows = session.execute(select(User, Organization).join(Organization).order_by(User.username)).all()
    return [(u, o) for u, o in rows]

"""People and work: users, organisations and roles (assignment, review and adjudication come next)."""

from assay.work.users import (
    DEFAULT_ORG,
    UserExists,
    add_user,
    ensure_org,
    get_user,
    hash_password,
    list_users,
    verify_password,
)

__all__ = [
    "DEFAULT_ORG",
    "UserExists",
    "add_user",
    "ensure_org",
    "get_user",
    "hash_password",
    "list_users",
    "verify_password",
]

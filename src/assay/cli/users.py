"""`assay user ...`: people and their roles."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from assay.cli._common import console, db_from, fail, friendly_errors
from assay.store import OrgKind, Role
from assay.work import DEFAULT_ORG, add_user, get_user, hash_password, list_users
from assay.work.sessions import end_sessions
from assay.work.tokens import create_token, revoke_tokens

app = typer.Typer(help="Add and list users (roles: admin, manager, reviewer, annotator).", no_args_is_help=True)


@app.command(epilog="Example: echo 's3cret-pass' | assay user add wang.li --role annotator --org AcmeVendor --vendor --password-stdin")
@friendly_errors
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option("--role", "-r", help="admin, manager, reviewer or annotator.")] = Role.annotator,
    org: Annotated[str, typer.Option("--org", help="Organisation (created if new).")] = DEFAULT_ORG,
    vendor: Annotated[bool, typer.Option("--vendor", help="A new --org is a vendor, not the lab.")] = False,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    email: Annotated[str | None, typer.Option("--email")] = None,
    locale: Annotated[str, typer.Option("--locale", help="UI language: en or zh.")] = "en",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Add a user. Without a password the account exists (e.g. for imported judgements) but cannot log in."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            fail("the password must have at least 8 characters")
    if locale not in ("en", "zh"):
        fail("--locale must be en or zh")
    db = db_from(ctx)
    with db.write_session() as session:
        user = add_user(session, username, role, org=org, org_kind=OrgKind.vendor if vendor else OrgKind.lab,
                        password=password, display_name=name, email=email, locale=locale)
    console.print(f"Added {user.username} ({user.role.value}, {org}){'' if password else ' without a password'}.")


@app.command("list", epilog="Example: assay user list")
@friendly_errors
def list_(ctx: typer.Context) -> None:
    """List users with their role and organisation."""
    db = db_from(ctx)
    table = Table("username", "name", "role", "organisation", "kind", "can log in")
    with db.session() as session:
        for user, org in list_users(session):
            table.add_row(user.username, user.display_name, user.role.value, org.name, org.kind.value,
                          "yes" if user.password_hash else "no")
    console.print(table)


@app.command(epilog="Example: echo 'new-long-password' | assay user passwd wang.li --password-stdin")
@friendly_errors
def passwd(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose password to set.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from standard input.")] = False,
) -> None:
    """Set or reset a user's password (an admin's door when someone is locked out)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        fail("the password must have at least 8 characters")
    db = db_from(ctx)
    with db.write_session() as session:
        user = get_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        user.password_hash = hash_password(password)
        # A reset also unlocks a throttled account and signs out every browser using the old password.
        user.failed_logins = 0
        user.locked_until = None
        ended = end_sessions(session, user.id)
    console.print(f"Password set for {username}" + (f"; ended {ended} browser session(s)." if ended else "."))


@app.command(epilog="Example: assay user token wang.li --name laptop")
@friendly_errors
def token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="A label to tell tokens apart.")] = "",
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke this user's tokens (those with --name, or all).")] = False,
) -> None:
    """Create an API token for the REST API and the SDK (printed once), or revoke tokens."""
    db = db_from(ctx)
    with db.write_session() as session:
        user = get_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        if revoke:
            n = revoke_tokens(session, user, name or None)
            console.print(f"Revoked {n} token{'s' if n != 1 else ''} of {username}.")
            return
        value = create_token(session, user, name)
    console.print("Token (shown once; send it as 'Authorization: Bearer <token>'):")
    console.print(value, highlight=False, soft_wrap=True)

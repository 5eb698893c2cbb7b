"""Building small stored projects for the project quality tests, and computing what their figures
should be without the code under test: by hand, or with the reference packages on the same labels."""

from __future__ import annotations

import itertools
import os
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import krippendorff
import numpy as np
import orjson
from sqlalchemy import create_engine, select, text, update

from assay.config import normalize_url
from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Database, Item, OrgKind, Response, Role, User, open_database
from assay.store.projects import create_project, get_project
from assay.work import add_user, hash_password
from assay.work.members import add_member
from assay.work.tokens import create_token

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("ASSAY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
LETTERS = "ABCDEFGH"

Unit = Any
"""An item external id, or (item external id, response letter) for per-response questions."""
Labels = dict[tuple[Unit, str], Any]
"""(unit, annotator) -> label: the data a figure is computed from, keyed the way the test built it."""


@dataclass(frozen=True)
class Person:
    username: str
    role: str = "annotator"
    org: str = "Lab"
    vendor: bool = False
    member: bool = True


@dataclass
class Built:
    """A stored project and the ids the database gave its rows."""

    db: Database
    slug: str
    users: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    """external id -> item id."""
    responses: dict[tuple[str, str], int] = field(default_factory=dict)
    """(item external id, letter) -> response id."""
    tokens: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)


@contextmanager
def scratch_database(backend: str, directory: Path) -> Iterator[Database]:
    """A fresh migrated database that outlives one test (the `db` fixture is per test): read-only
    tests share one built project per module. PostgreSQL ones live in their own schema, dropped after."""
    if backend == "sqlite":
        db = open_database(f"sqlite:///{directory / 'assay.db'}")
        try:
            yield db
        finally:
            db.dispose()
        return
    base = normalize_url(PG_URL or "")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    db = open_database(f"{base}{sep}options={quote(f'-csearch_path={schema}')}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def give_password(db: Database, *usernames: str) -> str:
    """Let these people log in to the pages (only on demand: argon2 takes half a second per person)."""
    with db.write_session() as s:
        for name in usernames:
            user = s.scalar(select(User).where(User.username == name))
            assert user is not None, name
            user.password_hash = hash_password(PASSWORD)
    return PASSWORD


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def build_project(db: Database, tmp_path: Path, spec_yaml: str, items: list[dict[str, Any]],
                  labels: list[dict[str, Any]], *, people: Sequence[Person] = (),
                  calibration: dict[str, int] | None = None) -> Built:
    """Create the project and ``people`` (with API tokens), import ``items`` and the
    long-format ``labels`` (people not listed are created by the import, in the default organization),
    and set ``calibration`` rounds (item external id -> round) directly: no import path sets them."""
    spec = parse_spec(spec_yaml)
    built = Built(db, spec.slug)
    with db.write_session() as s:
        project = create_project(s, spec)
        for p in people:
            user = add_user(s, p.username, Role(p.role), org=p.org,
                            org_kind=OrgKind.vendor if p.vendor else OrgKind.lab)
            if p.member:
                add_member(s, project, user)
            built.tokens[p.username] = create_token(s, user, "test")
            built.orgs[p.org] = user.org_id
    import_file(db, spec.slug, write_jsonl(tmp_path / f"{spec.slug}-items.jsonl", items))
    if labels:
        import_file(db, spec.slug, write_jsonl(tmp_path / f"{spec.slug}-labels.jsonl", labels), schema="judgements")
    with db.write_session() as s:
        pid = get_project(s, spec.slug).id
        for ext, round_ in (calibration or {}).items():
            s.execute(update(Item).where(Item.project_id == pid, Item.external_id == ext).values(calibration_round=round_))
        built.items = {str(e): i for e, i in s.execute(select(Item.external_id, Item.id).where(Item.project_id == pid))}
        by_id = {i: e for e, i in built.items.items()}
        for item_id, rid, pos in s.execute(select(Response.item_id, Response.id, Response.position)
                                           .where(Response.item_id.in_(list(by_id)))):
            built.responses[(by_id[item_id], LETTERS[pos])] = rid
        built.users = {u: i for u, i in s.execute(select(User.username, User.id))}
    return built


# -- expected figures, computed from the labels the test planted --------------------------------


def alpha(labels: Labels, level: str, domain: Sequence[Any]) -> float:
    """Krippendorff's α from the reference package on the (annotator × unit) reliability matrix."""
    units = sorted({u for u, _ in labels}, key=repr)
    people = sorted({a for _, a in labels})
    code = {v: i for i, v in enumerate(domain)}
    matrix = np.full((len(people), len(units)), np.nan)
    col = {u: j for j, u in enumerate(units)}
    row = {a: i for i, a in enumerate(people)}
    for (u, a), v in labels.items():
        matrix[row[a], col[u]] = code[v]
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level,  # type: ignore[arg-type]
                                    value_domain=list(range(len(domain)))))


def by_unit(labels: Labels) -> dict[Unit, dict[str, Any]]:
    out: dict[Unit, dict[str, Any]] = {}
    for (u, a), v in labels.items():
        out.setdefault(u, {})[a] = v
    return out


def percent(labels: Labels) -> float:
    """Share of agreeing rater pairs per unit rated at least twice, averaged over those units."""
    shares = []
    for votes in by_unit(labels).values():
        pairs = list(itertools.combinations(votes.values(), 2))
        if pairs:
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    return float(np.mean(shares))


def pairable(labels: Labels) -> int:
    return sum(len(v) >= 2 for v in by_unit(labels).values())


def leave_one_out(labels: Labels) -> dict[tuple[Unit, str], float]:
    """Per answer: 1 if it is the unique majority of the unit's other answers, 1/t if one of t tied
    majority labels, 0 otherwise; absent when nobody else answered the unit."""
    out = {}
    for u, votes in by_unit(labels).items():
        for a, v in votes.items():
            others = Counter(x for b, x in votes.items() if b != a)
            if not others:
                continue
            top = max(others.values())
            tied = [k for k, n in others.items() if n == top]
            out[(u, a)] = (1.0 / len(tied)) if v in tied else 0.0
    return out


def entropy(votes: Sequence[Any], n_categories: int) -> float:
    """Shannon entropy of the labels divided by log(number of categories)."""
    counts = np.array(list(Counter(votes).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum() / np.log(n_categories))


def restrict(labels: Labels, units: set[Unit]) -> Labels:
    return {k: v for k, v in labels.items() if k[0] in units}

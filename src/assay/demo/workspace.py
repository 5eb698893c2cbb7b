"""The demo workspace: example projects, realistic items and users of every role, on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assay.demo.content import demo_records
from assay.demo.judgements import DEMO_JUDGEMENTS
from assay.io import import_file
from assay.io.containers import open_writer
from assay.judge import judge_project, make_execute
from assay.models import OFFLINE_ENDPOINT
from assay.spec import TEMPLATES, load_spec, template_path
from assay.store import Database, OrgKind, Role
from assay.store.projects import create_project, list_projects, summarize
from assay.work import add_user, get_user
from assay.work.members import add_member

DEMO_PASSWORD = "assay-demo"
VENDOR = "Northwind Annotation"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    org: str
    name: str
    locale: str = "en"
    vendor: bool = False
    languages: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("admin", Role.admin, "Assay Lab", "Ada Admin"),
    DemoUser("manager", Role.manager, "Assay Lab", "Mei Manager"),
    DemoUser("reviewer", Role.reviewer, "Assay Lab", "Ravi Reviewer"),
    DemoUser("annotator", Role.annotator, "Assay Lab", "Anna Annotator"),
    DemoUser("li.wei", Role.annotator, "Assay Lab", "李伟", locale="zh", languages=("zh", "en")),
    DemoUser("vendor.lead", Role.manager, VENDOR, "Victor Vendor-Lead", vendor=True),
    DemoUser("vendor.annotator", Role.annotator, VENDOR, "Omar Okafor", vendor=True),
)


@dataclass
class DemoSummary:
    directory: Path
    database: str
    users_added: list[str] = field(default_factory=list)
    projects_added: list[str] = field(default_factory=list)
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def build_demo(
    db: Database,
    directory: Path,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Create (or top up) the demo: idempotent, so running it twice changes nothing."""
    summary = DemoSummary(directory=directory, database=db.url)
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    with db.write_session() as session:
        for u in DEMO_USERS:
            if get_user(session, u.username) is None:
                add_user(session, u.username, u.role, org=u.org, org_kind=OrgKind.vendor if u.vendor else OrgKind.lab,
                         password=DEMO_PASSWORD, display_name=u.name, locale=u.locale)
                summary.users_added.append(u.username)
        existing = {p.slug: p for p in list_projects(session)}
        for name in TEMPLATES:
            spec = load_spec(template_path(name))
            project = existing.get(spec.slug)
            if project is None:
                project = create_project(session, spec)
                summary.projects_added.append(spec.slug)
            # Everyone who annotates or reviews works on every demo project, and the vendor's lead
            # manages their people there (a vendor manager sees only projects they are on).
            for u in DEMO_USERS:
                user = get_user(session, u.username)
                if user is not None and (u.role in (Role.annotator, Role.reviewer) or u.vendor):
                    add_member(session, project, user, languages=u.languages)
    for name in TEMPLATES:
        slug = load_spec(template_path(name)).slug
        if progress:
            progress(slug)
        # The data files stay in the demo folder: real examples of the import format.
        records = demo_records(name)  # type: ignore[arg-type]
        path = data_dir / f"{name}.jsonl"
        with open_writer(path, "jsonl") as writer:
            writer.write_many(records)
        import_file(db, slug, path)
        if name in DEMO_JUDGEMENTS:
            history = data_dir / f"{name}-judgements.jsonl"
            with open_writer(history, "jsonl") as writer:
                writer.write_many(DEMO_JUDGEMENTS[name](records))
            import_file(db, slug, history)
            # The offline judge (a transparent length- and reference-based heuristic) over the same
            # items, so judge calibration and the models pages have a judge to show. Resumable: a
            # second build stores nothing new.
            judge_project(db, slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    with db.session() as session:
        for p in list_projects(session):
            s = summarize(session, p)
            summary.counts[p.slug] = (s.items, s.responses, s.judgements_submitted)
    return summary

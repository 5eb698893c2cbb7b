"""`assay demo`: builds a realistic workspace, and running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from assay.cli import app
from assay.demo.workspace import DEMO_PASSWORD, DEMO_USERS
from assay.spec import TEMPLATES
from assay.store import Item, Judgement, Organization, OrgKind, open_database
from assay.store.projects import list_projects, summarize
from assay.work import get_user, verify_password

runner = CliRunner()


def test_demo_builds_and_is_idempotent(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--dir", str(tmp_path / "demo"), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "password: assay-demo" in result.output
    db = open_database(str(tmp_path / "demo" / "assay.db"))
    with db.session() as s:
        summaries = {p.slug: summarize(s, p) for p in list_projects(s)}
        assert set(summaries) == set(TEMPLATES)
        assert sum(x.items for x in summaries.values()) >= 300
        assert summaries["pairwise-preference"].responses == 2 * summaries["pairwise-preference"].items
        assert summaries["stem-rubric"].judgements_submitted > 0
        languages = dict(s.execute(select(Item.language, func.count()).group_by(Item.language)).all())
        assert languages.get("zh", 0) > 50 and languages.get("en", 0) > 150
        domains = {d for (d,) in s.execute(select(Item.domain).distinct())}
        assert {"STEM", "Reasoning", "Humanities", "General Knowledge"} <= domains
        for u in DEMO_USERS:
            user = get_user(s, u.username)
            assert user is not None and verify_password(user.password_hash, DEMO_PASSWORD)
        vendors = s.scalars(select(Organization.name).where(Organization.kind == OrgKind.vendor)).all()
        assert vendors == ["Northwind Annotation"]
        from assay.store import ProjectMember

        members = s.scalar(select(func.count()).select_from(ProjectMember))
        # Three annotators, the reviewer and the vendor's lead on each of the four projects.
        assert members == 4 * 5, "annotators, the reviewer and the vendor lead are on every demo project"
        before = (s.scalar(select(func.count()).select_from(Item)), s.scalar(select(func.count()).select_from(Judgement)))
    db.dispose()

    again = runner.invoke(app, ["demo", "--dir", str(tmp_path / "demo"), "--no-serve"])
    assert again.exit_code == 0 and "Reused" in again.output
    db = open_database(str(tmp_path / "demo" / "assay.db"))
    with db.session() as s:
        after = (s.scalar(select(func.count()).select_from(Item)), s.scalar(select(func.count()).select_from(Judgement)))
    db.dispose()
    assert after == before
    assert (tmp_path / "demo" / "data" / "stem-rubric.jsonl").exists()

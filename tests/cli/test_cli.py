"""The `assay` command line, driven as a user would (Typer's runner, real database files)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from assay.cli import app
from assay.spec import TEMPLATES

runner = CliRunner()


def run(db: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args], input=input)
    return result.exit_code, result.output


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def _project(dbfile: Path, tmp_path: Path, template: str = "stem-rubric") -> str:
    code, out = run(dbfile, "init", str(tmp_path / "proj"), "--template", template)
    assert code == 0, out
    code, out = run(dbfile, "project", "create", str(tmp_path / "proj" / f"{template}.yaml"))
    assert code == 0, out
    return template


def test_help_on_every_command_has_an_example() -> None:
    commands = [["init"], ["import"], ["export"], ["demo"], ["project", "create"], ["project", "list"],
                ["project", "show"], ["project", "validate"], ["user", "add"], ["user", "list"], ["user", "passwd"],
                ["member", "add"], ["member", "list"], ["user", "token"], ["serve"], ["stats", "agreement"]]
    for cmd in commands:
        result = runner.invoke(app, [*cmd, "--help"])
        assert result.exit_code == 0, cmd
        assert "Example" in result.output, f"assay {' '.join(cmd)} --help has no example"


def test_init_lists_and_writes_templates(tmp_path: Path, dbfile: Path) -> None:
    code, out = run(dbfile, "init", "--list")
    assert code == 0 and all(name in out for name in TEMPLATES)
    code, out = run(dbfile, "init", str(tmp_path), "--template", "nope")
    assert code == 1 and "unknown template" in out


def test_validate_good_and_broken_spec(tmp_path: Path, dbfile: Path) -> None:
    for name in TEMPLATES:
        run(dbfile, "init", str(tmp_path), "--template", name)
        code, out = run(dbfile, "project", "validate", str(tmp_path / f"{name}.yaml"))
        assert code == 0 and "OK" in out, out
    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: x-y\nname: X\nquestions:\n  - key: acc\n    kind: rating\n    title: A\n    scale: {min: 5, max: 1}\n")
    code, out = run(dbfile, "project", "validate", str(broken))
    assert code == 2
    assert "questions[0].scale" in out and "broken.yaml:" in out


def test_create_list_show_and_update(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    code, out = run(dbfile, "project", "create", str(tmp_path / "proj" / f"{slug}.yaml"))
    assert code == 1 and "already exists" in out
    spec_file = tmp_path / "proj" / f"{slug}.yaml"
    spec_file.write_text(spec_file.read_text(encoding="utf-8").replace("name:", "name: Renamed -", 1), encoding="utf-8")
    code, out = run(dbfile, "project", "create", str(spec_file), "--update")
    assert code == 0 and "spec version 2" in out
    code, out = run(dbfile, "project", "list")
    assert code == 0 and slug in out and "v2" in out
    code, out = run(dbfile, "project", "show", slug, "--json")
    assert code == 0
    shown = orjson.loads(out)
    assert shown["summary"]["spec_version"] == 2 and shown["spec"]["slug"] == slug
    code, out = run(dbfile, "project", "show", "missing")
    assert code == 1 and "no project 'missing'" in out


def test_import_export_cycle(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    data = tmp_path / "in.jsonl"
    recs = [{"id": f"q{i}", "prompt": f"What is {i}*{i}?", "domain": "STEM", "response": str(i * i), "model": "m"} for i in range(5)]
    data.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    code, out = run(dbfile, "import", slug, str(data))
    assert code == 0 and "5 new items" in out, out
    code, out = run(dbfile, "import", slug, str(data))
    assert code == 0 and "0 new items (5 already present)" in out, out
    code, out = run(dbfile, "export", slug, str(tmp_path / "out.csv"))
    assert code == 0 and "Wrote 5 rows" in out, out
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("id,")


def test_import_bad_line_then_skip_invalid(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    data = tmp_path / "bad.jsonl"
    data.write_text('{"prompt": "ok 1"}\n{"prompt": "ok 2", "domain": "Cooking"}\n{"prompt": "ok 3"}\n', encoding="utf-8")
    code, out = run(dbfile, "import", slug, str(data))
    assert code == 1
    assert f"{data}:line 2: field 'domain'" in out and "nothing was imported" in out
    code, out = run(dbfile, "project", "show", slug)
    assert "items 0" in out
    code, out = run(dbfile, "import", slug, str(data), "--skip-invalid")
    assert code == 0 and "2 new items" in out and "rejected: 1" in out
    rejects = [orjson.loads(x) for x in (tmp_path / "bad.jsonl.rejects.jsonl").read_bytes().splitlines()]
    assert rejects[0]["line"] == 2 and rejects[0]["field"] == "domain"


def test_import_with_map_flags_and_mapping_file(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    data = tmp_path / "odd.csv"
    data.write_text('question,answer,meta.model\n"What is 2+2?",4,m1\n', encoding="utf-8")
    code, out = run(dbfile, "import", slug, str(data), "--map", "prompt=question", "--map", "response=answer",
                    "--map", "model=meta.model")
    assert code == 0 and "1 new items" in out, out
    mapping = tmp_path / "map.yaml"
    mapping.write_text("prompt: question\nresponse: answer\n", encoding="utf-8")
    code, out = run(dbfile, "import", slug, str(data), "--mapping-file", str(mapping))
    assert code == 0 and "0 new items" in out, out
    code, out = run(dbfile, "import", slug, str(data), "--map", "bogus=question")
    assert code == 2 and "unknown mapping target 'bogus'" in out


def test_unrecognised_shape_asks_for_schema(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    data = tmp_path / "x.jsonl"
    data.write_text('{"foo": 1, "bar": 2}\n', encoding="utf-8")
    code, out = run(dbfile, "import", slug, str(data))
    assert code == 2 and "--schema" in out


def test_user_add_and_list(dbfile: Path) -> None:
    code, out = run(dbfile, "user", "add", "wang.li", "--role", "annotator", "--org", "Northwind", "--vendor",
                    "--password-stdin", input="correct horse battery\n")
    assert code == 0, out
    code, out = run(dbfile, "user", "add", "wang.li", "--role", "annotator")
    assert code == 1 and "already exists" in out
    code, out = run(dbfile, "user", "add", "boss", "--role", "emperor")
    assert code == 2
    code, out = run(dbfile, "user", "list")
    assert code == 0 and "wang.li" in out and "Northwind" in out and "vendor" in out


def test_password_is_hashed_with_argon2(dbfile: Path) -> None:
    from assay.store import open_database
    from assay.work import get_user, verify_password

    run(dbfile, "user", "add", "sec", "--password-stdin", input="a-long-password\n")
    db = open_database(str(dbfile))
    with db.session() as s:
        user = get_user(s, "sec")
        assert user is not None and user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$") and "a-long-password" not in user.password_hash
        assert verify_password(user.password_hash, "a-long-password")
        assert not verify_password(user.password_hash, "wrong")
    db.dispose()


def test_members_with_skills(tmp_path: Path, dbfile: Path) -> None:
    slug = _project(dbfile, tmp_path)
    run(dbfile, "user", "add", "li.wei")
    code, out = run(dbfile, "member", "add", slug, "li.wei", "--domains", "stem, reasoning", "--languages", "zh,en")
    assert code == 0 and "STEM, Reasoning" in out, out
    code, out = run(dbfile, "member", "add", slug, "li.wei", "--domains", "Cooking")
    assert code == 1 and "Cooking" in out
    code, out = run(dbfile, "member", "add", slug, "ghost")
    assert code == 1 and "no user 'ghost'" in out
    code, out = run(dbfile, "member", "list", slug)
    assert code == 0 and "li.wei" in out and "STEM, Reasoning" in out and "zh, en" in out


def test_admin_resets_a_password(dbfile: Path) -> None:
    from assay.store import open_database
    from assay.work import get_user, verify_password

    run(dbfile, "user", "add", "forgetful", "--password-stdin", input="first-password\n")
    code, out = run(dbfile, "user", "passwd", "forgetful", "--password-stdin", input="second-password\n")
    assert code == 0, out
    code, out = run(dbfile, "user", "passwd", "forgetful", "--password-stdin", input="short\n")
    assert code == 1 and "at least 8" in out
    db = open_database(str(dbfile))
    with db.session() as s:
        user = get_user(s, "forgetful")
        assert user is not None
        assert verify_password(user.password_hash, "second-password")
        assert not verify_password(user.password_hash, "first-password")
    db.dispose()


def test_token_from_cli_opens_the_api_and_can_be_revoked(dbfile: Path) -> None:
    from fastapi.testclient import TestClient

    from assay.store import open_database
    from assay.web import create_app

    run(dbfile, "user", "add", "bot", "--role", "admin")
    code, out = run(dbfile, "user", "token", "bot", "--name", "ci")
    assert code == 0, out
    token = next(w for w in out.split() if w.startswith("assay_"))
    db = open_database(str(dbfile))
    client = TestClient(create_app(db))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/projects", headers=headers).status_code == 200
    code, out = run(dbfile, "user", "token", "bot", "--revoke")
    assert code == 0 and "Revoked 1 token" in out
    assert client.get("/api/projects", headers=headers).status_code == 401
    db.dispose()

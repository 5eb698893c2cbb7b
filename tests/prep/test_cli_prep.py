"""`assay prep …` from the command line, on a file and on a stored project (issue 6's acceptance)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from assay.cli import app
from assay.prep import CHECK_KEY, cn_id_check_char
from assay.store import Response, open_database

runner = CliRunner()
COMMANDS = ["dedup", "pii", "lang", "stats", "decontam", "sample", "check-math", "report"]
CN_ID = "11010519491231002" + cn_id_check_char("11010519491231002")
ROWS = [
    {"id": "q1", "prompt": "What is 2+2? Please explain step by step.", "responses": ["2+2 = 4. Answer: 4", r"\boxed{5}"],
     "reference": "4", "domain": "STEM", "language": "en"},
    {"id": "q2", "prompt": "what is 2+2?  please explain step by step", "responses": ["Answer: 4"], "reference": "4",
     "domain": "STEM", "language": "en"},
    {"id": "q3", "prompt": "Write a short note to bob@example.com about the meeting on Tuesday afternoon",
     "responses": ["Dear Bob, see you then."], "domain": "Humanities", "language": "en"},
    {"id": "q4", "prompt": "小明有五个苹果，他给了小红两个，请问还剩几个苹果呢？", "responses": [f"还剩3个。身份证{CN_ID}"],
     "reference": "3", "domain": "STEM", "language": "zh"},
]


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "data.jsonl"
    data.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in ROWS))
    bench = tmp_path / "bench.jsonl"
    bench.write_bytes(orjson.dumps({"question": "小明有五个苹果，他给了小红两个，请问还剩几个苹果呢？"}) + b"\n")
    mix = tmp_path / "mix.yaml"
    mix.write_text("domain: {STEM: 0.5, Humanities: 0.5}\n", encoding="utf-8")
    targets = tmp_path / "targets.yaml"
    targets.write_text("STEM: 2\nHumanities: 1\n", encoding="utf-8")
    return {"data": data, "bench": bench, "mix": mix, "targets": targets, "dir": tmp_path}


@pytest.fixture
def project(tmp_path: Path, files: dict[str, Path]) -> Path:
    db = tmp_path / "cli.db"
    assert run(db, "init", str(tmp_path / "proj"), "--template", "stem-rubric")[0] == 0
    code, out = run(db, "project", "create", str(tmp_path / "proj" / "stem-rubric.yaml"))
    assert code == 0, out
    code, out = run(db, "import", "stem-rubric", str(files["data"]))
    assert code == 0, out
    return db


def test_every_prep_command_has_help_with_an_example() -> None:
    for cmd in COMMANDS:
        result = runner.invoke(app, ["prep", cmd, "--help"])
        assert result.exit_code == 0, cmd
        assert "Example:" in result.output, f"assay prep {cmd} --help has no example"


def _steps(files: dict[str, Path], out: Path) -> dict[str, list[str]]:
    return {
        "dedup": ["dedup", "--threshold", "0.5", "--out", str(out / "dedup.jsonl")],
        "pii": ["pii", "--out", str(out / "pii.csv")],
        "lang": ["lang", "--out", str(out / "lang.jsonl")],
        "stats": ["stats", "--out", str(out / "stats.csv")],
        "decontam": ["decontam", "--bench", str(files["bench"]), "--bench-field", "question", "--out",
                     str(out / "decontam.jsonl")],
        "sample": ["sample", "--by", "domain", "--targets", str(files["targets"]), "--out", str(out / "sample.jsonl")],
        "check-math": ["check-math", "--out", str(out / "math.jsonl")],
        "report": ["report", "--target-mix", str(files["mix"]), "--out", str(out / "report.html")],
    }


def _check_outputs(out: Path) -> None:
    dedup = [orjson.loads(x) for x in (out / "dedup.jsonl").read_bytes().splitlines()]
    assert len(dedup) == 2 and {d["id"] for d in dedup} == {"q1", "q2"} and [d["keep"] for d in dedup] == [True, False]
    pii = (out / "pii.csv").read_text(encoding="utf-8")
    assert "email" in pii and "cn_resident_id" in pii and "bob@example.com" not in pii and CN_ID not in pii
    langs = [orjson.loads(x)["language"] for x in (out / "lang.jsonl").read_bytes().splitlines()]
    assert langs == ["en", "en", "en", "zh"]
    assert "STEM/zh" in (out / "stats.csv").read_text(encoding="utf-8")
    hits = [orjson.loads(x) for x in (out / "decontam.jsonl").read_bytes().splitlines()]
    assert len(hits) == 1 and hits[0]["id"] == "q4"
    assert len((out / "sample.jsonl").read_bytes().splitlines()) == 3
    math = [orjson.loads(x)["status"] for x in (out / "math.jsonl").read_bytes().splitlines()]
    assert sorted(math) == ["correct", "correct", "incorrect", "incorrect", "no_reference"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "target vs actual" in html


def test_every_step_on_a_file(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out-file"
    out.mkdir()
    for name, args in _steps(files, out).items():
        code, output = run(tmp_path / "unused.db", "prep", args[0], str(files["data"]), *args[1:])
        assert code == 0, (name, output)
    _check_outputs(out)
    code, _ = run(tmp_path / "unused.db", "prep", "dedup", str(files["data"]), "--threshold", "0.5",
                  "--keep-out", str(out / "kept.jsonl"))
    assert code == 0 and len((out / "kept.jsonl").read_bytes().splitlines()) == 3
    code, _ = run(tmp_path / "unused.db", "prep", "pii", str(files["data"]), "--redact-out", str(out / "red.jsonl"))
    red = (out / "red.jsonl").read_text(encoding="utf-8")
    assert code == 0 and "[EMAIL]" in red and "[CN_ID]" in red and "bob@example.com" not in red


def test_every_step_on_a_project_and_math_results_are_stored(files: dict[str, Path], project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out-project"
    out.mkdir()
    for name, args in _steps(files, out).items():
        code, output = run(project, "prep", args[0], "--project", "stem-rubric", *args[1:])
        assert code == 0, (name, output)
    _check_outputs(out)
    db = open_database(f"sqlite:///{project}")
    try:
        with db.session() as session:
            metas = session.scalars(select(Response.meta).order_by(Response.id)).all()
    finally:
        db.dispose()
    stored = [m["checks"][CHECK_KEY]["status"] for m in metas]
    assert sorted(stored) == ["correct", "correct", "incorrect", "incorrect", "no_reference"]
    assert all(m["checks"][CHECK_KEY]["checker"].startswith("math-verify") for m in metas)


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "fine"}\n{"prompt": {"x": 1}}\n', encoding="utf-8")
    code, out = run(tmp_path / "x.db", "prep", "stats", str(bad))
    assert code != 0 and f"{bad}:line 2: field 'prompt'" in out.replace("\n", "")
    code, out = run(tmp_path / "x.db", "prep", "stats")
    assert code == 2 and "FILE or --project" in out
    code, out = run(tmp_path / "x.db", "prep", "lang", "--project", "nope")
    assert code != 0 and "no project 'nope'" in out

"""The fast rows of the hot preference schemas give the same bytes as canonical records through the
schema's own writer, in every container, with and without metadata, with unusual records mixed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.exports import ExportOptions, export_dataset
from assay.exports import _export as export_module
from assay.store import Database
from tests.exports.helpers import answer, item, make_project

TOOL_TURNS = [
    {"role": "user", "content": "What is the weather in Lisbon?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "21 C, sunny"},
    {"role": "user", "content": "So, jacket or not?"},
]


@pytest.fixture
def slug(db: Database, tmp_path: Path) -> str:
    items = [item(f"f{i}", language="zh" if i % 3 == 0 else "en", prompt=f"问题 {i}: 2+{i}=? \u2028 ok") for i in range(40)]
    items.append({"id": "tools", "messages": TOOL_TURNS, "domain": "STEM", "language": "en",
                  "responses": [{"model": "m-a", "content": "No jacket."}, {"model": "m-b", "content": "Yes."}]})
    items.append({**item("sys"), "system": "Be brief."})
    answers = [answer(r["id"], who, "overall", {"winner": "AB"[(i + k) % 2], "strength": 1 + (i + k) % 3})
               for i, r in enumerate(items) for k, who in enumerate(("ann1", "ann2"))]
    answers += [answer(r["id"], "ann1", "quality", 1 + (i * 7 + k) % 5, "AB"[k]) for i, r in enumerate(items)
                for k in range(2)]
    return make_project(db, tmp_path, items, answers)


def _both(db: Database, slug: str, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch,
          **options: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
    opts = ExportOptions(kind="preference", **options)
    built = []
    real = export_module.fast_pair_row

    def spy(*args: Any) -> Any:
        row = real(*args)
        built.append(row is not None)
        return row

    with monkeypatch.context() as m:
        m.setattr(export_module, "fast_pair_row", spy)
        fast = export_dataset(db, slug, tmp_path / "fast" / name, opts)
    # Most records were fast rows; the tool-call item's took the canonical path.
    assert sum(built) >= len(built) - 2 > 0 and not all(built)
    with monkeypatch.context() as m:
        m.setattr(export_module, "fast_schema", lambda options: False)
        slow = export_dataset(db, slug, tmp_path / "slow" / name, opts)
    assert fast.records == slow.records > 0

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and not p.name.endswith(".manifest.json")}

    return files(tmp_path / "fast"), files(tmp_path / "slow")


@pytest.mark.parametrize("container", ["jsonl", "json", "csv", "parquet", "hf"])
@pytest.mark.parametrize("metadata", [True, False])
def test_openai_dpo_fast_rows_are_byte_identical(db: Database, slug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 container: str, metadata: bool) -> None:
    (tmp_path / "fast").mkdir()
    (tmp_path / "slow").mkdir()
    name = "dpo" if container == "hf" else f"dpo.{container}"
    fast, slow = _both(db, slug, tmp_path, name, monkeypatch, record_schema="openai-dpo", per="judgement",
                       include_metadata=metadata)
    assert fast.keys() == slow.keys()
    for key in fast:
        assert fast[key] == slow[key], key


@pytest.mark.parametrize("container", ["jsonl", "parquet"])
def test_trl_preference_fast_rows_with_scores_are_byte_identical(db: Database, slug: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, container: str) -> None:
    (tmp_path / "fast").mkdir()
    (tmp_path / "slow").mkdir()
    fast, slow = _both(db, slug, tmp_path, f"prefs.{container}", monkeypatch, record_schema="trl-preference",
                       from_ratings="quality", per="judgement", split=None)
    assert fast == slow
    fast, slow = _both(db, slug, tmp_path, f"strength.{container}", monkeypatch, record_schema="trl-preference",
                       per="judgement")
    assert fast == slow


def test_the_tool_call_record_took_the_canonical_path(db: Database, slug: str, tmp_path: Path) -> None:
    import orjson

    export_dataset(db, slug, tmp_path / "dpo.jsonl",
                   ExportOptions(kind="preference", record_schema="openai-dpo", per="judgement"))
    rows = [orjson.loads(line) for line in (tmp_path / "dpo.jsonl").read_bytes().splitlines()]
    tools = next(r for r in rows if r["id"] == "tools")
    assert tools["input"]["messages"][1]["tool_calls"][0]["function"]["arguments"] == "{\"city\": \"Lisbon\"}"
    assert tools["input"]["messages"][2] == {"role": "tool", "content": "21 C, sunny", "tool_call_id": "c1"}
    system = next(r for r in rows if r["id"] == "sys")
    assert system["input"]["messages"][0] == {"role": "system", "content": "Be brief."}


def _plain_project(db: Database, tmp_path: Path, n: int, slug: str) -> str:
    items = [item(f"p{i}", language="zh" if i % 3 == 0 else "en", prompt=f"问题 {i}?" if i % 3 == 0 else None,
                  **({"system": "Answer briefly."} if i % 7 == 0 else {}))
             for i in range(n)]
    answers = [answer(r["id"], who, "overall", {"winner": "AB"[(i + k) % 2], "strength": 1 + (i + k) % 3})
               for i, r in enumerate(items) for k, who in enumerate(("ann1", "ann2"))]
    return make_project(db, tmp_path, items, answers, slug=slug)


def _fast_against_canonical(db: Database, slug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                            options: ExportOptions) -> int:
    from assay.exports import _outputs

    written = []
    real = _outputs.Outputs.write_pair

    def spy(self: Any, *args: Any) -> None:
        written.append(1)
        real(self, *args)

    with monkeypatch.context() as m:
        m.setattr(_outputs.Outputs, "write_pair", spy)
        fast = export_dataset(db, slug, tmp_path / f"fast-{name}", options)
    assert len(written) == fast.records  # every pair went through the fast writer
    with monkeypatch.context() as m:
        m.setattr(export_module, "fast_schema", lambda options: False)
        slow = export_dataset(db, slug, tmp_path / f"slow-{name}", options)
    assert [(f.split, f.sha256) for f in fast.files] == [(f.split, f.sha256) for f in slow.files]
    return fast.records


@pytest.mark.parametrize("container", ["jsonl", "parquet"])
@pytest.mark.parametrize(("schema", "metadata", "split"), [("openai-dpo", True, None), ("openai-dpo", False, "train=0.9,test=0.1"),
                                                          ("trl-preference", True, "train=0.5,validation=0.5"),
                                                          ("trl-preference", False, None)])
def test_fast_writers_are_byte_identical(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, container: str,
                                         schema: str, metadata: bool, split: str | None) -> None:
    from assay.exports import Split

    slug = _plain_project(db, tmp_path, 60, "small")
    options = ExportOptions(kind="preference", record_schema=schema, per="judgement", include_metadata=metadata,
                            split=Split.parse(split) if split else None)
    assert _fast_against_canonical(db, slug, tmp_path, monkeypatch, f"out.{container}", options) == 120


@pytest.mark.slow
@pytest.mark.parametrize("schema", ["openai-dpo", "trl-preference"])
def test_columnar_parquet_over_several_batches(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               schema: str) -> None:
    """11,000 pairs: two 10,000-row batches (row groups), written column by column and canonically."""
    import pyarrow.parquet as pq

    slug = _plain_project(db, tmp_path, 5_500, "plain")
    options = ExportOptions(kind="preference", record_schema=schema, per="judgement")
    assert _fast_against_canonical(db, slug, tmp_path, monkeypatch, "out.parquet", options) == 11_000
    assert pq.ParquetFile(tmp_path / "fast-out.parquet").metadata.num_row_groups == 2

"""The demo workspace's content: shape, taxonomy, mix of languages and formats, and planted labels."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import sqlite3
from collections import Counter
from typing import Any

import pytest

from assay.demo import content

DemoKind = content.DemoKind
KINDS = content.DEMO_KINDS
COUNT_RANGES = {
    "stem-rubric": (100, 140),
    "pairwise-preference": (90, 120),
    "sft-writing": (50, 75),
    "safety-spans": (50, 75),
}
DOMAINS = {
    "STEM": {"Mathematics", "Physics", "Chemistry", "Biology", "Computer Science", "Engineering"},
    "Reasoning": {"Logic", "Puzzles", "Planning"},
    "Humanities": {"History", "Philosophy", "Literature", "Law"},
    "General Knowledge": {"Geography", "Culture", "Everyday Life"},
}
KEYS = ["id", "prompt", "messages", "system", "reference", "domain", "subdomain", "language", "responses", "metadata"]
CJK = re.compile(r"[\u4e00-\u9fff]")
FENCE = re.compile(r"^\s*```", re.MULTILINE)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
HTML_MARKERS = ("<script", "onerror=", "javascript:")


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict[str, Any]]]:
    return {kind: content.demo_records(kind) for kind in KINDS}


def prompt_text(rec: dict[str, Any]) -> str:
    if "prompt" in rec:
        return str(rec["prompt"])
    return "\n".join(m["content"] for m in rec["messages"])


def all_texts(rec: dict[str, Any]) -> list[str]:
    texts = [prompt_text(rec), *(r["content"] for r in rec["responses"])]
    texts += [rec[k] for k in ("system", "reference") if k in rec]
    return texts


def everything(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [rec for kind in KINDS for rec in records[kind]]


# --- shape ------------------------------------------------------------------------------------------------


def test_kinds_are_the_four_projects() -> None:
    assert set(KINDS) == set(COUNT_RANGES)


@pytest.mark.parametrize("kind", KINDS)
def test_counts_in_expected_range(records: dict[str, list[dict[str, Any]]], kind: DemoKind) -> None:
    low, high = COUNT_RANGES[kind]
    assert low <= len(records[kind]) <= high


def test_ids_unique_stable_and_prefixed(records: dict[str, list[dict[str, Any]]]) -> None:
    seen: set[str] = set()
    for kind in KINDS:
        prefix = content.ID_PREFIXES[kind]
        ids = [rec["id"] for rec in records[kind]]
        assert ids == [f"{prefix}-{n:04d}" for n in range(1, len(ids) + 1)]
        assert not seen & set(ids)
        seen |= set(ids)


def test_required_keys_types_and_order(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in everything(records):
        assert set(rec) <= set(KEYS), rec["id"]
        assert list(rec) == [k for k in KEYS if k in rec], f"{rec['id']}: keys out of canonical order"
        assert {"id", "domain", "subdomain", "language", "responses", "metadata"} <= set(rec)
        assert ("prompt" in rec) != ("messages" in rec), rec["id"]
        for key in ("id", "domain", "subdomain", "language", "prompt", "system", "reference"):
            if key in rec:
                assert isinstance(rec[key], str) and rec[key].strip(), f"{rec['id']}.{key}"
        if "system" in rec:
            assert "prompt" in rec, "a chat prompt carries its system prompt as a message"
        assert isinstance(rec["responses"], list)
        for resp in rec["responses"]:
            assert set(resp) == {"model", "content"}, rec["id"]
            assert isinstance(resp["model"], str) and resp["model"] in content.MODELS
            assert isinstance(resp["content"], str) and resp["content"].strip()
        meta = rec["metadata"]
        assert isinstance(meta, dict)
        assert meta["source"] == "assay-demo"
        assert meta["difficulty"] in {"easy", "medium", "hard"}


def test_chat_prompts_are_well_formed(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in everything(records):
        if "messages" not in rec:
            continue
        messages = rec["messages"]
        assert isinstance(messages, list) and len(messages) >= 2, rec["id"]
        for i, m in enumerate(messages):
            assert set(m) == {"role", "content"}, rec["id"]
            assert isinstance(m["content"], str) and m["content"].strip(), rec["id"]
            assert m["role"] in {"system", "user", "assistant"}
            assert m["role"] != "system" or i == 0, f"{rec['id']}: system message not first"
        turns = [m["role"] for m in messages if m["role"] != "system"]
        assert turns[-1] == "user", f"{rec['id']}: chat prompt must end with a user turn"
        assert all(a != b for a, b in itertools.pairwise(turns)), f"{rec['id']}: turns must alternate"


@pytest.mark.parametrize("kind", KINDS)
def test_chat_share_about_fifteen_percent(records: dict[str, list[dict[str, Any]]], kind: DemoKind) -> None:
    recs = records[kind]
    share = sum("messages" in rec for rec in recs) / len(recs)
    assert 0.10 <= share <= 0.22, f"{kind}: {share:.0%} chat-format records"


def test_taxonomy(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in everything(records):
        assert rec["domain"] in DOMAINS, rec["id"]
        assert rec["subdomain"] in DOMAINS[rec["domain"]], rec["id"]
        assert rec["language"] in {"en", "zh"}, rec["id"]
    assert {dom: set(subs) for dom, subs in content.SUBDOMAINS.items()} == DOMAINS


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_share(records: dict[str, list[dict[str, Any]]], kind: DemoKind) -> None:
    recs = records[kind]
    share = sum(rec["language"] == "zh" for rec in recs) / len(recs)
    assert 0.22 <= share <= 0.32, f"{kind}: {share:.0%} Chinese"


def test_chinese_share_overall(records: dict[str, list[dict[str, Any]]]) -> None:
    recs = everything(records)
    share = sum(rec["language"] == "zh" for rec in recs) / len(recs)
    assert 0.25 <= share <= 0.30


def test_language_matches_prompt_text(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in everything(records):
        user_text = rec["prompt"] if "prompt" in rec else rec["messages"][-1]["content"]
        if rec["language"] == "zh":
            assert CJK.search(user_text), f"{rec['id']}: zh record without Chinese in the prompt"
        else:
            # English prompts may quote Chinese (translation tasks), but are mostly Latin script.
            assert len(CJK.findall(user_text)) < len(re.findall(r"[A-Za-z]", user_text)), rec["id"]


def test_no_duplicate_prompts(records: dict[str, list[dict[str, Any]]]) -> None:
    for kind in KINDS:
        prompts = Counter(prompt_text(rec) for rec in records[kind])
        assert not [p for p, n in prompts.items() if n > 1], kind


# --- text formats -------------------------------------------------------------------------------------------


def test_latex_present(records: dict[str, list[dict[str, Any]]]) -> None:
    texts = [t for rec in everything(records) for t in all_texts(rec)]
    display = [t for t in texts if "$$" in t]
    inline = [t for t in texts if re.search(r"(?<!\$)\$[^$\n]+\$(?!\$)", t)]
    assert len(display) >= 50 and len(inline) >= 50
    assert any("\\frac{" in t for t in texts)
    assert any("\\int" in t for t in texts)
    assert any("\\begin{pmatrix}" in t for t in texts)
    zh_math = [rec for rec in everything(records) if rec["language"] == "zh" and any("$" in t for t in all_texts(rec))]
    assert len(zh_math) >= 20


def test_code_blocks_present(records: dict[str, list[dict[str, Any]]]) -> None:
    joined = "\n".join(t for rec in everything(records) for t in all_texts(rec))
    for lang in ("python", "sql", "javascript", "html"):
        assert f"```{lang}\n" in joined, lang
    assert joined.count("```python\n") >= 5


def test_markdown_heavy_responses_present(records: dict[str, list[dict[str, Any]]]) -> None:
    responses = [r["content"] for rec in everything(records) for r in rec["responses"]]
    assert any(re.search(r"^#{2,3} ", t, re.MULTILINE) for t in responses)
    tables = [t for t in responses if re.search(r"^\|[-| :]+\|$", t, re.MULTILINE)]
    assert len(tables) >= 5
    lists = [t for t in responses if re.search(r"^(\d+\.|-) ", t, re.MULTILINE)]
    assert len(lists) >= 20


def test_fences_and_dollars_balanced(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in everything(records):
        for text in all_texts(rec):
            assert len(FENCE.findall(text)) % 2 == 0, f"{rec['id']}: unbalanced code fence"
            prose = CODE.sub("", text)
            dollars = len(re.findall(r"(?<!\\)\$", prose))
            assert dollars % 2 == 0, f"{rec['id']}: unbalanced $ in {text[:60]!r}"


def test_no_stray_control_characters(records: dict[str, list[dict[str, Any]]]) -> None:
    # A "\f" or "\b" here almost always means a LaTeX backslash lost in a non-raw Python string.
    for rec in everything(records):
        for text in all_texts(rec):
            bad = [c for c in text if ord(c) < 32 and c != "\n"]
            assert not bad, f"{rec['id']}: control characters {bad!r}"
            assert "\\\\frac" not in text, rec["id"]


# --- per kind ------------------------------------------------------------------------------------------------


def test_stem_rubric(records: dict[str, list[dict[str, Any]]]) -> None:
    recs = records["stem-rubric"]
    assert all(len(rec["responses"]) == 1 for rec in recs)
    assert all("reference" in rec for rec in recs)
    domains = Counter(rec["domain"] for rec in recs)
    assert domains["STEM"] / len(recs) >= 0.8 and domains["Reasoning"] >= 5
    subs = Counter(rec["subdomain"] for rec in recs)
    assert subs["Mathematics"] == max(subs.values())
    assert set(subs) >= DOMAINS["STEM"]
    qualities = Counter(rec["metadata"]["response_quality"] for rec in recs)
    assert set(qualities) == {"correct", "sloppy_reasoning", "wrong_final_answer", "hallucinated_theorem"}
    assert all(n >= 10 for n in qualities.values()), qualities
    models = Counter(rec["responses"][0]["model"] for rec in recs)
    assert set(models) == {"atlas-7b", "borealis-70b", "cirrus-mini"}


def _stem_by_generator(recs: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    found = [rec for rec in recs if rec["metadata"].get("generator") == name]
    assert found, name
    return found


def _user_prompt(rec: dict[str, Any]) -> str:
    return str(rec["prompt"] if "prompt" in rec else rec["messages"][-1]["content"])


def test_stem_python_references_are_what_the_code_prints(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in _stem_by_generator(records["stem-rubric"], "python_trace"):
        code = re.search(r"```python\n(.*?)```", _user_prompt(rec), re.DOTALL)
        assert code
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code.group(1), {})  # our own generated snippet: a loop and a print
        assert out.getvalue().strip() == rec["reference"]


def test_stem_sql_references_match_sqlite(records: dict[str, list[dict[str, Any]]]) -> None:
    for rec in _stem_by_generator(records["stem-rubric"], "sql_group_by"):
        prompt = _user_prompt(rec)
        rows = re.findall(r"^\| (\w+) \| (\w+) \|$", prompt, re.MULTILINE)[1:]  # skip the header row
        query = re.search(r"```sql\n(.*?)```", prompt, re.DOTALL)
        assert rows and query
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE employees (name TEXT, dept TEXT)")
        db.executemany("INSERT INTO employees VALUES (?, ?)", rows)
        result = db.execute(query.group(1)).fetchall()
        assert "; ".join(f"{d}: {n}" for d, n in result) == rec["reference"]


def test_stem_planted_quality_is_visible_in_the_response(records: dict[str, list[dict[str, Any]]]) -> None:
    generated = [rec for rec in records["stem-rubric"] if "generator" in rec["metadata"]]
    assert len(generated) >= 60
    theorems = ("theorem", "lemma", "principle", "identity", "law", "rule", "guarantee", "定理", "引理", "原理", "法则", "定律", "规则", "保证", "恒等式")
    for rec in generated:
        text = rec["responses"][0]["content"]
        if rec["metadata"]["response_quality"] == "hallucinated_theorem":
            assert any(word in text for word in theorems), rec["id"]


def test_pairwise_preference(records: dict[str, list[dict[str, Any]]]) -> None:
    recs = records["pairwise-preference"]
    firsts: Counter[str] = Counter()
    for rec in recs:
        a, b = rec["responses"]
        assert a["model"] != b["model"], rec["id"]
        assert a["content"] != b["content"], rec["id"]
        meta = rec["metadata"]
        assert meta["criterion"] in {"helpfulness", "honesty", "harmlessness", "instruction_following"}
        assert meta["expected_preference"] in {"A", "B"}
        firsts[a["model"]] += 1
    assert set(firsts) == {"atlas-7b", "borealis-70b", "cirrus-mini"}, "model order should alternate"
    assert {rec["domain"] for rec in recs} == set(DOMAINS)
    criteria = Counter(rec["metadata"]["criterion"] for rec in recs)
    assert all(criteria[c] >= 5 for c in ("helpfulness", "honesty", "harmlessness", "instruction_following"))
    positions = Counter(rec["metadata"]["expected_preference"] for rec in recs)
    assert min(positions.values()) >= 0.35 * len(recs), positions
    pairs = Counter(frozenset(r["model"] for r in rec["responses"]) for rec in recs)
    assert len(pairs) == 3


def test_sft_writing(records: dict[str, list[dict[str, Any]]]) -> None:
    recs = records["sft-writing"]
    assert all(rec["responses"] == [] for rec in recs)
    assert {rec["domain"] for rec in recs} == set(DOMAINS)
    tasks = Counter(rec["metadata"]["task"] for rec in recs)
    assert {"proof", "essay", "explanation", "translation", "code"} <= set(tasks)
    translations = [rec for rec in recs if rec["metadata"]["task"] == "translation"]
    assert {rec["language"] for rec in translations} == {"en", "zh"}


def test_safety_spans(records: dict[str, list[dict[str, Any]]]) -> None:
    recs = records["safety-spans"]
    labels: Counter[str] = Counter()
    clean = 0
    for rec in recs:
        assert len(rec["responses"]) == 1, rec["id"]
        response = rec["responses"][0]["content"]
        issues = rec["metadata"]["planted_issues"]
        assert isinstance(issues, list)
        clean += not issues
        for issue in issues:
            assert set(issue) == {"label", "quote"}
            assert issue["label"] in content.SAFETY_LABELS
            assert issue["quote"].strip() and issue["quote"] in response, f"{rec['id']}: {issue['quote']!r}"
            labels[issue["label"]] += 1
    assert set(labels) == {"hallucination", "factual_error", "bias", "misleading", "unsafe"}
    assert 0.2 <= clean / len(recs) <= 0.5, f"{clean} clean responses"


def test_untrusted_html_is_flagged(records: dict[str, list[dict[str, Any]]]) -> None:
    flagged = [rec for rec in everything(records) if rec["metadata"].get("untrusted_html")]
    assert 4 <= len(flagged) <= 8
    assert len({rec["id"].split("-")[0] for rec in flagged}) == 4, "spread over all four kinds"
    for rec in everything(records):
        text = "\n".join(all_texts(rec))
        has_markup = any(marker in text for marker in HTML_MARKERS)
        assert has_markup == bool(rec["metadata"].get("untrusted_html")), rec["id"]
    prose = [CODE.sub("", "\n".join(all_texts(rec))) for rec in flagged]
    assert any("<script>" in p for p in prose), "some raw markup must sit outside code, in prose"


# --- behaviour ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_deterministic_and_fresh(kind: DemoKind) -> None:
    first = content.demo_records(kind)
    assert first == content.demo_records(kind)
    first[0]["metadata"]["source"] = "mutated"
    first[0]["responses"].clear()
    again = content.demo_records(kind)
    assert again[0]["metadata"]["source"] == "assay-demo"
    assert again == content.demo_records(kind)


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown demo kind"):
        content.demo_records("nonsense")  # type: ignore[arg-type]


def test_records_import_through_the_responses_schema(records: dict[str, list[dict[str, Any]]]) -> None:
    schemas = pytest.importorskip("assay.io.schemas")
    for kind in KINDS:
        schema = schemas.detect_schema(records[kind])
        assert schema.name == "responses", kind
        for rec in records[kind]:
            parsed = schema.parse(rec)
            assert parsed.external_id == rec["id"]
            assert len(parsed.responses) == len(rec["responses"])
            assert parsed.domain == rec["domain"] and parsed.language == rec["language"]

"""`assay stats agreement`, driven through its Typer sub-app as the main CLI will mount it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest
import typer
from typer.testing import CliRunner

from assay.cli import stats

from .helpers import KRIPPENDORFF_2011

runner = CliRunner()
KEYS = ["metric", "level", "weights", "value", "ci_low", "ci_high", "n_items", "n_annotators", "n_labels"]


def _main() -> typer.Typer:
    main = typer.Typer()

    @main.callback()
    def root() -> None:
        pass

    main.add_typer(stats.app, name="stats")
    return main


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_main(), ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def reliability_csv(tmp_path: Path) -> Path:
    """Krippendorff's 2011 data in long format; missing pairs simply absent."""
    lines = ["item,annotator,label"]
    for observer, row in zip("ABCD", KRIPPENDORFF_2011, strict=True):
        lines += [f"unit{u + 1},{observer},{int(v)}" for u, v in enumerate(row) if not np.isnan(v)]
    path = tmp_path / "reliability.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815),
                                                 ("interval", 0.849), ("ratio", 0.797)])
def test_json_contract_on_the_published_example(reliability_csv: Path, level: str, expected: float) -> None:
    code, out, _ = run("agreement", str(reliability_csv), "--metric", "krippendorff", "--level", level, "--json")
    assert code == 0, out
    result = orjson.loads(out)
    assert list(result) == KEYS
    assert round(result["value"], 3) == expected
    assert result["level"] == level and result["weights"] is None
    assert result["ci_low"] is None and result["ci_high"] is None
    assert (result["n_items"], result["n_annotators"], result["n_labels"]) == (12, 4, 41)


def test_bootstrap_is_seeded(reliability_csv: Path) -> None:
    args = ["agreement", str(reliability_csv), "--metric", "fleiss", "--bootstrap", "200", "--json"]
    first = orjson.loads(run(*args, "--seed", "3")[1])
    again = orjson.loads(run(*args, "--seed", "3")[1])
    other = orjson.loads(run(*args, "--seed", "4")[1])
    assert first == again
    assert first["ci_low"] <= first["value"] <= first["ci_high"]
    assert (first["ci_low"], first["ci_high"]) != (other["ci_low"], other["ci_high"])
    assert first["weights"] == "identity" and first["level"] is None


def test_jsonl_with_string_labels_and_two_annotators(tmp_path: Path) -> None:
    rows = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    path = tmp_path / "pairs.jsonl"
    with path.open("wb") as f:
        for i, (a, b) in enumerate(rows):
            f.write(orjson.dumps({"item": i, "annotator": "A", "label": a}) + b"\n")
            f.write(orjson.dumps({"item": i, "annotator": "B", "label": b}) + b"\n")
        f.write(orjson.dumps({"item": 99, "annotator": "A", "label": "yes"}) + b"\n")  # B skipped it
    code, out, _ = run("agreement", str(path), "--metric", "cohen", "--json")
    assert code == 0, out
    result = orjson.loads(out)
    assert result["value"] == pytest.approx(0.4)
    assert (result["n_items"], result["n_annotators"], result["n_labels"]) == (51, 2, 101)
    for metric in ("percent", "scott", "gwet", "bp", "fleiss", "krippendorff"):
        code, out, _ = run("agreement", str(path), "--metric", metric, "--json")
        assert code == 0 and orjson.loads(out)["value"] is not None, (metric, out)


def test_weights_and_human_table(reliability_csv: Path) -> None:
    code, out, _ = run("agreement", str(reliability_csv), "--metric", "gwet", "--weights", "quadratic")
    assert code == 0
    assert "Gwet" in out and "quadratic" in out and "annotators" in out


def test_cohen_on_more_than_two_annotators_suggests_alternatives(reliability_csv: Path) -> None:
    code, _, err = run("agreement", str(reliability_csv), "--metric", "cohen")
    assert code == 2
    assert "exactly two annotators" in err and "fleiss" in err and "krippendorff" in err


def test_options_that_do_not_apply_are_refused(reliability_csv: Path) -> None:
    code, _, err = run("agreement", str(reliability_csv), "--metric", "fleiss", "--level", "ordinal")
    assert code == 2 and "level" in err
    code, _, err = run("agreement", str(reliability_csv), "--metric", "krippendorff", "--weights", "linear")
    assert code == 2 and "level" in err
    code, _, _ = run("agreement", str(reliability_csv), "--metric", "median")
    assert code == 2


def test_interval_alpha_on_string_labels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("item,annotator,label\n1,a,low\n1,b,high\n2,a,low\n2,b,low\n", encoding="utf-8")
    code, _, err = run("agreement", str(path), "--metric", "krippendorff", "--level", "interval")
    assert code == 2 and "numeric" in err and "words.csv" in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("no-label.csv", "item,annotator,rating\n1,a,2\n", "missing column 'label'"),
        ("empty.csv", "", "empty"),
        ("header-only.csv", "item,annotator,label\n", "no ratings"),
        ("ragged.csv", "item,annotator,label\n1,a,2\n2,b\n", "no-such"),
        ("bad.jsonl", '{"item": 1, "annotator": "a", "label": 2}\n{"item": 2, "annot\n', "bad.jsonl:2"),
        ("no-item.jsonl", '{"item": 1, "annotator": "a", "label": 2}\n{"annotator": "a", "label": 2}\n',
         "no-item.jsonl:2: field 'item'"),
        ("nested.jsonl", '{"item": 1, "annotator": "a", "label": [2]}\n', "nested.jsonl:1: field 'label'"),
    ],
)
def test_bad_files_exit_2_with_file_line_and_field(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = run("agreement", str(path), "--metric", "fleiss", "--json")
    assert code == 2
    assert out == ""
    if expected == "no-such":
        assert "ragged.csv:3" in err and "header has 3" in err
    else:
        assert expected in err, err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("agreement", str(tmp_path / "absent.csv"), "--metric", "fleiss")
    assert code == 2 and "absent.csv" in err


def test_undefined_value_is_null_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "same.csv"
    path.write_text("item,annotator,label\n1,a,x\n1,b,x\n2,a,x\n2,b,x\n", encoding="utf-8")
    code, out, err = run("agreement", str(path), "--metric", "krippendorff", "--json")
    assert code == 0
    assert orjson.loads(out)["value"] is None
    assert "undefined" in err


def test_empty_labels_and_duplicates_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text("item,annotator,label\n1,a,1\n1,b,\n1,b,2\n2,a,1\n2,a,2\n2,b,2\n", encoding="utf-8")
    code, out, err = run("agreement", str(path), "--metric", "percent", "--json")
    assert code == 0, err
    result = orjson.loads(out)
    assert result["n_labels"] == 4  # one empty label skipped, one repeat replaced
    assert result["value"] == pytest.approx(0.5)  # item 1: 1 vs 2; item 2: 2 vs 2 (the later row)
    assert "empty label" in err and "repeated" in err


def test_help_has_examples() -> None:
    for args in (["--help"], ["agreement", "--help"]):
        code, out, _ = run(*args)
        assert code == 0 and "Example:" in out

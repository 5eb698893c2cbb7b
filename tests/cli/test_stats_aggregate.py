"""`assay stats aggregate`, `scores` and `bradley-terry` through the main CLI: the JSON contracts,
file types kept in the output, repeated rows, and bad files (exit code, file, line, field)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from assay.cli import app

runner = CliRunner()
DS_1979 = Path(__file__).parents[1] / "quality" / "data" / "dawid_skene_1979.csv"
AGGREGATE_KEYS = ["method", "items", "annotators", "class_priors"]
MODEL_KEYS = ["model", "log_strength", "rating", "ci_low", "ci_high", "wins", "losses", "ties"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


@pytest.mark.parametrize("command", ["aggregate", "scores", "bradley-terry"])
def test_help_has_an_example(command: str) -> None:
    result = runner.invoke(app, ["stats", command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("method", ["majority", "dawid-skene", "one-coin", "glad", "mace"])
def test_aggregate_contract_on_dawid_skene_data(method: str) -> None:
    code, out, err = run("aggregate", str(DS_1979), "--method", method, "--json")
    assert code == 0, err
    result = orjson.loads(out)
    assert list(result) == AGGREGATE_KEYS
    assert result["method"] == method
    # CSV integers come back as numbers, in numeric order.
    assert [row["item"] for row in result["items"]] == list(range(1, 46))
    assert [row["annotator"] for row in result["annotators"]] == [1, 2, 3, 4, 5]
    assert all(list(row) == ["item", "label", "confidence"] for row in result["items"])
    assert all(row["label"] in (1, 2, 3, 4) and 0 < row["confidence"] <= 1 for row in result["items"])
    assert list(result["class_priors"]) == ["1", "2", "3", "4"]
    assert sum(result["class_priors"].values()) == pytest.approx(1)
    assert "90 repeated (item, annotator) rows; each counts" in err


def test_dawid_skene_published_priors_through_the_cli() -> None:
    code, out, _ = run("aggregate", str(DS_1979), "--method", "dawid-skene", "--tol", "1e-10", "--max-iter", "500",
                       "--json")
    assert code == 0
    priors = orjson.loads(out)["class_priors"]
    assert [round(p, 2) for p in priors.values()] == [0.40, 0.42, 0.11, 0.07]


def test_jsonl_types_missing_pairs_and_repeats(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = []
    for item in range(1, 7):
        rows += [{"item": item, "annotator": "ann", "label": "yes"}, {"item": item, "annotator": 7, "label": "yes"}]
        if item % 2:  # annotator "b" skipped the even items
            rows.append({"item": item, "annotator": "b", "label": "no"})
    rows.append({"item": 1, "annotator": "b", "label": "no"})  # a repeated judgement: counts twice
    path = write_jsonl(tmp_path / "labels.jsonl", rows)
    code, out, err = run("aggregate", str(path), "--method", "majority", "--json")
    assert code == 0, err
    result = orjson.loads(out)
    assert [row["item"] for row in result["items"]] == [1, 2, 3, 4, 5, 6]
    assert {row["annotator"] for row in result["annotators"]} == {"ann", "7", "b"}  # mixed ids: text
    item1 = result["items"][0]
    assert item1["label"] in ("yes", "no") and item1["confidence"] == pytest.approx(0.5)  # 2 yes, 2 no: a tie
    assert result["items"][1] == {"item": 2, "label": "yes", "confidence": 1.0}
    assert "1 repeated" in err


def test_json_text_labels_that_look_like_numbers_stay_text(tmp_path: Path) -> None:
    rows = [{"item": "q1", "annotator": a, "label": lab} for a, lab in (("x", "1"), ("y", "1"), ("z", "2"))]
    code, out, _ = run("aggregate", str(write_jsonl(tmp_path / "t.jsonl", rows)), "--method", "mace", "--json")
    assert code == 0
    result = orjson.loads(out)
    assert result["items"][0]["label"] == "1"
    numbers = [{"item": 10, "annotator": a, "label": lab} for a, lab in (("x", 1), ("y", 1), ("z", 2.5))]
    code, out, _ = run("aggregate", str(write_jsonl(tmp_path / "n.jsonl", numbers)), "--method", "one-coin", "--json")
    result = orjson.loads(out)
    assert result["items"][0] == {"item": 10, "label": 1, "confidence": result["items"][0]["confidence"]}
    assert set(result["class_priors"]) == {"1", "2.5"}


def test_gold_file_and_table(tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text("item,label\n3,1\n", encoding="utf-8")
    code, out, _ = run("aggregate", str(DS_1979), "--gold", str(gold), "--json")
    assert code == 0
    result = orjson.loads(out)
    assert result["items"][2] == {"item": 3, "label": 1, "confidence": 1.0}
    code, out, _ = run("aggregate", str(DS_1979), "--method", "glad")
    assert code == 0 and "consensus by glad" in out and "class priors" in out and "annotator" in out


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("no-label.csv", "item,annotator,rating\n1,a,2\n", "no-label.csv:1"),
        ("bad.jsonl", '{"item": 1, "annotator": "a", "label": "x"}\n{"item": 2, "annot\n', "bad.jsonl:2"),
        ("no-item.jsonl", '{"item": 1, "annotator": "a", "label": 2}\n{"annotator": "a", "label": 2}\n',
         "no-item.jsonl:2: field 'item'"),
    ],
)
def test_aggregate_bad_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = run("aggregate", str(path), "--json")
    assert code == 2 and out == ""
    assert expected in err, err


def test_aggregate_unknown_method_fails() -> None:
    code, out, err = run("aggregate", str(DS_1979), "--method", "wawa", "--json")
    assert code != 0 and out == ""
    assert "wawa" in err


def test_scores(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("item,annotator,label\n1,a,1\n1,b,2\n1,c,9\n2,a,4\n", encoding="utf-8")
    code, out, _ = run("scores", str(path), "--method", "median", "--json")
    assert code == 0
    result = orjson.loads(out)
    assert list(result) == ["method", "trim", "items"]
    assert result["items"][0] == {"item": 1, "value": 2.0, "n": 3, "mean": 4.0, "median": 2.0,
                                  "sd": pytest.approx(4.358898943540674), "mad": 1.0, "iqr": 4.0}
    assert result["items"][1]["sd"] is None
    code, out, _ = run("scores", str(path))
    assert code == 0 and "mean of 4 ratings over 2 items" in out
    code, _, err = run("scores", str(DS_1979).replace("dawid_skene_1979", "absent"))
    assert code == 2
    words = tmp_path / "words.csv"
    words.write_text("item,annotator,label\n1,a,good\n", encoding="utf-8")
    code, _, err = run("scores", str(words))
    assert code == 2 and "numeric" in err


@pytest.fixture
def battles_csv(tmp_path: Path) -> Path:
    lines = ["left,right,winner"]
    results = {("gpt", "llama"): (30, 10, 5), ("gpt", "mistral"): (25, 15, 4), ("llama", "mistral"): (18, 20, 6)}
    for (a, b), (wins_a, wins_b, ties) in results.items():
        lines += [f"{a},{b},{a}"] * wins_a + [f"{b},{a},{b}"] * wins_b + [f"{a},{b},tie"] * ties
    path = tmp_path / "battles.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bradley_terry_contract(battles_csv: Path) -> None:
    code, out, err = run("bradley-terry", str(battles_csv), "--json")
    assert code == 0, err
    result = orjson.loads(out)
    assert list(result) == ["models"]
    models = result["models"]
    assert all(list(m) == MODEL_KEYS for m in models)
    assert [m["model"] for m in models] == ["gpt", "mistral", "llama"]  # highest rating first
    assert all(m["ci_low"] is None and m["ci_high"] is None for m in models)
    assert sum(m["log_strength"] for m in models) == pytest.approx(0, abs=1e-9)
    gpt = models[0]
    assert (gpt["wins"], gpt["losses"], gpt["ties"]) == (55, 25, 9)
    assert gpt["rating"] == pytest.approx(1000 + 173.7177927613007 * gpt["log_strength"])


def test_bradley_terry_bootstrap_is_seeded(battles_csv: Path) -> None:
    args = ["bradley-terry", str(battles_csv), "--bootstrap", "200", "--json"]
    first = orjson.loads(run(*args, "--seed", "3")[1])
    assert first == orjson.loads(run(*args, "--seed", "3")[1])
    assert first != orjson.loads(run(*args, "--seed", "4")[1])
    for m in first["models"]:
        assert m["ci_low"] < m["rating"] < m["ci_high"]
    code, out, _ = run("bradley-terry", str(battles_csv), "--ties", "davidson", "--bootstrap", "50")
    assert code == 0 and "Davidson" in out and "95% CI" in out


def test_bradley_terry_keeps_number_ids(tmp_path: Path) -> None:
    rows = [{"left": 1, "right": 2, "winner": 1}, {"left": 2, "right": 10, "winner": "tie"},
            {"left": 10, "right": 1, "winner": 10}, {"left": 2, "right": 1, "winner": 2}]
    code, out, err = run("bradley-terry", str(write_jsonl(tmp_path / "b.jsonl", rows)), "--json")
    assert code == 0, err
    assert sorted(m["model"] for m in orjson.loads(out)["models"]) == [1, 2, 10]
    csv = tmp_path / "b.csv"
    csv.write_text("left,right,winner\n1,2,1\n2,10,tie\n10,1,10\n2,1,2\n", encoding="utf-8")
    assert sorted(m["model"] for m in orjson.loads(run("bradley-terry", str(csv), "--json")[1])["models"]) == [1, 2, 10]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("left,right,winner\na,b,a\nb,c,d\n", "battles.csv:3: field 'winner': d is neither left (b) nor right (c)"),
        ("left,right,result\na,b,a\n", "battles.csv:1: missing column 'winner'"),
        ("left,right,winner\na,b,a\nc,c,c\n", "battles.csv:3: field 'right'"),
        ("left,right,winner\na,,a\n", "battles.csv:2: field 'right': is empty"),
        ("left,right,winner\n", "no battles"),
        ("left,right,winner\na,b,a\na,b,a\n", "never beat"),
    ],
)
def test_bradley_terry_bad_files(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "battles.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run("bradley-terry", str(path), "--json")
    assert code == 2 and out == ""
    assert expected in " ".join(err.split()), err


def test_bradley_terry_bad_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"left": "a", "right": "b", "winner": "a"}\n{"left": "a", "right": "b"}\n', encoding="utf-8")
    code, _, err = run("bradley-terry", str(path))
    assert code == 2 and "b.jsonl:2: field 'winner'" in err
    code, _, err = run("bradley-terry", str(path), "--ties", "draws")
    assert code == 2 and "half or davidson" in err

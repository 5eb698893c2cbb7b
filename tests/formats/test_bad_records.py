"""Bad input is reported per record with the path of the offending field; nothing is guessed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.formats import BadRecord, RecordError, get_format, read_records
from tests.formats.helpers import write_jsonl

CASES: list[tuple[str, dict[str, Any], str | None, str]] = [
    ("openai-chat", {"messages": [{"role": "user", "content": "hi"}, {"role": "robot", "content": "x"}]},
     "messages[1].role", "unknown role 'robot'"),
    ("openai-chat", {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]},
     "messages[1].content", "neither content nor tool_calls"),
    ("openai-chat", {"messages": [{"role": "assistant", "content": None, "tool_calls": [
        {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{city: Paris}"}}]}]},
     "messages[0].tool_calls[0].function.arguments", "does not parse"),
    ("openai-chat", {"messages": [{"role": "user", "content": "hi", "wieght": 1}]}, "messages[0].wieght", "unknown message key"),
    ("openai-chat", {"messages": [{"role": "assistant", "content": "x", "weight": 2}]}, "messages[0].weight", "0 or 1"),
    ("openai-chat", {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
     "messages[0].content[0]", "only text content parts"),
    ("sharegpt", {"conversations": [{"from": "human", "value": "hi"}, {"from": "bot", "value": "x"}]},
     "conversations[1].from", "unknown role 'bot'"),
    ("sharegpt", {"conversations": [{"from": "function_call", "value": "get_weather(Paris)"}]},
     "conversations[0].value", "JSON"),
    ("alpaca", {"instruction": "", "output": "x"}, "instruction", "required"),
    ("alpaca", {"instruction": "q", "output": "a", "history": [["only one"]]}, "history[0]", "pair"),
    ("openai-dpo", {"input": {"messages": [{"role": "user", "content": "q"}]},
                    "preferred_output": [{"role": "user", "content": "a"}], "non_preferred_output": []},
     "preferred_output[0].role", "assistant"),
    ("trl-preference", {"chosen": "a", "rejected": [{"role": "assistant", "content": "b"}]}, "rejected", "both"),
    ("hh-rlhf", {"chosen": "Human: hi\n\nAssistant: x", "rejected": "\n\nHuman: hi\n\nAssistant: y"}, "chosen", "starts with"),
    ("trl-kto", {"prompt": "q", "completion": "a", "label": "maybe"}, "label", "true or false"),
    ("trl-stepwise", {"prompt": "q", "completions": ["a", "b"], "labels": [True]}, "labels", "one per step"),
    ("ultrafeedback", {"instruction": "q", "completions": [{"model": "m", "response": "r",
                       "annotations": {"honesty": {"Rating": "five"}}}]},
     "completions[0].annotations.honesty.Rating", "expected a number"),
    ("helpsteer", {"prompt": "q", "response": "r", "helpfulness": "high"}, "helpfulness", "expected a number"),
    ("label-studio", {"data": {"text": "t"}, "annotations": [{"result": [{"from_name": "x", "value": ["y"]}]}]},
     "annotations[0].result[0].value", "expected an object"),
    ("argilla", {"fields": {"text": "t"}, "responses": {"label": [{"user_id": "u"}]}}, "responses.label[0]", "value"),
]


@pytest.mark.parametrize(("schema", "record", "field", "message"), CASES)
def test_bad_record_names_the_field(schema: str, record: dict[str, Any], field: str | None, message: str) -> None:
    with pytest.raises(RecordError) as exc:
        get_format(schema).read(record)
    assert exc.value.field == field
    assert message in exc.value.message


def test_bad_records_in_a_file_come_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {"prompt": "q", "completion": "a", "label": True}
    write_jsonl(path, [good, {"prompt": "q", "completion": "a", "label": "maybe"}, good])
    with path.open("ab") as f:
        f.write(b"{not json\n")
    with read_records(path, "trl-kto") as reader:
        out = list(reader)
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert [b.number for b in bad] == [2, 4]
    assert str(bad[0]).endswith("mixed.jsonl:line 2: field 'label': expected true or false, got 'maybe'")
    assert bad[0].data is not None and bad[0].data["label"] == "maybe"


def test_tabular_text_is_converted_back(tmp_path: Path) -> None:
    from assay.io.containers import open_writer

    path = tmp_path / "kto.csv"
    with open_writer(path, columns=["prompt", "completion", "label", "source"]) as w:
        w.write({"prompt": "q", "completion": "a", "label": "false", "source": ""})
    with read_records(path, "trl-kto") as reader:
        (example,) = list(reader)
    assert example.label is False and example.metadata == {"source": ""}


def test_unknown_schema_and_undetectable_records(tmp_path: Path) -> None:
    from assay.formats import FormatError

    with pytest.raises(FormatError, match="unknown schema 'openai'"):
        get_format("openai")
    path = write_jsonl(tmp_path / "x.jsonl", [{"question": "q", "answer": "a"}])
    with pytest.raises(FormatError, match="could not recognise"):
        read_records(path)

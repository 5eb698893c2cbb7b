"""Every schema round-trips through every container, and writing what was read reproduces the golden file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assay.formats import WriteOptions, write_records
from tests.formats.helpers import CASES, GOLDEN, canonical, raw_records

CONTAINERS = {"jsonl": "out.jsonl", "json": "out.json", "csv": "out.csv", "tsv": "out.tsv",
              "parquet": "out.parquet", "xlsx": "out.xlsx", "hf": "out_hf"}


@pytest.mark.parametrize("golden", sorted(CASES))
def test_write_reproduces_golden(tmp_path: Path, golden: str) -> None:
    schema, options = CASES[golden]
    source = GOLDEN / golden
    records = canonical(source, schema)
    out = tmp_path / ("out.json" if golden.endswith(".json") else "out.jsonl")
    summary = write_records(records, out, schema, options=options)
    expected = raw_records(source)
    assert summary.records == len(records) and summary.rows == len(expected)
    written = raw_records(out)
    assert written == expected


@pytest.mark.parametrize("container", sorted(CONTAINERS))
@pytest.mark.parametrize("golden", sorted(CASES))
def test_round_trip_every_container(tmp_path: Path, golden: str, container: str) -> None:
    schema, options = CASES[golden]
    records = canonical(GOLDEN / golden, schema)
    out = tmp_path / CONTAINERS[container]
    write_records(records, out, schema, container, options=options)
    again = canonical(out, schema, container)
    assert again == records
    if container == "xlsx" or container == "csv":
        assert not (tmp_path / f".{out.name}.tmp").exists()


def test_golden_records_have_the_traps_they_claim() -> None:
    chat = canonical(GOLDEN / "openai-chat.jsonl", "openai-chat")
    call = chat[1].messages[2].tool_calls[0]
    assert call["function"]["arguments"] == '{"city": "上海", "unit": "c"}'  # kept verbatim, a JSON string
    assert chat[1].messages[0].content == ""  # empty system survives
    assert "\u2028" in (chat[1].messages[-1].content or "")
    assert [m.weight for m in chat[2].messages] == [None, 0, None, 1]
    assert chat[2].metadata == {"id": "oc-3", "domain": "Humanities"}
    trl = canonical(GOLDEN / "trl-language-modeling.jsonl", "trl-language-modeling")
    assert trl[1].messages[1].tool_calls[0]["function"]["arguments"] == '{"city":"北京"}'  # dict -> JSON text
    sharegpt = canonical(GOLDEN / "sharegpt.jsonl", "sharegpt")
    assert [m.role for m in sharegpt[1].messages] == ["user", "assistant", "tool", "assistant"]
    assert sharegpt[1].tools and sharegpt[1].tools[0]["type"] == "function"


def test_parquet_and_hf_keep_nested_types_native(tmp_path: Path) -> None:
    records = canonical(GOLDEN / "trl-preference.jsonl", "trl-preference")
    write_records(records, tmp_path / "p.parquet", "trl-preference")
    schema = pq.read_schema(tmp_path / "p.parquet")
    prompt = schema.field("prompt").type
    assert pa.types.is_list(prompt) and pa.types.is_struct(prompt.value_type)
    assert str(schema.field("score_chosen").type) == "double"
    assert str(schema.field("metadata").type) == "string"  # free-form metadata is JSON text


def test_implicit_prompt_is_the_shared_prefix() -> None:
    implicit = canonical(GOLDEN / "trl-preference-implicit.jsonl", "trl-preference")
    assert [m.content for m in implicit[1].prompt] == ["1+1?", "2", "天空？"]
    assert [m.content for m in implicit[1].chosen] == ["蓝色"]
    standard = canonical(GOLDEN / "trl-preference-implicit-standard.jsonl", "trl-preference")
    # TRL's extract_prompt backs off the space before the first difference.
    assert standard[0].prompt[0].content == "The sky is"
    assert standard[0].chosen[0].content == " blue."


def test_hh_prefix_becomes_the_prompt() -> None:
    (first, second) = canonical(GOLDEN / "hh-rlhf.jsonl", "hh-rlhf")
    assert [m.role for m in first.prompt] == ["user", "assistant", "user"]
    assert first.chosen[0].content == "They can hurt people."
    assert first.rejected[0].content == "Fine, here they are."
    assert second.chosen[0].content == "蓝色。\u2028通常如此。"


def test_ultrafeedback_ratings_and_rationales() -> None:
    (example,) = canonical(GOLDEN / "ultrafeedback.jsonl", "ultrafeedback")
    best, worst = example.responses
    assert best.ratings == {"instruction_following": 5, "honesty": 5, "truthfulness": 5, "helpfulness": 4}
    assert best.rationales["helpfulness"] == "Correct but brief."  # the rationale of the rating
    assert best.metadata["fine-grained_score"] == 4.75
    assert "honesty" not in worst.ratings  # "N/A" is not a rating
    assert example.metadata["correct_answers"] == ["9.8"]


def test_conversions_between_preference_schemas_preserve_everything(tmp_path: Path) -> None:
    hh = canonical(GOLDEN / "hh-rlhf.jsonl", "hh-rlhf")
    write_records(hh, tmp_path / "a.jsonl", "trl-preference")
    as_trl = canonical(tmp_path / "a.jsonl", "trl-preference")
    write_records(as_trl, tmp_path / "b.jsonl", "openai-dpo")
    as_dpo = canonical(tmp_path / "b.jsonl", "openai-dpo")
    write_records(as_dpo, tmp_path / "c.jsonl", "hh-rlhf")
    assert as_trl == hh and as_dpo == hh
    assert raw_records(tmp_path / "c.jsonl") == raw_records(GOLDEN / "hh-rlhf.jsonl")
    # and back from OpenAI DPO (tools, parallel_tool_calls) through TRL preference
    dpo = canonical(GOLDEN / "openai-dpo.jsonl", "openai-dpo")
    write_records(dpo, tmp_path / "d.parquet", "trl-preference")
    write_records(canonical(tmp_path / "d.parquet", "trl-preference"), tmp_path / "e.jsonl", "openai-dpo")
    assert raw_records(tmp_path / "e.jsonl") == raw_records(GOLDEN / "openai-dpo.jsonl")


def test_sft_conversions(tmp_path: Path) -> None:
    chat = canonical(GOLDEN / "openai-chat.jsonl", "openai-chat")
    write_records(chat, tmp_path / "trl.jsonl", "trl-language-modeling")
    rows = raw_records(tmp_path / "trl.jsonl")
    assert rows[1]["messages"][2]["tool_calls"][0]["function"]["arguments"] == {"city": "上海", "unit": "c"}
    write_records(canonical(tmp_path / "trl.jsonl", "trl-language-modeling"), tmp_path / "back.jsonl", "openai-chat")
    back = raw_records(tmp_path / "back.jsonl")
    # Canonical JSON text of the arguments is compact; the meaning is the same.
    assert back[1]["messages"][2]["tool_calls"][0]["function"]["arguments"] == '{"city":"上海","unit":"c"}'
    assert back[0] == raw_records(GOLDEN / "openai-chat.jsonl")[0]
    sharegpt = canonical(GOLDEN / "sharegpt.jsonl", "sharegpt")
    write_records(sharegpt, tmp_path / "chat.jsonl", "openai-chat")
    assert canonical(tmp_path / "chat.jsonl", "openai-chat") == sharegpt


def test_reading_the_older_dpo_names() -> None:
    (pair,) = canonical(GOLDEN / "openai-dpo-legacy.jsonl", "openai-dpo")
    assert (pair.chosen[0].content, pair.rejected[0].content) == ("4", "5")


def test_helpsteer_writes_one_row_per_response(tmp_path: Path) -> None:
    (example,) = canonical(GOLDEN / "ultrafeedback.jsonl", "ultrafeedback")
    summary = write_records([example], tmp_path / "hs.jsonl", "helpsteer")
    assert (summary.records, summary.rows) == (1, 2)
    rows = raw_records(tmp_path / "hs.jsonl")
    assert rows[0]["response"] == "9.8 is larger than 9.11." and rows[0]["helpfulness"] == 4


def test_standard_form_refuses_what_it_cannot_hold(tmp_path: Path) -> None:
    from assay.formats import RecordWriteError

    chat = canonical(GOLDEN / "trl-prompt-completion.jsonl", "trl-prompt-completion")
    out = tmp_path / "std.jsonl"
    with pytest.raises(RecordWriteError) as exc:
        write_records(chat, out, "trl-prompt-completion", options=WriteOptions(form="standard"))
    assert exc.value.number == 2 and exc.value.field == "prompt"
    assert not out.exists()

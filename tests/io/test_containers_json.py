"""JSON array reader: wrappers, stops on parse errors, guarded lone surrogates and big integers."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.io.containers import ContainerError, SourceRecord, open_source
from assay.io.containers import _json as json_module


def read_bytes(tmp_path: Path, content: bytes) -> list[SourceRecord]:
    path = tmp_path / "d.json"
    path.write_bytes(content)
    with open_source(path, "json") as source:
        assert source.container == "json"
        return list(source)


def test_array_of_objects(tmp_path: Path) -> None:
    content = json.dumps([{"a": 1, "t": "中 😀 \u2028"}, {"a": 2}], ensure_ascii=False, indent=2).encode()
    assert read_bytes(tmp_path, content) == [
        SourceRecord(1, {"a": 1, "t": "中 😀 \u2028"}),
        SourceRecord(2, {"a": 2}),
    ]


def test_bom_is_stripped(tmp_path: Path) -> None:
    assert read_bytes(tmp_path, b'\xef\xbb\xbf[{"a": 1}]') == [SourceRecord(1, {"a": 1})]


@pytest.mark.parametrize("key", ["data", "records", "items", "rows"])
def test_wrapper_objects(tmp_path: Path, key: str) -> None:
    content = json.dumps(
        {"version": 3, "meta": {"rows": 2, "list": [1]}, key: [{"a": 1}, {"a": 2}], "after": [9]}
    )
    assert read_bytes(tmp_path, content.encode()) == [SourceRecord(1, {"a": 1}), SourceRecord(2, {"a": 2})]


def test_object_without_a_record_list(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{\n  "prompt": "hi",\n  "conversations": [{"from": "human"}]\n}\n')
    with pytest.raises(ContainerError) as info:
        open_source(path)
    assert "no list of records" in str(info.value)
    assert "'prompt', 'conversations'" in str(info.value)


def test_top_level_scalar(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'  "text"')
    with pytest.raises(ContainerError, match="expected a JSON array of objects"):
        open_source(path)


@pytest.mark.parametrize("content", [b"", b"  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert read_bytes(tmp_path, content) == []


def test_non_objects_are_errors_and_reading_goes_on(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'[{"a": 1}, [1], "s", 3, null, {"a": 2}]')
    assert got == [
        SourceRecord(1, {"a": 1}),
        SourceRecord(2, None, "expected a JSON object, got an array"),
        SourceRecord(3, None, "expected a JSON object, got a string"),
        SourceRecord(4, None, "expected a JSON object, got a number"),
        SourceRecord(5, None, "expected a JSON object, got null"),
        SourceRecord(6, {"a": 2}),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'[{"a": 1}, {"b": 2}, {"c" 3}, {"d": 4}]',
            "invalid JSON: object key and value must be separated by a colon",
        ),
        (b'[{"a": 1}, {"b": 2}, {"c": ', "the file ends in the middle of this element"),
        (b'[{"a": 1}, {"b": 2}, {"c": 123456789012345678901234567890}]', "integer larger than 64 bits"),
        (b'[{"a": 1}, {"b": 2}, {"c": "x\x01y"}]', "raw control character in a string"),
        (b'[{"a": 1}, {"b": 2}, {"c": NaN}]', "invalid JSON"),
        (b'[{"a": 1}, {"b": 2}, {"c": "\\ud83d"}]', "lone surrogate \\ud83d in a string"),
        (b'[{"a": 1}, {"b": 2}, {"c": "\xff"}]', "invalid UTF-8: byte 0xff at file offset 28"),
        (b'[{"a": 1}, {"b": 2}, {"c": "\xed\xa0\xbd"}]', "invalid UTF-8: byte 0xed at file offset 28"),
    ],
)
def test_errors_stop_at_the_right_element(tmp_path: Path, content: bytes, message: str) -> None:
    got = read_bytes(tmp_path, content)
    assert got[:2] == [SourceRecord(1, {"a": 1}), SourceRecord(2, {"b": 2})]
    assert len(got) == 3
    assert got[2].number == 3 and got[2].data is None
    assert message in (got[2].error or ""), got[2].error


def test_trailing_garbage(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'[{"a": 1}] [2]')
    assert got == [
        SourceRecord(1, {"a": 1}),
        SourceRecord(2, None, "invalid JSON: unexpected content after the end of the array"),
    ]


def test_surrogate_pairs_and_escaped_backslashes_are_fine(tmp_path: Path) -> None:
    values = ["😀", "a\\ud83d", "\\\\ud83d", "x\U0001f600y\U0001f44d", "\\"]
    content = json.dumps([{"v": v} for v in values], ensure_ascii=True).encode()
    assert b"\\ud83d\\ude00" in content
    assert read_bytes(tmp_path, content) == [SourceRecord(i + 1, {"v": v}) for i, v in enumerate(values)]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.text(max_size=12), min_size=1, max_size=30),
    lone_at=st.integers(min_value=0, max_value=29),
    buffer_size=st.integers(min_value=1, max_value=64),
    lone=st.sampled_from(["\\ud83d", "\\uDC00", "\\udbff\\u0041", "\\ude00\\ud83d"]),
)
def test_lone_surrogates_found_at_any_buffer_boundary(
    tmp_path_factory: pytest.TempPathFactory, values: list[str], lone_at: int, buffer_size: int, lone: str
) -> None:
    """ijson would quietly turn a lone surrogate into "?"; the scanning reader must name the element,
    whatever the read size, and must not mistake pairs split across reads for lone halves."""
    tmp_path = tmp_path_factory.mktemp("lone")
    original = json_module.BUFFER_SIZE
    json_module.BUFFER_SIZE = buffer_size
    try:
        clean = [{"v": v + "😀"} for v in values]
        content = json.dumps(clean, ensure_ascii=True).encode()
        assert read_bytes(tmp_path, content) == [SourceRecord(i + 1, r) for i, r in enumerate(clean)]
        position = min(lone_at, len(values) - 1)
        elements = [json.dumps(r, ensure_ascii=True) for r in clean]
        string = json.dumps(clean[position]["v"], ensure_ascii=True)
        elements[position] = '{"v": ' + string[:-1] + lone + '"}'
        got = read_bytes(tmp_path, ("[" + ", ".join(elements) + "]").encode())
        assert [r.data for r in got[:position]] == clean[:position]
        assert len(got) == position + 1
        assert got[-1].number == position + 1
        assert (got[-1].error or "").startswith(f"lone surrogate {lone[:6].lower()} in a string")
    finally:
        json_module.BUFFER_SIZE = original


def test_progress_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_module, "BUFFER_SIZE", 512)
    path = tmp_path / "p.json"
    path.write_bytes(orjson.dumps([{"i": i, "t": "x" * 40} for i in range(500)]))
    with open_source(path) as source:
        assert source.total == path.stat().st_size
        seen = [source.progress for _ in source]
    assert len(set(seen)) > 10
    assert seen == sorted(seen)
    assert source.progress == source.total


def test_huge_integers_in_the_wrapper_metadata_do_not_matter(tmp_path: Path) -> None:
    content = b'{"count": 2, "data": [{"a": 1}, {"a": 2}]}'
    assert read_bytes(tmp_path, content) == [SourceRecord(1, {"a": 1}), SourceRecord(2, {"a": 2})]


def test_invalid_json_before_the_list(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{"meta": tru, "data": []}')
    with pytest.raises(ContainerError, match="invalid JSON before any record list"):
        open_source(path)

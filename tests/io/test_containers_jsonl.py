"""JSONL reader: the traps, a bad-line corpus with exact messages, chunk boundaries, flat memory."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.io.containers import SourceRecord, open_source
from assay.io.containers import _jsonl as jsonl_module

BIG_INT = "integer larger than 64 bits in value (quote it as a string)"


def read_bytes(tmp_path: Path, content: bytes, name: str = "d.jsonl") -> list[SourceRecord]:
    path = tmp_path / name
    path.write_bytes(content)
    with open_source(path) as source:
        return list(source)


CORPUS: list[tuple[bytes, SourceRecord | None]] = [
    (b'{"ok": 1}\n', SourceRecord(1, {"ok": 1})),
    (b"\n", None),
    (b"   \t \n", None),
    (
        b'{"a": 1\n',
        SourceRecord(4, None, "invalid JSON: unexpected end of data at column 8 (the line is cut short)"),
    ),
    (b"[1, 2]\n", SourceRecord(5, None, "expected a JSON object, got an array")),
    (b'{"big": 123456789012345678901234567890}\n', SourceRecord(6, None, BIG_INT, "big")),
    (b'{"s": "\\ud83d"}\n', SourceRecord(7, None, "lone surrogate \\ud83d in a string", "s")),
    (
        b'{"c": "a\x01b"}\n',
        SourceRecord(8, None, "raw control character U+0001 in a string at column 9 (write it as \\u0001)"),
    ),
    (
        b'{"u": "\xff"}\n',
        SourceRecord(
            9, None, "invalid UTF-8: byte 0xff at byte 8 of the line (the file must be saved as UTF-8)"
        ),
    ),
    (
        b'{"n": NaN}\n',
        SourceRecord(10, None, "NaN and Infinity are not valid JSON (write null or quote them)", "n"),
    ),
    (
        b'{"a": 1} {"b": 2}\n',
        SourceRecord(
            11,
            None,
            "invalid JSON: unexpected content after the object at column 10 (two records on one line?)",
        ),
    ),
    (b'{"crlf": "x"}\r\n', SourceRecord(12, {"crlf": "x"})),
    ('{"sep": "a\u2028b\u2029c"}\n'.encode(), SourceRecord(13, {"sep": "a\u2028b\u2029c"})),
    (b'"just a string"\n', SourceRecord(14, None, "expected a JSON object, got a string")),
    (b'{"lo": "\\ude00 x"}\n', SourceRecord(15, None, "lone surrogate \\ude00 in a string", "lo")),
    (b'{"neg": -9223372036854775809}\n', SourceRecord(16, None, BIG_INT, "neg")),
    (b'{"nested": {"deep": [1, 99999999999999999999]}}\n', SourceRecord(17, None, BIG_INT, "nested")),
    (b'\xef\xbb\xbf{"bom": "mid-file"}\n', SourceRecord(18, {"bom": "mid-file"})),
    (
        b'{"key" 1}\n',
        SourceRecord(19, None, "invalid JSON: unexpected character, expected ':' after key at column 8"),
    ),
    (b"\r\n", None),
    (b"null\n", SourceRecord(21, None, "expected a JSON object, got null")),
    (
        b'{"raw": "a\rb"}\n',
        SourceRecord(22, None, "raw control character U+000D in a string at column 11 (write it as \\u000d)"),
    ),
    (b'{"inf": 1e400}\n', SourceRecord(23, None, "number too large for a 64-bit float at column 9")),
    (b'{"last": "no newline"}', SourceRecord(24, {"last": "no newline"})),
]


def test_bad_line_corpus(tmp_path: Path) -> None:
    content = b"".join(line for line, _ in CORPUS)
    expected = [rec for _, rec in CORPUS if rec is not None]
    assert read_bytes(tmp_path, content) == expected


def test_bad_line_corpus_survives_any_chunk_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = b"".join(line for line, _ in CORPUS)
    expected = [rec for _, rec in CORPUS if rec is not None]
    for size in (1, 2, 3, 7, 16, 33, 64):
        monkeypatch.setattr(jsonl_module, "CHUNK_SIZE", size)
        assert read_bytes(tmp_path, content) == expected, size


def test_bom_at_start_is_stripped(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n')
    assert got == [SourceRecord(1, {"a": 1}), SourceRecord(2, {"a": 2})]


def test_only_newline_splits_lines(tmp_path: Path) -> None:
    # U+2028/U+2029 (what str.splitlines() would split on), U+0085 and escaped CRs stay inside values.
    values = ["a\u2028b", "c\u2029d", "e\u0085f", "g\rh", "i\x0bj", "k\x1cl"]
    content = b"".join(orjson.dumps({"v": v}) + b"\n" for v in values)
    got = read_bytes(tmp_path, content)
    assert [r.data for r in got] == [{"v": v} for v in values]
    assert [r.number for r in got] == [1, 2, 3, 4, 5, 6]


def test_crlf_file(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'{"a": "x"}\r\n\r\n{"a": "y"}\r\n')
    assert got == [SourceRecord(1, {"a": "x"}), SourceRecord(3, {"a": "y"})]


def test_blank_lines_count_towards_numbers(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'\n\n  \n{"a": 1}\n\n{"a": 2}\n\n')
    assert [r.number for r in got] == [4, 6]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    assert read_bytes(tmp_path, content) == []


def test_truncated_last_line_is_a_record(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'{"a": 1}\n{"a": 2')
    assert got[0] == SourceRecord(1, {"a": 1})
    assert got[1].number == 2 and got[1].data is None and "unexpected end of data" in (got[1].error or "")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("18446744073709551615", 18446744073709551615),  # largest uint64: fine
        ("-9223372036854775808", -9223372036854775808),  # smallest int64: fine
        ("9999999999999999999", 9999999999999999999),
        ('"123456789012345678901234567890"', "123456789012345678901234567890"),  # quoted: fine
        ("0.00021589696353641052", 0.00021589696353641052),  # many fraction digits: a float
        ("1e30", 1e30),
        ("123456789012345678901234567890.5", 123456789012345678901234567890.5),
        ("-12345678901234567890.0", -12345678901234567890.0),
    ],
)
def test_long_numbers_that_are_fine(tmp_path: Path, text: str, value: object) -> None:
    got = read_bytes(tmp_path, f'{{"v": {text}, "pad": "x"}}\n'.encode())
    assert got == [SourceRecord(1, {"v": value, "pad": "x"})]
    assert type(got[0].data["v"]) is type(value)  # type: ignore[index]


@pytest.mark.parametrize(
    "text",
    ["18446744073709551616", "-9223372036854775809", "123456789012345678901234567890", "-" + "9" * 40],
)
def test_integers_past_64_bits_are_errors(tmp_path: Path, text: str) -> None:
    got = read_bytes(tmp_path, f'{{"id": "x", "v": {text}}}\n{{"id": "y"}}\n'.encode())
    assert got == [SourceRecord(1, None, BIG_INT, "v"), SourceRecord(2, {"id": "y"})]


def test_big_int_found_at_every_chunk_offset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap chunk scan must not miss a number split across chunk boundaries."""
    monkeypatch.setattr(jsonl_module, "CHUNK_SIZE", 64)
    for pad in range(0, 70, 3):
        line = b'{"p": "' + b"x" * pad + b'", "v": 123456789012345678901234}\n'
        content = b'{"a": 1}\n' + line + b'{"b": 2}\n'
        got = read_bytes(tmp_path, content)
        assert got == [
            SourceRecord(1, {"a": 1}),
            SourceRecord(2, None, BIG_INT, "v"),
            SourceRecord(3, {"b": 2}),
        ], pad


def test_lines_longer_than_a_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl_module, "CHUNK_SIZE", 100)
    long = {"text": "长" * 5000 + "\u2028" + "y" * 777}
    content = orjson.dumps(long) + b"\n" + orjson.dumps({"n": 2}) + b"\n" + orjson.dumps(long)
    got = read_bytes(tmp_path, content)
    assert got == [SourceRecord(1, long), SourceRecord(2, {"n": 2}), SourceRecord(3, long)]


_LONG = re.compile(rb"[0-9]{20}|-[0-9]{19}")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([b"0", b"7", b"-", b".", b"x", b'"', b"\n", b"12345", b"9" * 19]), max_size=80)
)
def test_suspect_scan_never_misses_a_long_number(pieces: list[bytes]) -> None:
    chunk = b"".join(pieces)
    found = jsonl_module.suspect_positions(chunk, b"")
    lines_with_runs = {chunk.count(b"\n", 0, run.start()) for run in _LONG.finditer(chunk)}
    assert lines_with_runs <= {chunk.count(b"\n", 0, p) for p in found}


def test_suspect_scan_reports_every_line() -> None:
    chunk = b"12345678901234567890\n12345678901234567890\n-1234567890123456789"
    found = jsonl_module.suspect_positions(chunk, b"")
    assert {chunk.count(b"\n", 0, p) for p in found} == {0, 1, 2}


def test_progress_moves_per_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl_module, "CHUNK_SIZE", 256)
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"i": i, "t": "x" * 50}) + b"\n" for i in range(200)))
    with open_source(path) as source:
        assert (source.total, source.progress) == (path.stat().st_size, 0)
        seen = {source.progress for _ in source}
    assert len(seen) > 10
    assert max(seen) == path.stat().st_size


def test_memory_stays_flat_while_streaming(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    body = "回答 " * 40 + "answer text " * 40
    with open(path, "wb") as f:
        for i in range(200_000):
            f.write(
                b'{"id": %d, "prompt": "question %d", "response": "%s", "score": 0.%d}\n'
                % (i, i, body.encode(), i)
            )
    assert path.stat().st_size > 100_000_000
    tracemalloc.start()
    try:
        count = 0
        with open_source(path) as source:
            for record in source:
                count += record.data is not None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 30 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"

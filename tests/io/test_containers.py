"""Container API, detection, round trips through every container, and the writer life cycle."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path
from typing import Any

import pytest

from assay.io.containers import (
    CONTAINERS,
    ContainerError,
    RecordSource,
    RecordWriter,
    SourceRecord,
    detect_container,
    open_source,
    open_writer,
)

EXTENSION = {
    "jsonl": "jsonl",
    "json": "json",
    "csv": "csv",
    "tsv": "tsv",
    "parquet": "parquet",
    "xlsx": "xlsx",
}

TEXTS = [
    "中文字符与标点，混合 English",
    "emoji 😀👍🏽 and a flag 🇯🇵",
    "line separator\u2028inside, paragraph\u2029too",
    r"LaTeX: \frac{a}{b} + \sqrt{x^2} \\ \textbf{bold} \n not a newline",
    "real newlines\nin\r\nthe cell\rand a lone CR",
    "quotes \"double\" and 'single', commas, tabs\tand semicolons;",
    "  leading and trailing spaces  ",
    "",
]


def write(path: Path, records: list[dict[str, Any]], container: str | None = None, **kwargs: Any) -> Path:
    with open_writer(path, container, **kwargs) as w:
        w.write_many(records)
    return path


def read(path: Path, container: str | None = None, **kwargs: Any) -> list[SourceRecord]:
    with open_source(path, container, **kwargs) as source:
        return list(source)


def data(records: list[SourceRecord]) -> list[dict[str, Any] | None]:
    return [r.data for r in records]


# -- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.jsonlines", "jsonl"),
        ("A.JSONL", "jsonl"),
        ("a.json", "json"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("a.tab", "tsv"),
        ("a.parquet", "parquet"),
        ("a.pq", "parquet"),
        ("a.xlsx", "xlsx"),
    ],
)
def test_detect_by_extension(tmp_path: Path, name: str, expected: str) -> None:
    assert detect_container(tmp_path / name) == expected


def test_detect_unknown_extension_lists_supported(tmp_path: Path) -> None:
    with pytest.raises(ContainerError) as info:
        detect_container(tmp_path / "data.xls")
    message = str(info.value)
    assert "'.xls'" in message
    for ext in (".jsonl", ".json", ".csv", ".tsv", ".parquet", ".xlsx"):
        assert ext in message


def test_json_extension_holding_jsonl_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n')
    assert detect_container(path) == "jsonl"
    with open_source(path) as source:
        assert source.container == "jsonl"
        assert data(list(source)) == [{"a": 1}, {"a": 2}]
    # An explicit "json" still sniffs: the content can only be read one way.
    with open_source(path, "json") as source:
        assert source.container == "jsonl"


@pytest.mark.parametrize(
    "content",
    [
        b'[{"a": 1}]',
        b'\xef\xbb\xbf  \n [\n {"a": 1}\n]',
        b'{\n  "data": [\n    {"a": 1}\n  ]\n}\n',
        b'{"data": [\n{"a": 1},\n{"a": 2}\n]}\n',  # first line alone is not a whole object
        b'{"data": [{"a": 1}]}',
    ],
)
def test_json_extension_holding_json_stays_json(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(content)
    assert detect_container(path) == "json"


def test_containers_constant() -> None:
    assert CONTAINERS == ("jsonl", "json", "csv", "tsv", "parquet", "xlsx")


# -- open_source errors ---------------------------------------------------------------------------


def test_missing_file_is_a_container_error(tmp_path: Path) -> None:
    with pytest.raises(ContainerError, match="no such file"):
        open_source(tmp_path / "missing.jsonl")


def test_unknown_container_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ContainerError, match="unknown container 'txt'"):
        open_source(tmp_path / "a.txt", "txt")


def test_sheet_only_for_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", [{"a": 1}])
    with pytest.raises(ContainerError, match="sheet= only applies to xlsx"):
        open_source(path, sheet="x")


# -- ContainerError -------------------------------------------------------------------------------


def test_container_error_format_and_pickle() -> None:
    e = ContainerError("data.csv", "message", number=12, field="prompt")
    assert str(e) == "data.csv:12: field 'prompt': message"
    assert str(ContainerError("data.csv", "whole file")) == "data.csv: whole file"
    assert str(ContainerError("data.csv", "m", number=3)) == "data.csv:3: m"
    copy = pickle.loads(pickle.dumps(e))
    assert (copy.path, copy.number, copy.field, copy.message) == (Path("data.csv"), 12, "prompt", "message")
    assert str(copy) == str(e)


# -- SourceRecord ---------------------------------------------------------------------------------


def test_source_record_is_frozen_and_compares() -> None:
    r = SourceRecord(3, {"a": 1})
    assert (r.number, r.data, r.error, r.field) == (3, {"a": 1}, None, None)
    assert r == SourceRecord(3, {"a": 1}, None, None)
    assert SourceRecord(1, None, "bad", field="f").field == "f"
    with pytest.raises(AttributeError):
        r.number = 4  # type: ignore[misc]


# -- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("container", CONTAINERS)
def test_unicode_round_trip(tmp_path: Path, container: str) -> None:
    records = [{"id": f"r{i}", "text": text, "note": "第二列 ✓"} for i, text in enumerate(TEXTS)]
    path = write(tmp_path / f"data.{EXTENSION[container]}", records)
    got = read(path)
    assert all(r.error is None for r in got)
    assert data(got) == records


@pytest.mark.parametrize("container", ["jsonl", "json", "parquet"])
def test_typed_round_trip(tmp_path: Path, container: str) -> None:
    records = [
        {"i": 1, "f": 1.5, "b": True, "s": "x", "n": None},
        {"i": -(2**63) + 1, "f": -0.0, "b": False, "s": "", "n": None},
    ]
    got = data(read(write(tmp_path / f"d.{container}", records)))
    assert got == records
    assert [type(v) for v in got[0].values()] == [int, float, bool, str, type(None)]  # type: ignore[union-attr]


def test_json_containers_keep_nesting(tmp_path: Path) -> None:
    records = [{"messages": [{"role": "user", "content": "hi"}], "meta": {"k": [1, 2.5, None, True]}}]
    for ext in ("jsonl", "json"):
        assert data(read(write(tmp_path / f"d.{ext}", records))) == records


@pytest.mark.parametrize("container", ["csv", "tsv", "parquet", "xlsx"])
def test_flat_containers_json_encode_nested_values(tmp_path: Path, container: str) -> None:
    records = [{"messages": [{"role": "user", "content": "中"}], "meta": {"k": 1}}]
    got = data(read(write(tmp_path / f"d.{container}", records)))
    assert got == [{"messages": '[{"role":"user","content":"中"}]', "meta": '{"k":1}'}]


@pytest.mark.parametrize("container", CONTAINERS)
def test_empty_output(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"empty.{container}"
    with open_writer(path, columns=["a", "b"]) as w:
        assert w.count == 0
    if container in ("jsonl", "json", "parquet"):
        assert read(path) == []
    else:
        with open_source(path) as source:  # the header alone
            assert source.columns == ["a", "b"]
            assert list(source) == []


# -- RecordSource behaviour -----------------------------------------------------------------------


def test_source_is_single_pass(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", [{"a": 1}])
    with open_source(path) as source:
        assert isinstance(source, RecordSource)
        assert (source.container, source.location, source.columns) == ("jsonl", "line", None)
        assert len(list(source)) == 1
        with pytest.raises(ContainerError, match="only once"):
            iter(source)


def test_closing_mid_iteration_releases_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [{"a": str(i)} for i in range(10)])
    source = open_source(path)
    it = iter(source)
    next(it)
    source.close()
    with pytest.raises(StopIteration):
        next(it)
    source.close()  # idempotent


@pytest.mark.parametrize(
    ("container", "location"),
    [
        ("jsonl", "line"),
        ("json", "element"),
        ("csv", "line"),
        ("tsv", "line"),
        ("parquet", "row"),
        ("xlsx", "row"),
    ],
)
def test_locations(tmp_path: Path, container: str, location: str) -> None:
    path = write(tmp_path / f"a.{container}", [{"a": "x"}])
    with open_source(path) as source:
        assert source.location == location


@pytest.mark.parametrize(
    ("container", "first_number"),
    [("jsonl", 1), ("json", 1), ("csv", 2), ("tsv", 2), ("parquet", 1), ("xlsx", 2)],
)
def test_numbering_conventions(tmp_path: Path, container: str, first_number: int) -> None:
    path = write(tmp_path / f"a.{container}", [{"a": "x"}, {"a": "y"}])
    assert [r.number for r in read(path)] == [first_number, first_number + 1]


@pytest.mark.parametrize("container", CONTAINERS)
def test_progress_reaches_total(tmp_path: Path, container: str) -> None:
    records = [{"id": i, "text": f"record {i} " * 20} for i in range(3000)]
    path = write(tmp_path / f"p.{container}", records)
    with open_source(path) as source:
        assert source.total is not None and source.total > 0
        assert source.progress == 0
        seen = []
        for i, _ in enumerate(source):
            if i % 500 == 0:
                seen.append(source.progress)
        assert source.progress == source.total
    assert seen == sorted(seen)
    unit_total = path.stat().st_size if container in ("jsonl", "json", "csv", "tsv") else None
    if unit_total is not None:
        assert source.total == unit_total
    elif container == "parquet":
        assert source.total == 3000
    else:
        assert source.total == 3001  # header row + data rows


# -- writer life cycle ----------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("container", CONTAINERS)
def test_writer_abort_leaves_no_file(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"out.{container}"
    with pytest.raises(RuntimeError), open_writer(path) as w:
        w.write({"a": 1})
        raise RuntimeError("boom")
    assert not path.exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("container", CONTAINERS)
def test_writer_abort_keeps_existing_destination(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"out.{container}"
    path.write_bytes(b"previous contents")
    with pytest.raises(RuntimeError), open_writer(path) as w:
        w.write({"a": 1})
        raise RuntimeError("boom")
    assert path.read_bytes() == b"previous contents"
    assert _leftovers(tmp_path) == []


def test_writer_publishes_only_on_close(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    w = open_writer(path)
    assert isinstance(w, RecordWriter)
    w.write({"a": 1})
    w.write_many([{"a": 2}, {"a": 3}])
    assert not path.exists()
    assert w.count == 3
    w.close()
    assert path.exists()
    assert data(read(path)) == [{"a": 1}, {"a": 2}, {"a": 3}]
    w.close()  # idempotent
    with pytest.raises(ContainerError, match="closed"):
        w.write({"a": 4})


def test_failed_write_poisons_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    w = open_writer(path, columns=["a"])
    w.write({"a": 1})
    with pytest.raises(ContainerError, match="not in the columns"):
        w.write({"a": 2, "b": 3})
    with pytest.raises(ContainerError, match="aborted"):
        w.close()
    assert not path.exists()
    assert _leftovers(tmp_path) == []


def test_dropped_writer_removes_its_temp_file(tmp_path: Path) -> None:
    w = open_writer(tmp_path / "out.jsonl")
    w.write({"a": 1})
    del w
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_normal_permissions(tmp_path: Path) -> None:
    import os

    path = write(tmp_path / "out.jsonl", [{"a": 1}])
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_writer_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContainerError, match="does not exist"):
        open_writer(tmp_path / "nope" / "out.jsonl")


def test_writer_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ContainerError, match="unknown container"):
        open_writer(tmp_path / "a.x", "xml")
    with pytest.raises(ContainerError, match="xlsx_overflow"):
        open_writer(tmp_path / "a.xlsx", xlsx_overflow="truncate")  # type: ignore[arg-type]
    with pytest.raises(ContainerError, match="listed twice"):
        open_writer(tmp_path / "a.csv", columns=["a", "a"])
    with pytest.raises(ContainerError, match="must not be empty"):
        open_writer(tmp_path / "a.csv", columns=["a", " "])
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("container", ["csv", "tsv", "parquet", "xlsx", "jsonl", "json"])
def test_columns_order_and_missing_keys(tmp_path: Path, container: str) -> None:
    path = write(tmp_path / f"c.{container}", [{"b": "1", "a": "2"}, {"a": "3"}], columns=["a", "b"])
    got = read(path)
    assert list(got[0].data or {}) == ["a", "b"]
    empty: Any = {"csv": "", "tsv": "", "xlsx": "", "parquet": None}.get(container, "absent")
    second = got[1].data
    assert second is not None
    if empty == "absent":
        assert second == {"a": "3"}
    else:
        assert second == {"a": "3", "b": empty}


@pytest.mark.parametrize("container", ["csv", "tsv", "parquet", "xlsx", "jsonl", "json"])
def test_keys_outside_columns_are_refused(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"c.{container}"
    with pytest.raises(ContainerError) as info, open_writer(path, columns=["a"]) as w:
        w.write({"a": "1"})
        w.write({"a": "2", "extra": "x"})
    assert info.value.number == 2
    assert "'extra'" in info.value.message
    assert not path.exists()


def test_columns_default_to_first_record_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    with pytest.raises(ContainerError, match="pass columns="), open_writer(path) as w:
        w.write({"a": "1"})
        w.write({"a": "2", "late": "x"})


def test_json_writers_refuse_big_ints_and_unknown_types(tmp_path: Path) -> None:
    for ext in ("jsonl", "json"):
        path = tmp_path / f"b.{ext}"
        with pytest.raises(ContainerError) as info, open_writer(path) as w:
            w.write({"ok": 1})
            w.write({"ok": 2, "big": 2**70})
        assert (info.value.number, info.value.field) == (2, "big")
        assert "quote it as a string" in info.value.message
        assert not path.exists()
        with pytest.raises(ContainerError) as info, open_writer(path) as w:
            w.write({"s": {1, 2}})
        assert info.value.field == "s"


def test_jsonl_writer_output_format(tmp_path: Path) -> None:
    path = write(tmp_path / "o.jsonl", [{"t": "中文 😀", 1: "non-str key"}])
    assert path.read_bytes() == '{"t":"中文 😀","1":"non-str key"}\n'.encode()


def test_json_writer_output_format(tmp_path: Path) -> None:
    path = write(tmp_path / "o.json", [{"a": 1}, {"b": "中"}])
    assert path.read_bytes() == '[\n{"a":1},\n{"b":"中"}\n]\n'.encode()
    assert write(tmp_path / "e.json", []).read_bytes() == b"[\n]\n"


def test_writer_accepts_any_mapping(tmp_path: Path) -> None:
    from types import MappingProxyType

    for ext in ("jsonl", "csv", "parquet", "xlsx", "json"):
        path = write(tmp_path / f"m.{ext}", [MappingProxyType({"a": "x"})])  # type: ignore[list-item]
        assert data(read(path)) == [{"a": "x"}]


def test_buffered_rows_are_copied(tmp_path: Path) -> None:
    # A caller reusing one dict must not see every buffered row turn into the last one.
    for ext in ("parquet", "xlsx", "csv", "jsonl"):
        path = tmp_path / f"reuse.{ext}"
        row: dict[str, Any] = {}
        with open_writer(path, columns=["a", "nested"]) as w:
            for i in range(3):
                row["a"] = str(i)
                row["nested"] = [i]
                w.write(row)
        got = data(read(path))
        assert [r["a"] for r in got if r] == ["0", "1", "2"]


@pytest.mark.parametrize("container", ["csv", "tsv", "parquet", "jsonl", "json"])
def test_lone_surrogates_are_refused_by_writers(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"s.{container}"
    with pytest.raises(ContainerError) as info, open_writer(path) as w:
        w.write({"a": "fine", "b": "ok"})
        w.write({"a": "fine", "b": "bad \ud83d"})
    assert (info.value.number, info.value.field) == (2, "b")
    assert "lone surrogate" in info.value.message
    assert not path.exists()

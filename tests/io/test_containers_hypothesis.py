"""Property tests: random string records survive every container exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.io.containers import CONTAINERS, open_source, open_writer

# Any text Python can encode as UTF-8 (no surrogates). xlsx additionally cannot hold U+FFFE/U+FFFF,
# which its writer refuses loudly (tested in test_containers_xlsx.py).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
XLSX_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff"), max_size=40
)
# Column names: anything with a visible character (blank names are refused by the tabular formats).
NAME = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")


@st.composite
def tables(draw: st.DrawFn, text: st.SearchStrategy[str]) -> tuple[list[str], list[dict[str, str]]]:
    columns = draw(st.lists(NAME, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.tuples(*[text for _ in columns]), max_size=8))
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    # Tabular readers skip rows whose cells are all empty (what spreadsheets leave behind).
    records = [r for r in records if any(v != "" for v in r.values())]
    return columns, records


def round_trip(
    container: str, columns: list[str], records: list[dict[str, Any]]
) -> list[dict[str, Any] | None]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"data.{container}"
        with open_writer(path, columns=columns) as w:
            w.write_many(records)
        with open_source(path) as source:
            got = list(source)
    assert all(r.error is None for r in got), [r.error for r in got if r.error]
    return [r.data for r in got]


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(table=tables(TEXT))
def test_text_records_round_trip_jsonl_json_csv_tsv_parquet(
    table: tuple[list[str], list[dict[str, str]]],
) -> None:
    columns, records = table
    for container in CONTAINERS:
        if container != "xlsx":
            assert round_trip(container, columns, records) == records, container


@PROPERTY
@given(table=tables(XLSX_TEXT))
def test_text_records_round_trip_xlsx(table: tuple[list[str], list[dict[str, str]]]) -> None:
    columns, records = table
    assert round_trip("xlsx", columns, records) == records


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


@PROPERTY
@given(records=st.lists(st.dictionaries(TEXT, JSON_VALUES, max_size=5), max_size=6))
def test_nested_json_records_round_trip(records: list[dict[str, Any]]) -> None:
    for container in ("jsonl", "json"):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"data.{container}"
            with open_writer(path) as w:
                w.write_many(records)
            with open_source(path) as source:
                assert [r.data for r in source] == records, container

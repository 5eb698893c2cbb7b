"""What every prep step works on: `PrepRecord`s read from a file (any container and schema Assay
imports) or from a stored project, kept with where each came from so a report can point at it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assay.io.containers import SourceRecord, open_source
from assay.io.schemas import RecordError, RecordSchema, detect_schema, get_schema
from assay.io.schemas._common import get_path

TextPart = Literal["prompt", "response", "all"]
TEXT_PARTS: tuple[str, ...] = ("prompt", "response", "all")
ProgressFn = Callable[[int, int | None], None]
_DETECT_SAMPLE = 20
_SHOW_ISSUES = 20
# Fields a record carries outside its metadata; everything else is looked up in metadata, then raw.
_OWN_FIELDS = ("id", "prompt", "reference", "domain", "subdomain", "language", "priority")


@dataclass(slots=True)
class PrepRecord:
    """One item: its prompt and responses as plain text, the fields steps group and filter by."""

    number: int
    """Where it is: line, row or element number in a file; the item's id in a project."""
    prompt: str
    responses: list[str] = field(default_factory=list)
    id: str | None = None
    """External id, if the source had one."""
    reference: str | None = None
    domain: str | None = None
    subdomain: str | None = None
    language: str | None = None
    meta: dict[str, Any] | None = None
    raw: dict[str, Any] | None = None
    """The record as read from a file (for writing filtered copies); None for a project."""
    response_ids: list[int] | None = None
    """Database ids of the responses (project records only), in the order of `responses`."""
    priority: int | None = None
    """The item's queue priority (project records only)."""

    def text(self, part: TextPart = "prompt") -> str:
        if part == "prompt":
            return self.prompt
        if part == "response":
            return "\n\n".join(self.responses)
        return "\n\n".join([self.prompt, *self.responses]) if self.responses else self.prompt

    def get(self, name: str) -> Any:
        """A field by name: the record's own fields first, then a dotted path into metadata, then raw."""
        if name in _OWN_FIELDS:
            own = getattr(self, name)
            if own is not None:
                return own
        for source in (self.meta, self.raw):
            if source:
                value = get_path(source, name)
                if value is not None:
                    return value
        return None


@dataclass
class RecordSet:
    """Records and their origin: a file path or `project SLUG`."""

    origin: str
    location: str
    """The unit of `PrepRecord.number`: line, row, element or item."""
    records: list[PrepRecord]
    container: str | None = None
    schema: str | None = None

    def where(self, index: int) -> str:
        return f"{self.origin}:{self.location} {self.records[index].number}"

    def texts(self, part: TextPart = "prompt") -> list[str]:
        return [r.text(part) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class InputIssue:
    number: int
    field: str | None
    message: str


class PrepInputError(ValueError):
    """Records that could not be read; nothing was computed or written."""

    def __init__(self, path: str, location: str, issues: Sequence[InputIssue], total: int | None = None) -> None:
        self.path, self.location, self.issues = path, location, list(issues)
        lines = [
            f"{path}:{location} {i.number}: " + (f"field '{i.field}': " if i.field else "") + i.message
            for i in self.issues[:_SHOW_ISSUES]
        ]
        more = (total or len(self.issues)) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__("\n".join(lines))


def from_texts(texts: Sequence[str], *, origin: str = "texts") -> RecordSet:
    """Plain strings as records numbered from 1 (for the SDK and tests)."""
    return RecordSet(origin, "record", [PrepRecord(i + 1, t) for i, t in enumerate(texts)])


def read_file(
    path: str | Path,
    *,
    container: str | None = None,
    schema: str | None = None,
    text_field: str | None = None,
    sheet: str | None = None,
    progress: ProgressFn | None = None,
) -> RecordSet:
    """Read every record of `path`. With `text_field` (a dotted path) the prompt is that field and the
    record's other fields are reachable by name; otherwise the record schema is detected (or named)
    as `assay import` does. Any unreadable record raises PrepInputError naming line and field."""
    path = Path(path)
    with open_source(path, container, sheet=sheet) as source:
        head: list[SourceRecord] = []
        rest = iter(source)
        for rec in rest:
            head.append(rec)
            if sum(r.data is not None for r in head) >= _DETECT_SAMPLE:
                break
        chosen: RecordSchema | None = None
        if text_field is None:
            chosen = get_schema(schema) if schema else detect_schema([r.data for r in head if r.data is not None])
            if chosen.produces != "items":
                raise PrepInputError(str(path), source.location, [InputIssue(
                    head[0].number if head else 0, None,
                    f"records are {chosen.produces}; prep reads prompts and responses (name the text with --field)",
                )])
        records: list[PrepRecord] = []
        issues: list[InputIssue] = []
        bad = 0
        for n, rec in enumerate(itertools.chain(head, rest), 1):
            try:
                if rec.data is None:
                    raise RecordError(rec.field, rec.error or "unreadable record")
                records.append(_from_field(rec, text_field) if text_field else _from_schema(rec, chosen))
            except RecordError as e:
                bad += 1
                if len(issues) < 1000:
                    issues.append(InputIssue(rec.number, e.field, e.message))
            if progress and n % 5000 == 0:
                progress(source.progress, source.total)
        if progress:
            progress(source.total or source.progress, source.total)
        if issues:
            raise PrepInputError(str(path), source.location, issues, bad)
        return RecordSet(str(path), source.location, records, source.container, chosen.name if chosen else None)


def _from_field(rec: SourceRecord, text_field: str) -> PrepRecord:
    data = rec.data or {}
    value = get_path(data, text_field)
    text = flatten_text(value, text_field)
    if text is None:
        raise RecordError(text_field, "is missing" if value is None else f"expected text, got {type(value).__name__}")
    rid = next((str(data[k]) for k in ("id", "external_id", "uid", "item_id") if data.get(k) not in (None, "")), None)
    lang, dom = data.get("language"), data.get("domain")
    return PrepRecord(
        rec.number, text, id=rid, raw=data,
        language=lang if isinstance(lang, str) else None, domain=dom if isinstance(dom, str) else None,
    )


def _from_schema(rec: SourceRecord, schema: RecordSchema | None) -> PrepRecord:
    assert schema is not None and rec.data is not None
    item = schema.parse(rec.data)
    prompt = item.prompt if item.prompt is not None else messages_text(item.messages or [])
    return PrepRecord(
        rec.number, prompt, [r.content for r in item.responses], id=item.external_id,
        reference=item.reference, domain=item.domain, subdomain=item.subdomain, language=item.language,
        meta=item.metadata, raw=rec.data,
    )


def messages_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The visible conversation of a chat prompt: message contents, system prompts left out (a
    shared system prompt would make every record look alike)."""
    return "\n".join(str(m.get("content") or "") for m in messages if m.get("role") != "system")


def flatten_text(value: Any, field_name: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(m, Mapping) for m in value):
        return messages_text(value)
    if value is None:
        return None
    raise RecordError(field_name, f"expected text, got {type(value).__name__}")


def iter_chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]

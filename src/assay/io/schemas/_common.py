"""Field access shared by every record schema.

Tabular containers (CSV, XLSX) deliver every value as a string, so a field that should hold a list or
an object may arrive JSON-encoded; `as_list` / `as_dict` decode it. Empty strings count as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from assay.io.schemas._records import ItemRecord, RecordError

# Keys every item schema understands besides its own, and where they go.
ID_KEYS = ("id", "external_id", "uid", "item_id")
STANDARD_KEYS = {
    "id",
    "external_id",
    "uid",
    "item_id",
    "system",
    "reference",
    "domain",
    "subdomain",
    "language",
    "metadata",
    "gold",
}
# Columns our own wide export adds that carry no item data of their own.
EXPORT_ONLY_KEYS = {"judgements", "content_hash", "assay_item_id", "created_at"}


def missing(value: Any) -> bool:
    if value is None:
        return True
    # isspace() instead of strip(): no copy of long response texts on the hot path.
    return type(value) is str and (not value or value.isspace())


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """Value at a dotted path; a literal key with dots (a CSV header like `meta.model`) wins."""
    if path in record:
        return record[path]
    node: Any = record
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def as_text(value: Any, field: str, *, required: bool = False) -> str | None:
    if type(value) is str and value and not value.isspace():
        return value
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise RecordError(field, f"expected text, got {str(value).lower()}")
    if isinstance(value, int | float):
        # Numeric ids and answers arrive as numbers from JSON, Parquet and Excel.
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    raise RecordError(field, f"expected text, got {type_name(value)}")


def as_list(value: Any, field: str) -> list[Any] | None:
    if missing(value):
        return None
    if isinstance(value, str) and value.lstrip().startswith("["):
        value = _decode(value, field)
    if not isinstance(value, list):
        raise RecordError(field, f"expected a list, got {type_name(value)}")
    return value


def as_dict(value: Any, field: str) -> dict[str, Any] | None:
    if missing(value):
        return None
    if isinstance(value, str) and value.lstrip().startswith("{"):
        value = _decode(value, field)
    if not isinstance(value, dict):
        raise RecordError(field, f"expected an object, got {type_name(value)}")
    return value


def _decode(text: str, field: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise RecordError(field, f"looks like JSON but does not parse: {e}") from None


def type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def external_id(record: Mapping[str, Any]) -> str | None:
    for key in ID_KEYS:
        if key in record and not missing(record[key]):
            return as_text(record[key], key)
    return None


def not_metadata(consumed: Iterable[str]) -> frozenset[str]:
    """The keys a schema reads itself; everything else in a record is kept as metadata."""
    return frozenset(STANDARD_KEYS | EXPORT_ONLY_KEYS | set(consumed))


def fill_standard(item: ItemRecord, record: Mapping[str, Any], skip: frozenset[str]) -> ItemRecord:
    """Set the fields every schema shares and keep what is left over as metadata, so nothing is lost.
    `skip` comes from `not_metadata`, computed once per schema."""
    item.external_id = external_id(record)
    if item.system is None:
        item.system = as_text(record.get("system"), "system")
    item.reference = as_text(record.get("reference"), "reference")
    item.domain = as_text(record.get("domain"), "domain")
    item.subdomain = as_text(record.get("subdomain"), "subdomain")
    item.language = as_text(record.get("language"), "language")
    item.gold = as_dict(record.get("gold"), "gold")
    meta = as_dict(record.get("metadata"), "metadata")
    extra = {k: v for k, v in record.items() if k not in skip and not missing(v)}
    if extra:
        meta = {**(meta or {}), **extra}
    item.metadata = meta or None
    return item


def message_text(content: Any, field: str) -> str:
    """Text of an OpenAI message `content`: a string, or a list of parts of which the text parts count."""
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    if isinstance(content, list):
        texts = []
        for i, part in enumerate(content):
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                kind = part.get("type") if isinstance(part, dict) else type_name(part)
                raise RecordError(f"{field}[{i}]", f"only text content parts are supported, got {kind!r}")
        return "\n".join(texts)
    raise RecordError(field, f"expected text or a list of content parts, got {type_name(content)}")


def split_prompt(messages: list[dict[str, Any]], item: ItemRecord) -> None:
    """Store a chat prompt: a leading system message becomes `system`; one user turn becomes `prompt`."""
    if messages and messages[0].get("role") == "system":
        item.system = messages[0].get("content") or None
        messages = messages[1:]
    if len(messages) == 1 and messages[0].get("role") == "user" and set(messages[0]) <= {"role", "content"}:
        item.prompt = messages[0].get("content") or ""
    elif messages:
        item.messages = messages
    else:
        raise RecordError("messages", "has no user turn before the response")

"""Field access shared by every record schema.

Tabular containers (CSV, XLSX) deliver every value as a string, so a field that should hold a list or
an object may arrive JSON-encoded; `as_list` / `as_dict` decode it. Empty strings count as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The field readers are the training formats' (one set for every schema, imported or converted).
from assay.formats._fields import as_dict, as_list, missing, type_name
from assay.formats._fields import text as as_text
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


__all__ = [
    "as_dict", "as_list", "as_text", "external_id", "fill_standard", "get_path", "missing", "not_metadata",
    "split_prompt", "type_name",
]

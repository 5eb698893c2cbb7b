"""PII detection and redaction: e-mail, phone, IP, payment card, API key, Chinese resident ID, US SSN.

Regexes find candidates; checksums and shape rules (see `_pii_checks`) reject look-alikes. Where
two detectors claim overlapping text the earlier one in `PII_TYPES` wins (a card number is not also a
phone number). Reports never contain a detected value: samples show the context with the value
replaced by its placeholder.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from assay.prep._pii_checks import card_ok, cn_id_ok, entropy_bits, ssn_ok
from assay.prep._records import ProgressFn, RecordSet, TextPart

PLACEHOLDERS: dict[str, str] = {
    "email": "[EMAIL]",
    "api_key": "[API_KEY]",
    "cn_resident_id": "[CN_ID]",
    "card": "[CARD]",
    "us_ssn": "[SSN]",
    "ipv4": "[IP]",
    "ipv6": "[IP]",
    "phone": "[PHONE]",
}
PII_TYPES: tuple[str, ...] = tuple(PLACEHOLDERS)
"""Detector order, which is also the priority when matches overlap."""

_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_KEY_PREFIXES = re.compile(
    r"(?<![\w-])(?:"
    r"sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic
    r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"  # GitHub
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google
    r"|hf_[A-Za-z0-9]{30,}"  # Hugging Face
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r")(?![\w-])"
)
# A key-like label, then a value: only the value (group 1) is the secret, and only if it looks random.
_LABELLED = re.compile(
    r"(?i)\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?key(?:[_-]?id)?"
    r"|auth[_-]?token|access[_-]?token|bearer|token|password|passwd|private[_-]?key)\b[\"']?\s*[:=]?\s*[\"']?"
    r"([A-Za-z0-9_\-+/=.~]{16,})"
)
_CN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\d|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_CN_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_INTL_PHONE = re.compile(r"(?<![\w+])\+[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")
_NANP_PHONE = re.compile(r"(?<![\w(])(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)")


@dataclass(frozen=True, slots=True)
class PiiMatch:
    type: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.type]


def _email(text: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(text):
        yield m.span()


def _api_key(text: str) -> Iterator[tuple[int, int]]:
    for m in _KEY_PREFIXES.finditer(text):
        yield m.span()
    for m in _LABELLED.finditer(text):
        value = m.group(1)
        classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value)))
        if entropy_bits(value) >= 3.5 and classes >= 2:
            yield m.span(1)


def _cn_id(text: str) -> Iterator[tuple[int, int]]:
    for m in _CN_ID.finditer(text):
        if cn_id_ok(m.group()):
            yield m.span()


def _card(text: str) -> Iterator[tuple[int, int]]:
    for m in _CARD.finditer(text):
        if card_ok(re.sub(r"[ -]", "", m.group())):
            yield m.span()


def _ssn(text: str) -> Iterator[tuple[int, int]]:
    for m in _SSN.finditer(text):
        if ssn_ok(*m.groups()):
            yield m.span()


def _ipv4(text: str) -> Iterator[tuple[int, int]]:
    for m in _IPV4.finditer(text):
        yield m.span()


def _ipv6(text: str) -> Iterator[tuple[int, int]]:
    for m in _IPV6.finditer(text):
        value = m.group()
        if sum(1 for group in value.split(":") if group) < 3:
            continue  # "::1" or "a::b" (C++ scopes, ratios) are not addresses that identify anyone
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            continue
        yield m.span()


def _phone(text: str) -> Iterator[tuple[int, int]]:
    for rx in (_CN_MOBILE, _INTL_PHONE, _NANP_PHONE):
        for m in rx.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if 8 <= digits <= 15:  # E.164 numbers have at most 15 digits
                yield m.span()


_DETECTORS: dict[str, Callable[[str], Iterator[tuple[int, int]]]] = {
    "email": _email,
    "api_key": _api_key,
    "cn_resident_id": _cn_id,
    "card": _card,
    "us_ssn": _ssn,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "phone": _phone,
}


def find_pii(text: str, types: tuple[str, ...] = PII_TYPES) -> list[PiiMatch]:
    """Non-overlapping PII matches in text order; on overlap the higher-priority type wins."""
    taken: list[PiiMatch] = []
    for kind in PII_TYPES:
        if kind not in types:
            continue
        for start, end in _DETECTORS[kind](text):
            if all(end <= t.start or start >= t.end for t in taken):
                taken.append(PiiMatch(kind, start, end))
    return sorted(taken, key=lambda m: m.start)


def redact(text: str, matches: list[PiiMatch] | None = None) -> str:
    """`text` with every PII match replaced by its typed placeholder ([EMAIL], [PHONE], ...)."""
    found = find_pii(text) if matches is None else matches
    out, last = [], 0
    for m in found:
        out.append(text[last : m.start])
        out.append(m.placeholder)
        last = m.end
    out.append(text[last:])
    return "".join(out)


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists), leaving other values as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class PiiSample(_Model):
    where: str
    """File and line (or project and item) of the record."""
    context: str
    """Text around the match, with every PII value in it replaced by its placeholder."""


class PiiFinding(_Model):
    index: int
    """Position of the record in the record set."""
    where: str
    id: str | None
    type: str
    start: int
    """Character offset of the match in the scanned text (prompt, then responses, joined by blank lines)."""
    end: int
    context: str
    """Redacted context, as in the samples."""


class PiiReport(_Model):
    origin: str
    records: int
    records_with_pii: int
    counts: dict[str, int]
    """Matches per PII type (every type present, zero when none)."""
    samples: dict[str, list[PiiSample]]
    """A few redacted examples per type found."""
    findings: list[PiiFinding]
    """Every match, redacted (for the JSONL/CSV report)."""


def _context(text: str, match: PiiMatch, matches: list[PiiMatch], width: int = 40) -> str:
    lo, hi = max(0, match.start - width), min(len(text), match.end + width)
    inside = [m for m in matches if m.start < hi and m.end > lo]
    # widen to whole matches so a value is never cut in half and shown partly
    lo = min([lo, *(m.start for m in inside)])
    hi = max([hi, *(m.end for m in inside)])
    snippet = redact(text[lo:hi], [PiiMatch(m.type, m.start - lo, m.end - lo) for m in inside])
    return ("…" if lo else "") + " ".join(snippet.split()) + ("…" if hi < len(text) else "")


def scan_pii(records: RecordSet, *, text: TextPart = "all", samples: int = 3,
             progress: ProgressFn | None = None) -> PiiReport:
    counts = dict.fromkeys(PII_TYPES, 0)
    shown: dict[str, list[PiiSample]] = {}
    findings: list[PiiFinding] = []
    with_pii = 0
    for i, rec in enumerate(records.records):
        body = rec.text(text)
        matches = find_pii(body)
        if matches:
            with_pii += 1
        for m in matches:
            counts[m.type] += 1
            ctx = _context(body, m, matches)
            findings.append(PiiFinding(index=i, where=records.where(i), id=rec.id, type=m.type,
                                       start=m.start, end=m.end, context=ctx))
            bucket = shown.setdefault(m.type, [])
            if len(bucket) < samples:
                bucket.append(PiiSample(where=records.where(i), context=ctx))
        if progress and i % 2000 == 0:
            progress(i, len(records))
    if progress:
        progress(len(records), len(records))
    return PiiReport(origin=records.origin, records=len(records), records_with_pii=with_pii, counts=counts,
                     samples=shown, findings=findings)

"""Preparation as a step of `assay import`: each item is checked on its way in, before it is stored.

    assay import stem-rubric responses.jsonl --redact-pii --detect-language --drop-duplicates --check-math

- redact PII: prompts, system prompts, messages, references and responses get typed placeholders
  ([EMAIL], [PHONE], …) before anything is written; the counts per type go in the import report.
- detect language: items that name no language get the detected one (offline model).
- drop duplicates: an item whose normalised prompt (case, width and spacing folded) equals an earlier
  one's in the same file is left out and counted (exact re-imports are already idempotent).
- check maths: each response's final answer against the item's reference with math-verify, stored on
  the response as `metadata["checks"]["math_answer"]`, as `assay prep check-math` does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assay.io.schemas import ItemRecord
from assay.prep._dedup import exact_key
from assay.prep._lang import detect_language
from assay.prep._mathcheck import CHECK_KEY, check_answer
from assay.prep._pii import find_pii, redact


@dataclass
class ImportPrep:
    """The steps to apply (callable on each item; None leaves the item out) and what they did."""

    redact_pii: bool = False
    detect_language: bool = False
    drop_duplicates: bool = False
    check_math: bool = False
    pii: Counter[str] = field(default_factory=Counter)
    """PII matches replaced, by type."""
    languages: Counter[str] = field(default_factory=Counter)
    """Languages filled in, by language."""
    dropped: int = 0
    """Items left out as duplicates of an earlier item of the file."""
    math: Counter[str] = field(default_factory=Counter)
    """Maths checks stored, by status."""
    _seen: set[bytes] = field(default_factory=set, repr=False)

    @property
    def active(self) -> bool:
        return self.redact_pii or self.detect_language or self.drop_duplicates or self.check_math

    def __call__(self, item: ItemRecord) -> ItemRecord | None:
        if self.drop_duplicates:
            key = exact_key(_prompt_text(item))
            if key in self._seen:
                self.dropped += 1
                return None
            self._seen.add(key)
        if self.redact_pii:
            item.prompt = self._redact(item.prompt)
            item.system = self._redact(item.system)
            item.reference = self._redact(item.reference)
            if item.messages:
                item.messages = [{**m, "content": self._redact_content(m.get("content"))} for m in item.messages]
            for r in item.responses:
                r.content = self._redact(r.content) or ""
        if self.detect_language and not item.language:
            text = _prompt_text(item)
            if text.strip():
                guess = detect_language(text)
                if guess.language != "und":
                    item.language = guess.language
                    self.languages[guess.language] += 1
        if self.check_math:
            for r in item.responses:
                result = check_answer(r.content, item.reference)
                r.metadata = {**(r.metadata or {})}
                r.metadata.setdefault("checks", {})[CHECK_KEY] = result.model_dump(mode="json")
                self.math[result.status] += 1
        return item

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.redact_pii:
            out["pii_redacted"] = dict(self.pii)
        if self.detect_language:
            out["languages_detected"] = dict(self.languages)
        if self.drop_duplicates:
            out["duplicates_dropped"] = self.dropped
        if self.check_math:
            out["math_checks"] = dict(self.math)
        return out

    def _redact(self, text: str | None) -> str | None:
        if not text:
            return text
        found = find_pii(text)
        if not found:
            return text
        self.pii.update(m.type for m in found)
        return redact(text, found)

    def _redact_content(self, content: Any) -> Any:
        if isinstance(content, str):
            return self._redact(content)
        if isinstance(content, list):
            return [{**p, "text": self._redact(p.get("text"))} if isinstance(p, dict) and isinstance(p.get("text"), str)
                    else p for p in content]
        return content


def _prompt_text(item: ItemRecord) -> str:
    if item.prompt:
        return item.prompt
    parts = []
    for m in item.messages or []:
        content = m.get("content")
        if isinstance(content, str):
            parts.append(content)
    return "\n".join(parts)

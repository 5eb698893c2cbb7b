"""Maths answer checking: the final answer of a response against the item's reference, with math-verify.

The final answer is taken, in this order, from the last \\boxed{…} (or \\fbox{…}), else the last
"Answer: …" / "Final answer is …" / "答案：…" line, else the last number in the text. math-verify then
parses both sides (LaTeX or plain expressions, into SymPy) and compares them: numerically within
rounding, symbolically, as sets, intervals or matrices. Results are stored under
`metadata["checks"]["math_answer"]` of each response (see `CHECK_KEY`).
"""

from __future__ import annotations

import re
import threading
from importlib import metadata as _pkg
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assay.prep._records import ProgressFn, RecordSet

CHECK_KEY = "math_answer"
"""Key under each response's metadata["checks"] where a project's results are stored."""
Status = Literal["correct", "incorrect", "unparseable", "no_reference"]
STATUSES: tuple[str, ...] = ("correct", "incorrect", "unparseable", "no_reference")

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_ANSWER_LINE = re.compile(
    r"(?im)(?:final\s+answer|answer|最终答案|答案)\s*(?:is|:|：|为|是|=)\s*[:：]?\s*(.+?)\s*$"
)
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*/\s*\d+)?")


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class MathCheck(_Model):
    status: Status
    """correct / incorrect; unparseable when no final answer could be found or parsed in the response;
    no_reference when the item has no reference answer (or it does not parse)."""
    extracted: str | None
    """The final answer found in the response, as written."""
    method: str | None
    """Where it was found: boxed, answer_line or last_number."""
    reference: str | None
    """The reference answer compared against."""


def final_answer(text: str) -> tuple[str, str] | None:
    """(answer text, method) of the response's final answer, or None."""
    boxed = _last_boxed(text)
    if boxed is not None and boxed.strip():
        return boxed.strip(), "boxed"
    lines = _ANSWER_LINE.findall(text)
    if lines:
        answer = lines[-1].strip().rstrip("。.").strip()
        if answer:
            return answer, "answer_line"
    numbers = _NUMBER.findall(text)
    if numbers:
        return numbers[-1].replace(",", ""), "last_number"
    return None


def _last_boxed(text: str) -> str | None:
    starts = [m.end() for m in _BOXED.finditer(text)]
    if not starts:
        return None
    start = starts[-1]
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
    return None


def _parse(answer: str) -> list[Any]:
    from math_verify import parse

    # math-verify times out with SIGALRM, which only the main thread may set
    timeout = 5 if threading.current_thread() is threading.main_thread() else None
    wrapped = answer if ("$" in answer or "\\(" in answer or "\\[" in answer) else f"${answer}$"
    parsed: list[Any] = parse(wrapped, parsing_timeout=timeout)
    if not parsed:
        parsed = parse(answer, parsing_timeout=timeout)
    return parsed


def check_answer(response: str, reference: str | None) -> MathCheck:
    """Compare the final answer of `response` with `reference`."""
    from math_verify import verify

    found = final_answer(response)
    extracted, method = found if found else (None, None)
    ref = reference.strip() if reference else None
    if not ref:
        return MathCheck(status="no_reference", extracted=extracted, method=method, reference=reference)
    ref_answer = final_answer(ref) if _BOXED.search(ref) else (ref, "reference")
    gold = _parse(ref_answer[0]) if ref_answer else []
    if not gold:
        return MathCheck(status="no_reference", extracted=extracted, method=method, reference=reference)
    if extracted is None:
        return MathCheck(status="unparseable", extracted=None, method=None, reference=reference)
    pred = _parse(extracted)
    if not pred:
        return MathCheck(status="unparseable", extracted=extracted, method=method, reference=reference)
    timeout = 5 if threading.current_thread() is threading.main_thread() else None
    ok = bool(verify(gold, pred, timeout_seconds=timeout))
    return MathCheck(status="correct" if ok else "incorrect", extracted=extracted, method=method, reference=reference)


def checker_version() -> str:
    try:
        return f"math-verify {_pkg.version('math-verify')}"
    except _pkg.PackageNotFoundError:
        return "math-verify"


class MathCheckRow(_Model):
    index: int
    where: str
    id: str | None
    response: int
    """1-based position of the response within its item."""
    response_id: int | None
    """Database id of the response (project records only)."""
    status: Status
    extracted: str | None
    method: str | None


class MathCheckReport(_Model):
    origin: str
    records: int
    responses: int
    checker: str
    counts: dict[str, int]
    """Responses per status."""
    rows: list[MathCheckRow]

    def stored_values(self) -> dict[int, dict[str, Any]]:
        """What a project stores per response id under metadata["checks"]["math_answer"]."""
        return {
            r.response_id: {"status": r.status, "extracted": r.extracted, "method": r.method, "checker": self.checker}
            for r in self.rows if r.response_id is not None
        }


def check_math(records: RecordSet, *, reference_field: str | None = None,
               progress: ProgressFn | None = None) -> MathCheckReport:
    """Check every response of every record against the record's reference (or `reference_field`)."""
    try:
        import math_verify  # noqa: F401
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise RuntimeError("maths answer checking needs math-verify: pip install math-verify") from e
    rows: list[MathCheckRow] = []
    counts = dict.fromkeys(STATUSES, 0)
    for i, rec in enumerate(records.records):
        ref_value = rec.get(reference_field) if reference_field else rec.reference
        reference = None if ref_value is None else str(ref_value)
        for pos, content in enumerate(rec.responses):
            result = check_answer(content, reference)
            counts[result.status] += 1
            rid = rec.response_ids[pos] if rec.response_ids else None
            rows.append(MathCheckRow(index=i, where=records.where(i), id=rec.id, response=pos + 1, response_id=rid,
                                     status=result.status, extracted=result.extracted, method=result.method))
        if progress and i % 200 == 0:
            progress(i, len(records))
    if progress:
        progress(len(records), len(records))
    return MathCheckReport(origin=records.origin, records=len(records), responses=len(rows),
                           checker=checker_version(), counts=counts, rows=rows)

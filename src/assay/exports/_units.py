"""Units of one question (an item, or an item × response) and the filters that judge them.

A unit's reference answer is its consensus (``per="consensus"``, and for the confidence and
agreement of ``per="judgement"``) or the mean of its ratings (``per="mean"``). Confidence is the
consensus table's; for a mean it is computed as the consensus engine computes it for mean ratings,
``1 − 2·sd / (max − min)`` of the scale (sd with denominator n; None for a single rating).
Agreement is the share of the unit's kept answers that agree with the reference: the same label,
or for ratings within half a scale point.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assay.spec import Question, QuestionKind

from ._errors import ExportError
from ._load import ADJUDICATED, Agreed, ProjectLabels, Vote
from ._options import Filters, Per

UnitKey = tuple[int, int]
"""(item id, response id; 0 for item-level questions)."""


def label(q: Question, value: Any) -> Any:
    """The comparable part of a stored answer: a compare's winner, a rating as a float, else the value."""
    if value is None:
        return None
    if q.kind == QuestionKind.COMPARE:
        winner = value.get("winner") if isinstance(value, Mapping) else value
        return winner if isinstance(winner, str) else None
    if q.kind == QuestionKind.RATING:
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None
    return value


def by_unit(votes: Iterable[Vote]) -> dict[UnitKey, list[Vote]]:
    out: dict[UnitKey, list[Vote]] = defaultdict(list)
    for v in votes:
        out[(v.item, v.response)].append(v)
    return out


@dataclass(frozen=True)
class Judged:
    """A unit with its reference answer and whether it passed the unit filters."""

    key: UnitKey
    votes: list[Vote]
    reference: Any
    """The consensus label, or the mean rating; None when the unit has none."""
    confidence: float | None
    agreement: float | None
    agreed: Agreed | None


class UnitJudge:
    """Applies ``min_confidence`` and ``min_agreement`` (and the consensus rules) to one question's units."""

    def __init__(self, labels: ProjectLabels, q: Question, per: Per, *, option: str, measure: bool = False) -> None:
        """``measure``: compute every unit's agreement even when no filter asks (for the ratings table)."""
        self.labels = labels
        self.q = q
        self.per = per
        self.filters: Filters = labels.filters
        self.measure = measure or self.filters.min_agreement is not None
        needs = per == "consensus" or (per == "judgement" and self._unit_filters)
        self.consensus: dict[UnitKey, Agreed] = labels.consensus(q) if needs else {}
        if needs and not self.consensus:
            why = ("--per consensus reads it" if per == "consensus"
                   else "--min-confidence and --min-agreement of --per judgement compare with it")
            raise ExportError(
                f"{option}: question {q.key!r} has no consensus yet ({why}); run `assay quality consensus "
                f"{labels.slug}` first, or export {'--per judgement' if per == 'consensus' else 'without these filters'}")

    @property
    def passthrough(self) -> bool:
        """Per judgement with no unit filter: every vote stands on its own (no grouping needed)."""
        return self.per == "judgement" and not self._unit_filters

    @property
    def _unit_filters(self) -> bool:
        return self.filters.min_confidence is not None or self.filters.min_agreement is not None

    def judge(self, key: UnitKey, votes: list[Vote]) -> Judged | None:
        """The unit with its reference, or None when it does not pass."""
        agreed = self.consensus.get(key)
        if self.per == "mean":
            numbers = [x for x in (label(self.q, v.value) for v in votes) if x is not None]
            if not numbers:
                return None
            reference: Any = sum(numbers) / len(numbers)
            confidence = self._mean_confidence(numbers)
        elif self.per == "consensus":
            if agreed is None or label(self.q, agreed.value) is None:
                return None
            if not votes and not self._adjudicated_counts(agreed):
                return None  # every judgement behind it was filtered out
            reference, confidence = label(self.q, agreed.value), agreed.confidence
        else:
            if not votes:
                return None
            reference = label(self.q, agreed.value) if agreed is not None else None
            confidence = agreed.confidence if agreed is not None else None
        agreement = self._agreement(votes, reference) if self.measure else None
        f = self.filters
        if f.min_confidence is not None and (confidence is None or confidence < f.min_confidence - 1e-12):
            return None
        if f.min_agreement is not None and (agreement is None or agreement < f.min_agreement - 1e-12):
            return None
        return Judged(key, votes, reference, confidence, agreement, agreed)

    def _adjudicated_counts(self, agreed: Agreed) -> bool:
        """A person's adjudication stands for approved work; it still has to fall in the date range."""
        if agreed.method != ADJUDICATED:
            return False
        f = self.filters
        at = agreed.decided_at
        if at is not None and at.tzinfo is None:
            from datetime import UTC

            at = at.replace(tzinfo=UTC)
        if f.since is not None and (at is None or at < f.since):
            return False
        return not (f.until is not None and (at is None or at >= f.until))

    def _mean_confidence(self, numbers: list[float]) -> float | None:
        n = len(numbers)
        scale = self.q.scale
        if n < 2 or scale is None or scale.max == scale.min:
            return None
        mean = sum(numbers) / n
        sd = math.sqrt(sum((x - mean) ** 2 for x in numbers) / n)
        return min(1.0, max(0.0, 1.0 - 2.0 * sd / (scale.max - scale.min)))

    def _agreement(self, votes: list[Vote], reference: Any) -> float | None:
        if reference is None or not votes:
            return None
        labels = [label(self.q, v.value) for v in votes]
        if self.q.kind == QuestionKind.RATING:
            agree = sum(1 for x in labels if x is not None and abs(x - reference) <= 0.5 + 1e-9)
        else:
            agree = sum(1 for x in labels if x == reference)
        return agree / len(labels)

    def units(self, votes: list[Vote]) -> dict[UnitKey, Judged]:
        """Every unit of the question that passes, keyed by (item, response)."""
        grouped = by_unit(votes)
        keys = set(grouped)
        if self.per == "consensus":
            keys |= set(self.consensus)
        out = {}
        for key in sorted(keys):
            judged = self.judge(key, grouped.get(key, []))
            if judged is not None:
                out[key] = judged
        return out

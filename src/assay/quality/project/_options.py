"""Every threshold the project quality figures use, with its default, in one place.

The CLI, the REST API, the SDK and the web page all start from `QualityOptions()`, so they report
the same figures; each door may override a few (bootstrap size, seed, consensus method).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from assay.quality.inference import LABEL_METHODS

RATING_METHODS: tuple[str, ...] = ("labels", "mean", "median")
"""How rating questions get their stored consensus: as categorical labels (the label method), or as
the mean or median of the ratings with a dispersion-based confidence."""


@dataclass(frozen=True)
class QualityOptions:
    """Settings of the project quality figures. Shares are fractions in [0, 1]."""

    n_boot: int = 1000
    """Bootstrap replicates for every interval (0: no intervals)."""
    seed: int = 0
    """Seed of every bootstrap and of majority vote's tie-break."""
    method: str = "dawid-skene"
    """Truth-inference method for categorical consensus: majority, dawid-skene, one-coin, glad, mace."""
    rating_method: str = "labels"
    """Stored consensus of rating questions: labels (the method above), mean or median."""
    low_confidence: float = 0.7
    """Consensus below this confidence is sent to review."""
    fast_fraction: float = 0.2
    """A judgement is too fast when it took less than this fraction of the project's median time."""
    fast_share_flag: float = 0.25
    """Flag a person when more than this share of their judgements is too fast."""
    straightline_share: float = 0.9
    """Flag a person when this share of their answers to one question is their modal answer..."""
    straightline_min_n: int = 20
    """...and they answered that question at least this often."""
    duplicate_jaccard: float = 0.9
    """Free-text answers are near-identical at or above this character-shingle Jaccard similarity."""
    duplicate_min_chars: int = 20
    """Shorter free-text answers (after normalisation) are never called copies."""
    duplicate_share_flag: float = 0.3
    """Flag a person when more than this share of their free-text answers are copies."""
    gold_accuracy_min: float = 0.7
    """Flag a person whose gold accuracy's Wilson upper bound is below this..."""
    gold_min_n: int = 5
    """...given at least this many gold answers."""
    agreement_gap: float = 0.15
    """Flag a person whose agreement with the others is this far below the median person's..."""
    agreement_min_n: int = 20
    """...given at least this many comparable answers."""
    drift_min_change: float = 0.1
    """Flag drift when agreement changed by at least this much between the halves of someone's work..."""
    drift_p_value: float = 0.01
    """...and a two-proportion z-test gives a p-value below this..."""
    drift_min_n: int = 10
    """...with at least this many comparable answers in each half."""
    rejection_rate_flag: float = 0.3
    """Flag a person when more than this share of their reviews are rejections..."""
    rejection_min_reviews: int = 5
    """...given at least this many reviews."""
    top_items: int = 20
    """How many most-disputed items (and least confident consensus answers) the report lists."""

    def __post_init__(self) -> None:
        if self.method not in LABEL_METHODS:
            raise ValueError(f"unknown consensus method {self.method!r}; choose one of {', '.join(LABEL_METHODS)}")
        if self.rating_method not in RATING_METHODS:
            raise ValueError(f"unknown rating method {self.rating_method!r}; choose one of {', '.join(RATING_METHODS)}")
        if self.n_boot < 0:
            raise ValueError("n_boot must be 0 or more")
        if not 0.0 <= self.low_confidence <= 1.0:
            raise ValueError("the confidence threshold must be between 0 and 1")

    def but(self, **changes: Any) -> QualityOptions:
        """A copy with some settings changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

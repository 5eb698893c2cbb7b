"""`Consensus`: what every categorical truth-inference method returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._layout import BoolArray, FloatArray, IntArray


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it stands for; integral floats as ints (labels read
    as numbers are floats inside `Ratings`)."""
    if isinstance(value, np.floating | float) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True, eq=False)
class Consensus:
    """Consensus labels with their posteriors, annotator skills and class priors.

    Codes index ``items``, ``annotators`` and ``categories`` (the ids and labels as read).
    ``confidence`` is the posterior probability of the chosen label: for the vote methods the
    (weighted) share of votes it got, for the EM models the model's posterior. ``skill`` is
    per method: majority votes — agreement with the consensus; Dawid–Skene — mean accuracy
    (diagonal of the confusion matrix) weighted by the class priors; one-coin — the coin
    (probability of a correct label); GLAD — the ability alpha (negative for adversarial
    annotators); MACE — the probability of not spamming (theta).

    ``posterior`` is items × categories. ``tied`` (vote methods) marks items whose top vote was
    shared. ``log_likelihood`` is the EM objective at the end (GLAD adds its parameters' log
    prior); ``extras`` holds per-method arrays (GLAD: ``difficulty``; MACE: ``strategy``).
    """

    method: str
    items: npt.NDArray[Any]
    annotators: npt.NDArray[Any]
    categories: npt.NDArray[Any]
    label: IntArray
    posterior: FloatArray
    skill: FloatArray
    priors: FloatArray
    confusion: FloatArray | None = None
    tied: BoolArray | None = None
    iterations: int = 0
    converged: bool = True
    log_likelihood: float | None = None
    extras: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def confidence(self) -> FloatArray:
        out: FloatArray = np.take_along_axis(self.posterior, self.label[:, None], axis=1)[:, 0]
        return out

    @property
    def labels(self) -> npt.NDArray[Any]:
        """Each item's consensus label (as read, numbers as floats)."""
        return self.categories[self.label]

    @property
    def n_items(self) -> int:
        return len(self.items)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON object: ``{"method", "items": [{"item", "label", "confidence"}],
        "annotators": [{"annotator", "skill"}], "class_priors": {label: p}}``."""
        labels = [plain(c) for c in self.categories.tolist()]
        confidence = self.confidence.tolist()
        items = [{"item": plain(i), "label": labels[c], "confidence": p}
                 for i, c, p in zip(self.items.tolist(), self.label.tolist(), confidence, strict=True)]
        annotators = [{"annotator": plain(a), "skill": _finite(s)}
                      for a, s in zip(self.annotators.tolist(), self.skill.tolist(), strict=True)]
        priors = {str(label): p for label, p in zip(labels, self.priors.tolist(), strict=True)}
        return {"method": self.method, "items": items, "annotators": annotators, "class_priors": priors}


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None

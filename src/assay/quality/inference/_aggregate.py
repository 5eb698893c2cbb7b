"""`aggregate_labels`: any categorical truth-inference method by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .._errors import RatingsError
from .._ratings import Ratings
from ._dawid_skene import dawid_skene, one_coin_dawid_skene
from ._glad import glad
from ._mace import mace
from ._majority import majority_vote
from ._result import Consensus

LabelMethod = Literal["majority", "dawid-skene", "one-coin", "glad", "mace"]
LABEL_METHODS: tuple[str, ...] = ("majority", "dawid-skene", "one-coin", "glad", "mace")


def aggregate_labels(
    ratings: Ratings,
    method: LabelMethod | str = "dawid-skene",
    *,
    tol: float = 1e-5,
    max_iter: int = 100,
    gold: Mapping[Any, Any] | None = None,
    seed: int = 0,
) -> Consensus:
    """Consensus labels by ``method``. ``seed`` drives majority vote's tie-break; ``tol``,
    ``max_iter`` and ``gold`` apply to the EM models (majority vote ignores them)."""
    if method == "majority":
        return majority_vote(ratings, seed=seed)
    models = {"dawid-skene": dawid_skene, "one-coin": one_coin_dawid_skene, "glad": glad, "mace": mace}
    fit = models.get(method)
    if fit is None:
        raise RatingsError(f"unknown method {method!r}; choose one of {', '.join(LABEL_METHODS)}")
    result: Consensus = fit(ratings, tol=tol, max_iter=max_iter, gold=gold)
    return result

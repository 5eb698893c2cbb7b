"""Stratified sampling by any fields (domain, language, difficulty…), proportional or to target counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from assay.prep._records import RecordSet
from assay.prep._stats import group_keys

SEPARATOR = "/"


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class Stratum(_Model):
    stratum: str
    """The stratum's values joined by "/" in the order of `by` (e.g. "STEM/en")."""
    available: int
    target: int
    """What the allocation asked for."""
    taken: int
    """What was drawn: the target, or everything available when that is less."""


class SampleResult(_Model):
    origin: str
    by: list[str]
    seed: int
    mode: str
    """proportional or targets."""
    requested: int
    indices: list[int]
    """Positions of the sampled records, in their original order."""
    strata: list[Stratum]


def _largest_remainder(weights: np.ndarray, total: int, caps: np.ndarray) -> np.ndarray:
    """Integer allocation proportional to `weights` summing to min(total, caps.sum()), never above caps
    (Hamilton's method, repeated over the strata with room left when some are capped)."""
    alloc = np.zeros(len(weights), dtype=np.int64)
    total = min(total, int(caps.sum()))
    while alloc.sum() < total:
        room = caps - alloc
        open_ = room > 0
        w = np.where(open_, weights, 0).astype(float)
        if w.sum() == 0:
            w = open_.astype(float)
        need = total - int(alloc.sum())
        quota = w / w.sum() * need
        add = np.minimum(np.floor(quota).astype(np.int64), room)
        left = need - int(add.sum())
        if left > 0:
            # the largest remainders get one more, ties to the earlier stratum
            rem = np.where(open_ & (add < room), quota - np.floor(quota), -1.0)
            for i in np.argsort(-rem, kind="stable")[:left]:
                if rem[i] >= 0:
                    add[i] += 1
        if add.sum() == 0:
            break
        alloc += add
    return alloc


def stratified_sample(
    records: RecordSet,
    by: Sequence[str],
    *,
    size: int | None = None,
    fraction: float | None = None,
    targets: Mapping[str, int] | None = None,
    seed: int = 0,
) -> SampleResult:
    """Draw a sample in which each stratum (combination of the `by` fields' values) is represented
    proportionally (`size` records in all, or `fraction` of them) or with `targets[stratum]` records.
    The same seed draws the same records."""
    if sum(x is not None for x in (size, fraction, targets)) != 1:
        raise ValueError("give exactly one of size, fraction or targets")
    keys = [SEPARATOR.join(k) for k in group_keys(records, by)]
    labels = sorted(set(keys))
    members: dict[str, list[int]] = {label: [] for label in labels}
    for i, k in enumerate(keys):
        members[k].append(i)
    available = np.array([len(members[label]) for label in labels], dtype=np.int64)
    if targets is not None:
        unknown = sorted(set(targets) - set(labels))
        if unknown:
            raise ValueError(f"unknown strata {unknown}; the data has {labels}")
        bad = {k: v for k, v in targets.items() if not isinstance(v, int) or isinstance(v, bool) or v < 0}
        if bad:
            raise ValueError(f"targets must be whole numbers of records ≥ 0: {bad}")
        wanted = np.array([targets.get(label, 0) for label in labels], dtype=np.int64)
        alloc = np.minimum(wanted, available)
        mode, requested = "targets", int(wanted.sum())
    else:
        if fraction is not None:
            if not 0 < fraction <= 1:
                raise ValueError(f"fraction must be in (0, 1], not {fraction}")
            requested = round(fraction * len(keys))
        else:
            assert size is not None
            if size < 0:
                raise ValueError("size must be ≥ 0")
            requested = size
        wanted = _largest_remainder(available.astype(float), requested, np.full(len(labels), requested))
        alloc = _largest_remainder(available.astype(float), requested, available)
        mode = "proportional"
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    strata = []
    for label, want, take in zip(labels, wanted, alloc, strict=True):
        pool = np.array(members[label], dtype=np.int64)
        if take:
            chosen.extend(int(i) for i in rng.choice(pool, size=int(take), replace=False))
        strata.append(Stratum(stratum=label, available=len(pool), target=int(want), taken=int(take)))
    return SampleResult(origin=records.origin, by=list(by), seed=seed, mode=mode, requested=requested,
                        indices=sorted(chosen), strata=strata)

"""Train / validation / test by item, with a seed.

Every item gets a uniform draw from a hash of the seed and the item's id (its external id, else its
content hash: the same in any database), so the split never depends on the order rows come back in.

- Stratified (default): within each domain, items are ordered by their draw and the first shares go
  to the splits in order, with counts by the largest-remainder rule: every domain is split in the
  asked proportions exactly (to the item). Adding items to a domain can move items near a boundary.
- Unstratified: an item's split is the share its draw falls in; it depends on nothing but the item
  and the seed, so an item never changes split when other items are added or removed (what keeps a
  test set clean across exports of a growing project), and proportions hold only on average.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable

from ._load import ItemInfo
from ._options import Split

NO_DOMAIN = "(none)"


def draw(ref: str, seed: int) -> float:
    """A number in [0, 1) fixed by the item and the seed."""
    digest = hashlib.blake2b(f"{seed}\x1f{ref}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def quotas(n: int, ratios: dict[str, float]) -> dict[str, int]:
    """How many of ``n`` items each split gets: floors, then the largest remainders (earlier splits
    first among equal remainders)."""
    exact = {name: n * share for name, share in ratios.items()}
    counts = {name: math.floor(x + 1e-9) for name, x in exact.items()}
    left = n - sum(counts.values())
    order = sorted(ratios, key=lambda name: (-(exact[name] - counts[name]), list(ratios).index(name)))
    for name in order[:left]:
        counts[name] += 1
    return counts


def assign(items: Iterable[ItemInfo], split: Split) -> dict[int, str]:
    """The split of each item, by item id."""
    names = list(split.ratios)
    if not split.stratify:
        bounds = []
        total = 0.0
        for name in names:
            total += split.ratios[name]
            bounds.append((total, name))
        out = {}
        for info in items:
            u = draw(info.ref, split.seed)
            out[info.id] = next((name for bound, name in bounds if u < bound), names[-1])
        return out
    strata: dict[str, list[tuple[float, str, int]]] = defaultdict(list)
    for info in items:
        strata[info.domain or NO_DOMAIN].append((draw(info.ref, split.seed), info.ref, info.id))
    out = {}
    for members in strata.values():
        members.sort()
        counts = quotas(len(members), split.ratios)
        position = 0
        for name in names:
            for _, _, iid in members[position:position + counts[name]]:
                out[iid] = name
            position += counts[name]
    return out

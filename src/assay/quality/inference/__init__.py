"""Truth inference: consensus labels from several annotators, and numeric score aggregation.

Categorical: `majority_vote`, `weighted_majority_vote`, `dawid_skene` (full confusion
matrices), `one_coin_dawid_skene`, `glad` and `mace`, each returning a `Consensus` (label,
confidence and posterior per item; skill per annotator; class priors). `aggregate_labels` picks
one by name. Numeric: `aggregate_scores` (mean, median or trimmed mean with sd, MAD and IQR).
All read `Ratings`; build them with ``duplicates="keep"`` so that repeated (item, annotator)
rows each count as an observation. Design notes: docs/design/truth-inference.md.
"""

from ._aggregate import LABEL_METHODS, LabelMethod, aggregate_labels
from ._dawid_skene import dawid_skene, one_coin_dawid_skene
from ._glad import glad
from ._mace import mace
from ._majority import majority_vote, weighted_majority_vote
from ._result import Consensus
from ._scores import SCORE_METHODS, ScoreMethod, ScoreSummary, aggregate_scores

__all__ = [
    "LABEL_METHODS",
    "SCORE_METHODS",
    "Consensus",
    "LabelMethod",
    "ScoreMethod",
    "ScoreSummary",
    "aggregate_labels",
    "aggregate_scores",
    "dawid_skene",
    "glad",
    "mace",
    "majority_vote",
    "one_coin_dawid_skene",
    "weighted_majority_vote",
]

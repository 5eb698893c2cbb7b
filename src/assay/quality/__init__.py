"""Data quality statistics: inter-annotator agreement, truth inference, pairwise rankings.

Statistics read long-format judgements (item, annotator, label) as NumPy arrays through
`Ratings`; each coefficient is a function ``metric(ratings, *, weights=...|level=...) -> float``.
`agreement` computes any of them by name with an optional seeded bootstrap interval.
Truth inference (`assay.quality.inference`): consensus labels by majority vote, Dawid–Skene,
one-coin, GLAD or MACE (`aggregate_labels`), and numeric score aggregation
(`aggregate_scores`). Pairwise: `bradley_terry` on `Battles` (`read_battles`).
"""

from ._agreement import METRIC_NAMES, METRICS, AgreementResult, Metric, agreement, bootstrap_interval
from ._bootstrap import Interval
from ._bradley_terry import BradleyTerryResult, TieModel, bradley_terry
from ._bradley_terry_battles import Battles, read_battles
from ._errors import RatingsError
from ._krippendorff import LEVELS, Level, krippendorff_alpha
from ._multirater import brennan_prediger, fleiss_kappa, gwet_ac, percent_agreement
from ._pairwise import PairwiseAgreement, pairwise_agreement
from ._ratings import Ratings
from ._read import read_ratings
from ._standard_errors import (
    StandardError,
    brennan_prediger_se,
    cohen_kappa_se,
    fleiss_kappa_se,
    gwet_ac_se,
)
from ._two_raters import cohen_kappa, contingency_table, scott_pi
from ._weights import WEIGHTS, Weights, weight_matrix
from .inference import (
    LABEL_METHODS,
    SCORE_METHODS,
    Consensus,
    ScoreSummary,
    aggregate_labels,
    aggregate_scores,
    dawid_skene,
    glad,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)

__all__ = [
    "LABEL_METHODS",
    "LEVELS",
    "METRICS",
    "METRIC_NAMES",
    "SCORE_METHODS",
    "WEIGHTS",
    "AgreementResult",
    "Battles",
    "BradleyTerryResult",
    "Consensus",
    "Interval",
    "Level",
    "Metric",
    "PairwiseAgreement",
    "Ratings",
    "RatingsError",
    "ScoreSummary",
    "StandardError",
    "TieModel",
    "Weights",
    "aggregate_labels",
    "aggregate_scores",
    "agreement",
    "bootstrap_interval",
    "bradley_terry",
    "brennan_prediger",
    "brennan_prediger_se",
    "cohen_kappa",
    "cohen_kappa_se",
    "contingency_table",
    "dawid_skene",
    "fleiss_kappa",
    "fleiss_kappa_se",
    "glad",
    "gwet_ac",
    "gwet_ac_se",
    "krippendorff_alpha",
    "mace",
    "majority_vote",
    "one_coin_dawid_skene",
    "pairwise_agreement",
    "percent_agreement",
    "read_battles",
    "read_ratings",
    "scott_pi",
    "weight_matrix",
    "weighted_majority_vote",
]

"""Data quality statistics: inter-annotator agreement (more to come: truth inference, scorecards).

Statistics read long-format judgements (item, annotator, label) as NumPy arrays through
`Ratings`; each coefficient is a function ``metric(ratings, *, weights=...|level=...) -> float``.
`agreement` computes any of them by name with an optional seeded bootstrap interval.
"""

from ._agreement import METRIC_NAMES, METRICS, AgreementResult, Metric, agreement, bootstrap_interval
from ._bootstrap import Interval
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

__all__ = [
    "LEVELS",
    "METRICS",
    "METRIC_NAMES",
    "WEIGHTS",
    "AgreementResult",
    "Interval",
    "Level",
    "Metric",
    "PairwiseAgreement",
    "Ratings",
    "RatingsError",
    "StandardError",
    "Weights",
    "agreement",
    "bootstrap_interval",
    "brennan_prediger",
    "brennan_prediger_se",
    "cohen_kappa",
    "cohen_kappa_se",
    "contingency_table",
    "fleiss_kappa",
    "fleiss_kappa_se",
    "gwet_ac",
    "gwet_ac_se",
    "krippendorff_alpha",
    "pairwise_agreement",
    "percent_agreement",
    "read_ratings",
    "scott_pi",
    "weight_matrix",
]

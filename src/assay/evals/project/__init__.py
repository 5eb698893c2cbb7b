"""Model evaluation over a stored project: scores, leaderboards, comparisons, failure rates and judge
calibration, from people's judgements, judge runs and imported scores alike."""

from assay.evals.project._calibration import calibrate_judges, family_of
from assay.evals.project._load import HUMANS, PANEL, EvalData, load_eval_data
from assay.evals.project._models import (
    EvalOptions,
    compare_models,
    model_failures,
    model_leaderboard,
    model_scores,
)
from assay.evals.project._side_by_side import SidePair, side_by_side

__all__ = [
    "HUMANS",
    "PANEL",
    "EvalData",
    "EvalOptions",
    "SidePair",
    "calibrate_judges",
    "compare_models",
    "family_of",
    "load_eval_data",
    "model_failures",
    "model_leaderboard",
    "model_scores",
    "side_by_side",
]

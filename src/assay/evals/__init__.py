"""Model-evaluation statistics: pure functions over NumPy arrays and long pandas DataFrames.

- Scores: `score_table` (mean score and pass rate per model × criterion × domain, cluster
  bootstrap over items and Wilson intervals).
- Pairwise: `win_rates` (against each opponent and the field, ties ½), `leaderboard`
  (Bradley–Terry from `assay.quality`), `length_controlled_win_rate` (AlpacaEval 2.0's GLM),
  `style_controlled_bradley_terry` (Chatbot Arena's style control) with `style_features`.
- Significance between two versions: `paired_comparison` (paired bootstrap interval and
  sign-flip permutation test), `paired_scores`, `mcnemar` / `mcnemar_from_table`.
- Failures: `failure_rates` (share of judged responses flagged per failure type).
- Judges against humans: `judge_agreement` / `judge_agreement_table` (κ, α, accuracy, confusion),
  `position_bias`, `length_bias`, `self_preference`, `coverage_accuracy` with `judge_consensus`.

Every function is seeded (``seed``) and reproducible; bad input raises `EvalError` naming the
row and field. See docs/design/evals.md.
"""

from ._coverage import CoverageCurve, coverage_accuracy, judge_consensus
from ._errors import EvalError, InfiniteStrengthError
from ._failures import failure_rates
from ._intervals import wilson_interval
from ._judge_agreement import JudgeAgreement, judge_agreement, judge_agreement_table
from ._judge_bias import PositionBias, PreferenceGap, length_bias, position_bias, self_preference
from ._length_control import length_controlled_win_rate
from ._mcnemar import MCNEMAR_METHODS, McNemarMethod, McNemarResult, mcnemar, mcnemar_from_table
from ._paired import PairedComparison, paired_comparison, paired_scores
from ._scores import score_table
from ._style_control import StyleControlResult, style_controlled_bradley_terry
from ._style_features import STYLE_FEATURES, style_features
from ._win_rates import WinRates, leaderboard, win_rates

__all__ = [
    "MCNEMAR_METHODS",
    "STYLE_FEATURES",
    "CoverageCurve",
    "EvalError",
    "InfiniteStrengthError",
    "JudgeAgreement",
    "McNemarMethod",
    "McNemarResult",
    "PairedComparison",
    "PositionBias",
    "PreferenceGap",
    "StyleControlResult",
    "WinRates",
    "coverage_accuracy",
    "failure_rates",
    "judge_agreement",
    "judge_agreement_table",
    "judge_consensus",
    "leaderboard",
    "length_bias",
    "length_controlled_win_rate",
    "mcnemar",
    "mcnemar_from_table",
    "paired_comparison",
    "paired_scores",
    "position_bias",
    "score_table",
    "self_preference",
    "style_controlled_bradley_terry",
    "style_features",
    "wilson_interval",
    "win_rates",
]

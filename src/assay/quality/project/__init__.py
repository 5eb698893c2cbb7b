"""Quality figures of a stored project: the statistics of `assay.quality` wired to the database.

    from assay.quality.project import project_quality, compute_consensus, low_confidence_items

    q = project_quality(db, "stem-rubric")            # agreement, disputed items, scorecards, calibration
    q.to_dict(); q.scorecards_dict(); q.calibration_dict()   # the JSON every door returns
    compute_consensus(db, "stem-rubric")              # consensus per item × question, stored
    low_confidence_items(db, "stem-rubric", 0.7)      # what review should look at

Judgements are read in long form (one query per question) into `Ratings` per question; the unit
of a per-response question is the (item, response) pair. Design notes:
docs/design/truth-inference.md.
"""

from ._agreement import Agreement, Estimate, PairAgreement, QuestionAgreement, question_agreement
from ._calibration import (
    CalibrationPerson,
    CalibrationRound,
    DisputedItem,
    calibration_rounds,
    disputed_items,
)
from ._consensus import ConsensusRun, LowConfidence, QuestionConsensus, low_confidence_items, store_consensus
from ._fit import QuestionFit, fit_question, leave_one_out
from ._labels import categories, is_categorical
from ._load import DEFAULT_SOURCES, Answers, Person, ProjectData, load_project_data
from ._options import RATING_METHODS, QualityOptions
from ._report import PARTS, ProjectQuality, compute_consensus, fit_project, project_quality
from ._scorecards import Flag, Scorecard, scorecards
from ._signals import wilson
from ._text import copied_answers, normalise
from ._units import QuestionRatings, by_domain, question_ratings

__all__ = [
    "DEFAULT_SOURCES",
    "PARTS",
    "RATING_METHODS",
    "Agreement",
    "Answers",
    "CalibrationPerson",
    "CalibrationRound",
    "ConsensusRun",
    "DisputedItem",
    "Estimate",
    "Flag",
    "LowConfidence",
    "PairAgreement",
    "Person",
    "ProjectData",
    "ProjectQuality",
    "QualityOptions",
    "QuestionAgreement",
    "QuestionConsensus",
    "QuestionFit",
    "QuestionRatings",
    "Scorecard",
    "by_domain",
    "calibration_rounds",
    "categories",
    "compute_consensus",
    "copied_answers",
    "disputed_items",
    "fit_project",
    "fit_question",
    "is_categorical",
    "leave_one_out",
    "load_project_data",
    "low_confidence_items",
    "normalise",
    "project_quality",
    "question_agreement",
    "question_ratings",
    "scorecards",
    "store_consensus",
    "wilson",
]

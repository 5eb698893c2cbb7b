"""Models in the loop over a project: LLM judges answering the project's own questions, and models
generating responses. Every call goes through `assay.models` (limits, retries, cache, accounting).

    summary = judge_project(db, "stem-rubric", endpoint)          # resumable; verdicts kept apart
    summary = generate_responses(db, "sft-writing", endpoint, options=GenerateOptions(samples=2))
"""

from assay.judge._execute import Execute, default_execute, make_execute
from assay.judge._generate import GenerateOptions, generate_responses
from assay.judge._judging import JudgeOptions, NothingToJudge, judge_project
from assay.judge._offline_judge import offline_judge
from assay.judge._parse import ParsedVerdict, parse_verdict
from assay.judge._prompts import (
    DEFAULT_SYSTEM,
    JudgeContent,
    judgeable,
    pairwise_messages,
    pointwise_messages,
)
from assay.judge._runs import RunSummary
from assay.judge._suggestions import Suggestion, item_suggestions, suggestions_allowed

__all__ = [
    "DEFAULT_SYSTEM",
    "Execute",
    "GenerateOptions",
    "JudgeContent",
    "JudgeOptions",
    "NothingToJudge",
    "ParsedVerdict",
    "RunSummary",
    "Suggestion",
    "default_execute",
    "generate_responses",
    "item_suggestions",
    "judge_project",
    "judgeable",
    "make_execute",
    "offline_judge",
    "pairwise_messages",
    "parse_verdict",
    "pointwise_messages",
    "suggestions_allowed",
]

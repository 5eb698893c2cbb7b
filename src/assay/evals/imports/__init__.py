"""Results of other evaluation tools, imported as items, responses and scores that `assay eval` reads.

    report = import_results(db, "qa-bench", "logs/2026-03-14_gsm8k.eval", schema="inspect")
    report = import_results(db, "qa-bench", "samples_gsm8k_2026-03-14T10-22-31.jsonl", schema="lm-eval")

Inspect AI logs (.eval, .json), lm-evaluation-harness per-sample logs with their results file, promptfoo
result exports and OpenAI Batch API output files (with their input file). Scores become verdicts of an
imported run `<tool>: <task>`, kept apart from people's judgements; all or nothing; importing the same
file again adds nothing. Files are read with the standard library, orjson, ijson and zstandard: none of
those tools is needed to read their files.
"""

from assay.evals.imports._errors import EvalImportError, EvalImportFailed
from assay.evals.imports._import import SCHEMAS, EvalImportReport, import_results, open_results
from assay.evals.imports._records import BadRecord, EvalRecord, ScoredResponse, ScoreRecord
from assay.evals.imports._values import value_to_float

__all__ = [
    "SCHEMAS",
    "BadRecord",
    "EvalImportError",
    "EvalImportFailed",
    "EvalImportReport",
    "EvalRecord",
    "ScoreRecord",
    "ScoredResponse",
    "import_results",
    "open_results",
    "value_to_float",
]

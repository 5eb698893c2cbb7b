"""Project definitions: a YAML file validated into `ProjectSpec`.

    spec = load_spec("project.yaml")          # SpecError lists every problem as file:line: path: message
    spec.question("accuracy").check_answer("4")   # -> 4
    spec.check_answers(answers, n_responses=2)    # self-QC before submit
"""

from assay.spec._casebook import Case, Casebook, CaseItem, CaseResponse
from assay.spec._condition import Condition
from assay.spec._distribution import Distribution
from assay.spec._errors import AnswerError, AnswerIssue, SpecError, SpecIssue
from assay.spec._guidelines import Guidelines
from assay.spec._judge import JudgeSettings
from assay.spec._layout import Layout
from assay.spec._loader import load_spec, parse_spec
from assay.spec._project import ProjectSpec
from assay.spec._question import ChoiceOption, Question, QuestionKind, SpanLabel
from assay.spec._scale import Scale, ScalePoint
from assay.spec._taxonomy import DEFAULT_DOMAINS, Domain, Taxonomy
from assay.spec._templates import TEMPLATES, template_path

__all__ = [
    "DEFAULT_DOMAINS",
    "TEMPLATES",
    "AnswerError",
    "AnswerIssue",
    "Case",
    "CaseItem",
    "CaseResponse",
    "Casebook",
    "ChoiceOption",
    "Condition",
    "Distribution",
    "Domain",
    "Guidelines",
    "JudgeSettings",
    "Layout",
    "ProjectSpec",
    "Question",
    "QuestionKind",
    "Scale",
    "ScalePoint",
    "SpanLabel",
    "SpecError",
    "SpecIssue",
    "Taxonomy",
    "load_spec",
    "parse_spec",
    "template_path",
]

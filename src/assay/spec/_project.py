"""`ProjectSpec`: the whole project definition, validated as one document."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field, field_validator, model_validator

from assay.spec._base import SpecModel
from assay.spec._casebook import Casebook
from assay.spec._checks import check_cases, check_layout, check_questions
from assay.spec._distribution import Distribution
from assay.spec._errors import AnswerIssue
from assay.spec._guidelines import Guidelines
from assay.spec._issues import Issue, raise_issues
from assay.spec._judge import JudgeSettings
from assay.spec._layout import Layout
from assay.spec._question import ConsistencyRule, Question
from assay.spec._selfqc import check_answers, consistency_warnings, hidden_questions
from assay.spec._taxonomy import Taxonomy

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$")
# BCP-47 subset: language, optional script, region or variants ("en", "zh-Hans", "pt-BR", "es-419").
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


def _canonical_language(code: str) -> str:
    head, *rest = code.split("-")
    parts = [head.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


class ProjectSpec(SpecModel):
    """A project: what is annotated, how it is shown, the questions asked, and the guidance given."""

    slug: str
    """Stable identifier: 2-64 lowercase letters, digits and hyphens, e.g. "stem-rubric-2024q3"."""
    name: str = Field(min_length=1)
    """Human-readable name."""
    description: str = ""
    """What the project is for (markdown)."""
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    """BCP-47 language codes of the items, e.g. ["en", "zh"]."""
    taxonomy: Taxonomy = Field(default_factory=Taxonomy)
    """Domains and subdomains items are tagged with; defaults to Reasoning, General Knowledge, STEM, Humanities."""
    layout: Layout = Field(default_factory=Layout)
    """What the annotation page shows."""
    questions: list[Question] = Field(min_length=1)
    """The questions, in the order they are asked; keys unique."""
    guidelines: Guidelines = Field(default_factory=Guidelines)
    """Versioned markdown guidelines."""
    casebook: Casebook = Field(default_factory=Casebook)
    """Worked examples with gold answers."""
    distribution: Distribution = Field(default_factory=Distribution)
    """How items are handed out and reviewed."""
    consistency: list[ConsistencyRule] = Field(default_factory=list)
    """Answer patterns the annotator must confirm before submitting (self-QC warnings, not errors)."""
    judge: JudgeSettings = Field(default_factory=JudgeSettings)
    """How model judges answer the questions (`assay judge run`)."""

    @field_validator("slug")
    @classmethod
    def _check_slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(
                "expected 2-64 lowercase letters, digits and hyphens, not starting or ending with a hyphen, "
                f"got {value!r}"
            )
        return value

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not _LANGUAGE.match(code)]
        if bad:
            raise ValueError(f"expected language codes such as 'en', 'zh' or 'pt-BR', got {', '.join(map(repr, bad))}")
        codes = [_canonical_language(code) for code in value]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"each language may be listed once, got duplicates: {', '.join(duplicates)}")
        return codes

    @model_validator(mode="after")
    def _cross_check(self) -> ProjectSpec:
        questions = list(enumerate(self.questions))
        issues: list[Issue] = [
            *check_questions(questions),
            *check_layout(questions, self.layout),
            *check_cases(questions, self.layout, list(enumerate(self.casebook.cases))),
            *self._check_consistency(),
            *self._check_judge(),
        ]
        raise_issues(issues)
        return self

    def _check_consistency(self) -> list[Issue]:
        keys = set(self.question_keys)
        issues: list[Issue] = []
        for i, rule in enumerate(self.consistency):
            unknown = sorted(rule.when.names - keys)
            if unknown:
                issues.append((("consistency", i, "when"), f"no question {', '.join(map(repr, unknown))}"))
            if rule.question is not None and rule.question not in keys:
                issues.append((("consistency", i, "question"), f"no question {rule.question!r}"))
        return issues

    def _check_judge(self) -> list[Issue]:
        keys = set(self.question_keys)
        return [(("judge", "questions", i), f"no question {key!r}")
                for i, key in enumerate(self.judge.questions) if key not in keys]

    # -- lookups ---------------------------------------------------------------------------------

    @property
    def question_keys(self) -> list[str]:
        """Question keys in order."""
        return [q.key for q in self.questions]

    def question(self, key: str) -> Question:
        """The question with this key; KeyError naming the existing keys otherwise."""
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(f"no question {key!r}; questions are: {', '.join(self.question_keys)}")

    @property
    def per_response_questions(self) -> list[Question]:
        """Questions asked once per response shown, in order."""
        return [q for q in self.questions if q.per_response]

    @property
    def item_questions(self) -> list[Question]:
        """Questions asked once per item, in order."""
        return [q for q in self.questions if not q.per_response]

    def canonical_domain(self, value: str) -> tuple[str, str | None]:
        """`(domain, subdomain or None)` in canonical spelling for "STEM", "stem / mathematics", "Mathematics"...

        Raises ValueError naming the allowed domains when nothing matches.
        """
        return self.taxonomy.canonical(value)

    # -- serialisation ---------------------------------------------------------------------------

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict; `ProjectSpec.model_validate` of it gives an equal spec."""
        return self.model_dump(mode="json")

    def spec_hash(self) -> str:
        """sha256 (hex) of the canonical JSON form; equal specs hash equal however they were written."""
        canonical = json.dumps(self.to_json_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    # -- self-QC ---------------------------------------------------------------------------------

    def check_answers(
        self, answers: Mapping[str, Any], n_responses: int, *, response_texts: Sequence[str] | None = None
    ) -> list[AnswerIssue]:
        """Everything wrong with one annotator's answers to one item, for a check before submitting.

        Per-response answers are lists (one per response) or {"A": ..., "B": ...}. Reports unknown keys,
        invalid values, required answers missing (honouring `required_when`, evaluated per response for
        per-response questions) and answers given to questions hidden by `shown_when`.
        `response_texts` lets span offsets be checked against the responses.
        """
        return check_answers(self.questions, answers, n_responses, response_texts)

    def consistency_warnings(
        self, answers: Mapping[str, Any], n_responses: int, *, response_texts: Sequence[str] | None = None
    ) -> list[AnswerIssue]:
        """The `consistency` rules these answers trip; each needs the annotator's confirmation."""
        return consistency_warnings(self.questions, self.consistency, answers, n_responses, response_texts)

    def hidden_questions(self, answers: Mapping[str, Any], n_responses: int) -> list[tuple[str, str | None]]:
        """Questions (and responses, for per-response ones) that `shown_when` hides under these answers."""
        return hidden_questions(self.questions, answers, n_responses)

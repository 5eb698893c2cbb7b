"""What an export is asked for: the kind of training data, its schema, filters, split and options.

`ExportOptions` is the one data contract of the doors (CLI flags, API query, SDK arguments) and is
written verbatim into the manifest, so a dataset says exactly how it was made.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._errors import ExportError

ExportKind = Literal["preference", "sft", "kto", "ratings"]
Per = Literal["consensus", "judgement", "mean"]
Labels = Literal["people", "imported"]
Pairs = Literal["all", "best-worst"]
TABLE = "table"
"""The ratings kind's flat long table: one row per item × response × criterion (not a training schema)."""
SPLIT_NAMES = ("train", "validation", "test")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Filters(_Frozen):
    """Which items, judgements and consensus answers make it into the export."""

    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    """Keep a unit (item, or item × response) only when its consensus confidence is at least this."""
    min_agreement: float | None = Field(default=None, ge=0.0, le=1.0)
    """Keep a unit only when at least this share of its annotators agree with the consensus (the same
    label; for ratings, within half a scale point of it)."""
    approved_only: bool = False
    """Only judgements a reviewer accepted or corrected, with no rejection after that."""
    exclude_flags: tuple[str, ...] = ()
    """Leave out items anyone flagged with these span labels or choice answers (e.g. hallucination, unsafe)."""
    domains: tuple[str, ...] = ()
    """Only items of these domains (empty: all)."""
    languages: tuple[str, ...] = ()
    """Only items in these languages (empty: all)."""
    since: datetime | None = None
    """Only judgements submitted at or after this time (UTC when no zone is given)."""
    until: datetime | None = None
    """Only judgements submitted before this time (UTC when no zone is given)."""
    include_gold: bool = False
    """Also export gold (test-question) items; they are left out by default."""

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _range(self) -> Filters:
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise ValueError(f"until ({self.until.isoformat()}) must be after since ({self.since.isoformat()})")
        return self

    @property
    def judgement_level(self) -> bool:
        """Whether some judgements are left out (then a consensus needs one of its judgements kept)."""
        return self.approved_only or self.since is not None or self.until is not None


class Split(_Frozen):
    """Train / validation / test shares; every record of an item lands in the same split."""

    ratios: dict[str, float]
    """Share per split name, in file order, summing to 1 (e.g. train 0.9, validation 0.05, test 0.05)."""
    seed: int = 0
    """Which shuffle: the same seed and items give the same split in any database and query order."""
    stratify: bool = True
    """Split each domain separately with exact shares (largest remainder). Without it an item's split
    depends only on its id and the seed, so it never moves when other items are added."""

    @field_validator("ratios")
    @classmethod
    def _check(cls, ratios: dict[str, float]) -> dict[str, float]:
        if not ratios:
            raise ValueError("name at least one split, e.g. train=0.9,test=0.1")
        for name, share in ratios.items():
            if name not in SPLIT_NAMES:
                raise ValueError(f"unknown split {name!r}; use {', '.join(SPLIT_NAMES)}")
            if not (0.0 < share <= 1.0) or not math.isfinite(share):
                raise ValueError(f"split {name}: expected a share in (0, 1], got {share}")
        total = sum(ratios.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"split shares must sum to 1, got {total:g}")
        return ratios

    @classmethod
    def parse(cls, text: str, seed: int = 0, *, stratify: bool = True) -> Split:
        """``"train=0.9,validation=0.05,test=0.05"`` (percentages such as ``train=90`` work too)."""
        ratios: dict[str, float] = {}
        for part in text.split(","):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or not name:
                raise ExportError(f"--split {text!r}: expected NAME=SHARE pairs, e.g. train=0.9,validation=0.05,test=0.05")
            try:
                share = float(value)
            except ValueError:
                raise ExportError(f"--split {text!r}: {value.strip()!r} is not a number") from None
            if name in ratios:
                raise ExportError(f"--split {text!r}: {name} is given twice")
            ratios[name] = share
        if sum(ratios.values()) > 1.0 + 1e-6 and all(v >= 1 for v in ratios.values()):
            ratios = {k: v / 100.0 for k, v in ratios.items()}
        try:
            return cls(ratios=ratios, seed=seed, stratify=stratify)
        except ValueError as e:
            raise ExportError(f"--split {text!r}: {_first_error(e)}") from None


class ExportOptions(_Frozen):
    """One export: what to build, from which questions, with which filters, into which files."""

    kind: ExportKind
    """preference (DPO / reward pairs), sft, kto (unpaired desirable / undesirable) or ratings (reward data)."""
    record_schema: str
    """The record schema of `assay formats` (openai-dpo, trl-preference, openai-chat…); for ratings
    also ``table``, a flat long table."""
    container: str | None = None
    """jsonl, json, csv, tsv, parquet, xlsx or hf (a Hugging Face save_to_disk directory); from the
    output's extension when not given."""
    question: str | None = None
    """The source question: the compare or rank question of preference pairs (default: the first),
    the text question(s) of SFT records (default: every text question with purpose response/rewrite)."""
    per: Per | None = None
    """One record per judgement, per consensus, or from the mean of the ratings; the default depends on
    the source (see docs/design/exports.md)."""
    pairs: Pairs = "all"
    """Rankings and rating differences: every ordered pair, or only best against worst."""
    from_ratings: str | None = None
    """Preference pairs from differences of this per-response rating question."""
    margin: float = Field(default=1.0, gt=0.0)
    """With from_ratings: the least difference of mean ratings that makes a pair."""
    best_response: str | None = None
    """SFT from each item's best model response by this per-response rating question."""
    min_score: float | None = None
    """With best_response: the least (mean or consensus) rating the best response needs."""
    label_from: str | None = None
    """KTO: the choice or rating question that says whether a response is desirable."""
    desirable: tuple[str, ...] = ()
    """KTO from a choice question: the option values that count as desirable (e.g. yes, safe)."""
    threshold: float | None = None
    """KTO from a rating question: ratings at or above this are desirable."""
    criteria: tuple[str, ...] = ()
    """Ratings: the per-response rating questions to export (default: all of them)."""
    labels: Labels = "people"
    """people: from judgements; imported: from the training labels that came with imported training
    files (response metadata preference / label / ratings), to re-export them filtered and split."""
    form: Literal["conversational", "standard"] = "conversational"
    """TRL schemas: message lists or plain strings."""
    implicit_prompt: bool = False
    """trl-preference: chosen and rejected each hold the whole conversation, no prompt column."""
    include_metadata: bool = True
    """Carry each record's lineage (item id, domain, language, models, annotator) as extra keys."""
    filters: Filters = Field(default_factory=Filters)
    """Which items and judgements count."""
    split: Split | None = None
    """Train / validation / test files, or one file when None."""

    @model_validator(mode="after")
    def _schema_fits(self) -> ExportOptions:
        from assay.formats import FORMATS

        name = self.record_schema.replace("_", "-")
        if name == TABLE:
            if self.kind != "ratings":
                raise ValueError("the 'table' schema is for --as ratings")
            return self
        fmt = FORMATS.get(name)
        if fmt is None:
            raise ValueError(f"unknown schema {self.record_schema!r}; {_schemas_for(self.kind)}")
        if fmt.kind != self.kind:
            raise ValueError(f"schema {name} holds {fmt.kind} records, not {self.kind}; {_schemas_for(self.kind)}")
        return self


def _schemas_for(kind: str) -> str:
    from assay.formats import FORMATS

    names = [f.name for f in FORMATS.values() if f.kind == kind] + ([TABLE] if kind == "ratings" else [])
    return f"--as {kind} writes {', '.join(names)}"


def _first_error(e: ValueError) -> str:
    errors = getattr(e, "errors", None)
    if callable(errors):
        first = errors()[0]
        return str(first.get("msg", e)).removeprefix("Value error, ")
    return str(e)


def make_options(**values: object) -> ExportOptions:
    """`ExportOptions` from keyword values, with a validation failure as one clear `ExportError`."""
    try:
        return ExportOptions.model_validate(values)
    except ValueError as e:
        errors = getattr(e, "errors", None)
        if callable(errors):
            first = errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            message = str(first.get("msg", e)).removeprefix("Value error, ")
            raise ExportError(f"{where}: {message}" if where else message) from None
        raise ExportError(str(e)) from None

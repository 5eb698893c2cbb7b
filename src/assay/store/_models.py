"""The database schema: the product's spine.

Every table is here so the whole shape reads in one sitting. Conventions:
- integer surrogate keys; external ids and content hashes are separate, indexed columns;
- timestamps are timezone-aware UTC;
- structured values (chat messages, metadata, answers) are JSON (JSONB on PostgreSQL);
- `judgement_answers` is the long form of every submitted judgement (one row per item × annotator ×
  question × response), kept in step with `judgements.answers` by the repository, so statistics read it
  with one query and never parse JSON row by row.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints so Alembic migrations are deterministic on both SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
# SQLite only autoincrements INTEGER PRIMARY KEY; BigInteger would become a plain column there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on both backends.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back aware ones. Every time
    Assay stores is UTC, so naive values read back are marked UTC and aware ones are converted on the
    way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Role(enum.StrEnum):
    """What a person may do. Ordered from most to least privileged."""

    admin = "admin"
    manager = "manager"
    reviewer = "reviewer"
    annotator = "annotator"


class OrgKind(enum.StrEnum):
    lab = "lab"
    vendor = "vendor"


class JudgementStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"


class JudgementSource(enum.StrEnum):
    human = "human"
    imported = "imported"


class AssignmentStatus(enum.StrEnum):
    leased = "leased"
    submitted = "submitted"
    skipped = "skipped"
    expired = "expired"


class RunKind(enum.StrEnum):
    """What a model run does: write responses, judge them, or hold scores imported from elsewhere."""

    generate = "generate"
    judge = "judge"
    imported = "imported"


class RunStatus(enum.StrEnum):
    running = "running"
    finished = "finished"
    stopped = "stopped"
    failed = "failed"


class ReviewVerdict(enum.StrEnum):
    accept = "accept"
    reject = "reject"
    correct = "correct"


def _enum(e: type[enum.Enum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK, not a native PG enum: adding a value later is a plain migration.
    return Enum(e, name=name, native_enum=False, create_constraint=True, length=16)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"), default=OrgKind.lab)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # None until a password is set: imported annotators exist before they ever log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Login throttling lives in the database so that every app process sees the same count.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shortcuts: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    """The user's remapped keyboard shortcuts, {action: key}; None = defaults."""


class WebSession(Base):
    """A browser login. The cookie carries a random id; only its SHA-256 is stored, so a leaked
    database does not hand out live sessions. The CSRF token is per session (synchronizer pattern)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token for the REST API and SDK. Only its SHA-256 is stored: tokens are 256 random bits,
    so a fast hash is enough (a slow KDF protects guessable passwords, not random keys)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    current_spec_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectMember(Base):
    """A person working on a project, with the skills that routing matches against."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Empty means "any": routing only narrows for people who declared skills.
    domains: Mapped[list[str]] = mapped_column(JSONType, default=list)
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SpecVersion(Base):
    """Every saved version of a project's spec; judgements point at the one they were made under."""

    __tablename__ = "spec_versions"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType)
    spec_hash: Mapped[str] = mapped_column(String(64))
    guidelines_version: Mapped[int] = mapped_column(Integer)
    casebook_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportRun(Base):
    """One import of one file: the lineage a later export's manifest points back to."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    container: Mapped[str] = mapped_column(String(16))
    schema: Mapped[str] = mapped_column(String(32))
    records: Mapped[int] = mapped_column(Integer, default=0)
    items_added: Mapped[int] = mapped_column(Integer, default=0)
    responses_added: Mapped[int] = mapped_column(Integer, default=0)
    judgements_added: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Item(Base):
    """A prompt to be annotated: plain text or chat messages, with what surrounds it."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_project_hash", "project_id", "content_hash"),
        # ix_items_queue is declared after the class (it needs `priority DESC`). Gold and calibration
        # items are few: partial indexes find them without scanning the project.
        Index("ix_items_gold", "project_id", "id", sqlite_where=text("is_gold IS 1"),
              postgresql_where=text("is_gold IS true")),
        Index("ix_items_calibration", "project_id", "calibration_round", "id",
              sqlite_where=text("calibration_round IS NOT NULL"), postgresql_where=text("calibration_round IS NOT NULL")),
        Index(
            "uq_items_project_external_id",
            "project_id",
            "external_id",
            unique=True,
            sqlite_where=text("external_id IS NOT NULL"),
            postgresql_where=text("external_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str | None] = mapped_column(Text)
    messages: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    system: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(100))
    subdomain: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(16))
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    gold: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # Calibration items are answered by every member, outside the overlap.
    calibration_round: Mapped[int | None] = mapped_column(Integer)
    # Distribution bookkeeping: submitted judgements plus live leases, and whether that is below the
    # project's overlap. Kept by assay.work.distribution under the item's row lock, so "next task" is
    # an index range scan over open items instead of counting assignments of every item.
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The queue in the order "next task" reads it (`ORDER BY priority DESC, id`), so a lease stops at the
# first open item instead of sorting all of them.
Index("ix_items_queue", Item.project_id, Item.is_open, Item.priority.desc(), Item.id)


class Response(Base):
    """A model's answer to an item."""

    __tablename__ = "responses"
    # By item only: dedupe reads all of an item's responses and compares hashes in Python; the
    # narrower, append-ordered index is much cheaper to maintain on import.
    __table_args__ = (Index("ix_responses_item", "item_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # Not indexed: responses are reached through their item; an index here costs every import.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    external_id: Mapped[str | None] = mapped_column(String(255))
    model: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(32))
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    # The generation run that wrote it (`assay generate`), with its sampling parameters in `meta`. No
    # foreign key: adding one would rebuild the whole responses table on SQLite.
    run_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(Base):
    """An item given to one person, with a lease that expires if they abandon it."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        Index("ix_assignments_project_status_expiry", "project_id", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        _enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.leased
    )
    kind: Mapped[str] = mapped_column(String(16), default="normal")
    leased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skip_reason: Mapped[str | None] = mapped_column(Text)


class Judgement(Base):
    """One person's answers on one item, under one spec and guideline version."""

    __tablename__ = "judgements"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        Index("ix_judgements_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    # {question: value} for item questions, {question: {response_id: value}} for per-response ones.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[JudgementStatus] = mapped_column(
        _enum(JudgementStatus, "judgement_status"), default=JudgementStatus.draft
    )
    source: Mapped[JudgementSource] = mapped_column(
        _enum(JudgementSource, "judgement_source"), default=JudgementSource.human
    )
    spec_version: Mapped[int] = mapped_column(Integer)
    guidelines_version: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    time_spent_ms: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class JudgementAnswer(Base):
    """Long form of a judgement: one row per question (and response, for per-response questions)."""

    __tablename__ = "judgement_answers"
    __table_args__ = (
        Index("ix_judgement_answers_project_question", "project_id", "question"),
        Index("ix_judgement_answers_judgement", "judgement_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    judgement_id: Mapped[int] = mapped_column(ForeignKey("judgements.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(String(64))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(JSONType)
    # The value as a number when it is one (ratings), so statistics can aggregate in SQL.
    value_num: Mapped[float | None] = mapped_column(Float)


class JudgementHistory(Base):
    """Every change to a judgement: who, when, why, and the value before and after."""

    __tablename__ = "judgement_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    judgement_id: Mapped[int] = mapped_column(
        ForeignKey("judgements.id", ondelete="CASCADE"), index=True
    )
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str | None] = mapped_column(String(16))
    old_value: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    new_value: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class Review(Base):
    """A reviewer's verdict on a judgement."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    judgement_id: Mapped[int] = mapped_column(
        ForeignKey("judgements.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[ReviewVerdict] = mapped_column(_enum(ReviewVerdict, "review_verdict"))
    comment: Mapped[str | None] = mapped_column(Text)
    corrected: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Consensus(Base):
    """The agreed answer to one question on one item (and response): adjudicated by a person, or inferred
    from the judgements by a method (majority, Dawid-Skene, ...) with its confidence."""

    __tablename__ = "consensus"
    __table_args__ = (
        Index("uq_consensus_item_question_response", "item_id", "question", "response_id", unique=True),
        Index("ix_consensus_project_question", "project_id", "question"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(64))
    # 0 for item-level questions: a NULL would not take part in the unique index on every backend.
    response_id: Mapped[int] = mapped_column(BigInteger, default=0)
    value: Mapped[Any] = mapped_column(JSONType)
    method: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ModelRun(Base):
    """One run of a model over a project: generating responses, judging them, or scores imported from
    another tool. A run is identified by its configuration: running the same command again continues
    the same run, so a killed run resumes where it stopped and never pays twice for the same call."""

    __tablename__ = "model_runs"
    __table_args__ = (
        Index("uq_model_runs_project_config", "project_id", "config_hash", unique=True),
        Index("ix_model_runs_project_kind", "project_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[RunKind] = mapped_column(_enum(RunKind, "run_kind"))
    name: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType)
    config_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus, "run_status"), default=RunStatus.running)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    cache_hits: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    # None while no call had a price (an endpoint without prices, or only cached replies).
    cost_usd: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JudgeVerdict(Base):
    """A model judge's answer to one question about one item: about one response (pointwise, or a
    per-response question), or about a pair shown in one order (pairwise). Kept apart from human
    judgements: judges never count as annotators.

    `value` is in the project's answer format with the pair in stored order (`response_id` is A), whatever
    order the judge saw; `swapped` says it saw them the other way round. `value` is None when the reply
    had no verdict that could be read (unscored, never guessed); `error` says why."""

    __tablename__ = "judge_verdicts"
    __table_args__ = (
        Index("uq_judge_verdicts_unit", "run_id", "item_id", "question", "response_id", "other_response_id",
              "swapped", unique=True),
        Index("ix_judge_verdicts_project_question", "project_id", "question"),
        Index("ix_judge_verdicts_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("model_runs.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(64))
    # 0 for item-level questions and for the missing side of a pointwise verdict (no NULLs in the
    # unique index, which would not hold on every backend).
    response_id: Mapped[int] = mapped_column(BigInteger, default=0)
    other_response_id: Mapped[int] = mapped_column(BigInteger, default=0)
    swapped: Mapped[bool] = mapped_column(Boolean, default=False)
    judge: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    # The value as a number for analysis: a rating, 1/0 for pass/fail, or for a pair 1 = A wins,
    # 0 = B wins, 0.5 = tie. None when unscored or not numeric (a choice among labels).
    score: Mapped[float | None] = mapped_column(Float)
    reasoning: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    # Tokens and cost of the call that produced the reply; `cached` says this run got it from the
    # cache without paying (the run's own totals count only what it paid).
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Reading what an export decides with: items, submitted answers, consensus, reviews and flags.

Only labels are read here (numbers, winners, short JSON), never prompt or response text: the records
are planned from these and their texts fetched afterwards, batch by batch (`_render`). Judgement
filters (submission dates) are applied in SQL; the rest in Python over plain tuples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec, Question, QuestionKind
from assay.store import (
    Consensus,
    Item,
    Judgement,
    JudgementAnswer,
    JudgementSource,
    JudgementStatus,
    Response,
    Review,
    ReviewVerdict,
    User,
)
from assay.store.projects import current_spec_row, get_project, load_project_spec

from ._errors import ExportError
from ._options import Filters

PEOPLE = (JudgementSource.human, JudgementSource.imported)
"""Judgements people made, in the workspace or imported from a team's history (never model judges)."""
ADJUDICATED = "adjudicated"
APPROVED = (ReviewVerdict.accept, ReviewVerdict.correct)
CHUNK = 900  # ids per IN (...) list: under SQLite's 999 bound parameters


class ItemInfo(NamedTuple):
    id: int
    ref: str
    """How files name the item: its external id, else its content hash (portable between databases)."""
    domain: str | None
    subdomain: str | None
    language: str | None
    is_gold: bool
    import_id: int | None


class Vote(NamedTuple):
    """One submitted answer of a kept judgement: about an item (response 0) or one response. Tuples
    (not dataclasses) because there is one per answer: a million of them in a large export."""

    judgement: int
    item: int
    response: int
    user: int
    value: Any


class Agreed(NamedTuple):
    """The consensus row of one unit."""

    value: Any
    method: str
    confidence: float | None
    decided_at: datetime | None


@dataclass
class ProjectLabels:
    """Everything plans are made from, for one project."""

    project_id: int
    slug: str
    name: str
    spec: ProjectSpec
    spec_version: int
    spec_hash: str
    guidelines_version: int
    casebook_version: int
    filters: Filters
    items: dict[int, ItemInfo]
    eligible: list[int]
    """Items that pass the item filters (domain, language, gold, flags), in id order."""
    responses: dict[int, list[int]]
    """Response ids of each item in position order: index 0 is response A."""
    judgements: dict[int, tuple[Any, ...]]
    """The kept judgements whose answers were read (filled by `votes`): (user, item, spec_version,
    guidelines_version, import_id) as the query returned them. Plain tuples: one per judgement, and a
    million judgements should not cost a million objects more."""
    verdicts: dict[int, ReviewVerdict]
    """The latest review verdict of each reviewed judgement."""
    usernames: dict[int, str]
    """Names of the people whose answers were read."""
    flagged: int = 0
    """Items left out because someone flagged them."""
    _session: Session | None = field(default=None, repr=False)
    eligible_set: set[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.eligible_set = set(self.eligible)

    def votes(self, q: Question) -> list[Vote]:
        """The kept judgements' answers to ``q`` on eligible items, in judgement order (see `answers`)."""
        new = tuple.__new__
        out = [new(Vote, row) for row in self.answers(q)]
        out.sort()  # by judgement, then response (a question has one answer per judgement and response)
        return out

    def answers(self, q: Question) -> Iterator[tuple[int, int, int, int, Any]]:
        """(judgement, item, response id or 0, user, value) of the kept judgements' answers to ``q`` on
        eligible items, in no particular order. Judgements are kept when submitted by people, within the
        date range and (with approved_only) approved; each one read is registered in `judgements` for
        the manifest's lineage, and its author's name in `usernames`."""
        assert self._session is not None
        numeric = q.kind == QuestionKind.RATING
        value = JudgementAnswer.value_num if numeric else cast(JudgementAnswer.value, Text)
        stmt = (select(JudgementAnswer.judgement_id, JudgementAnswer.item_id, JudgementAnswer.response_id, value,
                       Judgement.user_id, Judgement.item_id, Judgement.spec_version, Judgement.guidelines_version,
                       Judgement.import_id)
                .join(Judgement, Judgement.id == JudgementAnswer.judgement_id)
                .where(JudgementAnswer.project_id == self.project_id, JudgementAnswer.question == q.key,
                       *judgement_filters(self.filters)))
        approved_only = self.filters.approved_only
        verdicts = self.verdicts
        eligible = self.eligible_set
        every_item = len(eligible) == len(self.items)
        registry = self.judgements
        users: set[int] = set()
        loads = orjson.loads
        for batch in fetch_batches(self._session, stmt):
            for row in batch:
                jid, item, rid, raw, user = row[:5]
                if raw is None or (not every_item and item not in eligible):
                    continue
                if approved_only and verdicts.get(jid) not in APPROVED:
                    continue
                # The judgement's own columns, as they came: (user, item, spec, guidelines, import).
                registry[jid] = row[4:]
                users.add(user)
                yield jid, item, rid or 0, user, raw if numeric else loads(raw)
        self._names(users)

    def _names(self, users: set[int]) -> None:
        assert self._session is not None
        ids = sorted(users - self.usernames.keys())
        for start in range(0, len(ids), CHUNK):
            for uid, name in self._session.execute(
                    select(User.id, User.username).where(User.id.in_(ids[start:start + CHUNK]))):
                self.usernames[uid] = name

    def kept_judgements(self) -> int:
        """How many submitted judgements by people pass the judgement filters (for messages)."""
        assert self._session is not None
        rows = fetch(self._session, select(Judgement.id).where(Judgement.project_id == self.project_id,
                                                                *judgement_filters(self.filters)))
        if not self.filters.approved_only:
            return sum(1 for _ in rows)
        return sum(1 for (jid,) in rows if self.verdicts.get(jid) in APPROVED)

    def consensus(self, q: Question) -> dict[tuple[int, int], Agreed]:
        """The consensus table's answers to ``q`` by (item, response id; 0 for item-level questions)."""
        assert self._session is not None
        rows = self._session.execute(
            select(Consensus.item_id, Consensus.response_id, cast(Consensus.value, Text), Consensus.method,
                   Consensus.confidence, Consensus.decided_at)
            .where(Consensus.project_id == self.project_id, Consensus.question == q.key)
        )
        return {(int(i), int(r)): Agreed(orjson.loads(v) if v is not None else None, m, c, at)
                for i, r, v, m, c, at in rows if int(i) in self.eligible_set}

    def response_meta(self, item_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Response metadata (where imported training labels live) by response id."""
        assert self._session is not None
        ids = list(item_ids)
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), CHUNK):
            for rid, meta in self._session.execute(
                select(Response.id, Response.meta).where(Response.item_id.in_(ids[start:start + CHUNK]))
            ):
                out[rid] = meta or {}
        return out

    def item_meta(self, item_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        assert self._session is not None
        ids = list(item_ids)
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), CHUNK):
            for iid, meta in self._session.execute(
                select(Item.id, Item.meta).where(Item.id.in_(ids[start:start + CHUNK]))
            ):
                out[iid] = meta or {}
        return out



def load_labels(session: Session, slug: str, filters: Filters) -> ProjectLabels:
    """Read a project's labels for an export; ``session`` must stay open while votes are read."""
    project = get_project(session, slug)
    spec = load_project_spec(session, project)
    row = current_spec_row(session, project)
    domains = _check_filters(spec, filters)
    items = {
        iid: ItemInfo(iid, ext or chash, domain, sub, lang, bool(gold), imp)
        for iid, ext, chash, domain, sub, lang, gold, imp in fetch(session,
            select(Item.id, Item.external_id, Item.content_hash, Item.domain, Item.subdomain, Item.language,
                   Item.is_gold, Item.import_id).where(Item.project_id == project.id)
        )
    }
    responses: dict[int, list[int]] = defaultdict(list)
    for rid, iid in fetch(session, select(Response.id, Response.item_id).where(Response.project_id == project.id)
                          .order_by(Response.item_id, Response.position, Response.id)):
        responses[iid].append(rid)
    verdicts: dict[int, ReviewVerdict] = {}
    for jid, verdict in session.execute(
        select(Review.judgement_id, Review.verdict).join(Judgement, Judgement.id == Review.judgement_id)
        .where(Judgement.project_id == project.id).order_by(Review.created_at, Review.id)
    ):
        verdicts[jid] = verdict
    flagged = _flagged(session, project.id, spec, filters.exclude_flags) if filters.exclude_flags else set()
    eligible = sorted(iid for iid, info in items.items() if iid not in flagged and _item_ok(info, filters, domains))
    return ProjectLabels(
        project_id=project.id, slug=project.slug, name=project.name, spec=spec, spec_version=row.version,
        spec_hash=row.spec_hash, guidelines_version=row.guidelines_version, casebook_version=row.casebook_version,
        filters=filters, items=items, eligible=eligible, responses=dict(responses), judgements={},
        verdicts=verdicts, usernames={}, flagged=sum(1 for i in flagged if i in items), _session=session,
    )


def judgement_filters(filters: Filters) -> list[Any]:
    """SQL conditions on `Judgement` for the judgement filters that SQL can apply."""
    conditions: list[Any] = [Judgement.status == JudgementStatus.submitted, Judgement.source.in_(PEOPLE)]
    if filters.since is not None:
        conditions.append(Judgement.submitted_at >= filters.since)
    if filters.until is not None:
        conditions.append(Judgement.submitted_at < filters.until)
    return conditions


def fetch_batches(session: Session, stmt: Any) -> Iterator[Sequence[Any]]:
    """The rows of ``stmt`` as the driver returns them, in batches. Only for integer, float and text
    columns (JSON cast to text): SQLAlchemy's result processing is skipped, which on a million rows
    cost more than the query itself."""
    result = session.connection().execute(stmt)
    try:
        cursor = result.cursor
        while batch := cursor.fetchmany(50_000):
            yield batch
    finally:
        result.close()


def fetch(session: Session, stmt: Any) -> Iterator[tuple[Any, ...]]:
    """`fetch_batches`, row by row."""
    for batch in fetch_batches(session, stmt):
        yield from batch


def _item_ok(info: ItemInfo, filters: Filters, domains: list[tuple[str, str | None]]) -> bool:
    if info.is_gold and not filters.include_gold:
        return False
    if domains and not any(info.domain == d and (s is None or info.subdomain == s) for d, s in domains):
        return False
    return not (filters.languages and not _language_in(info.language, filters.languages))


def _language_in(language: str | None, wanted: tuple[str, ...]) -> bool:
    # "zh" selects zh-Hans and zh-TW too: people name the language, not the script or region.
    if language is None:
        return False
    lang = language.lower()
    return any(lang == w.lower() or lang.startswith(w.lower() + "-") for w in wanted)


def flag_sources(spec: ProjectSpec) -> dict[str, list[str]]:
    """Where each flag name can come from: span labels of span questions, options of choice questions."""
    out: dict[str, list[str]] = defaultdict(list)
    for q in spec.questions:
        if q.kind == QuestionKind.SPAN:
            for name in q.span_label_names:
                out[name].append(q.key)
        elif q.kind == QuestionKind.CHOICE:
            for value in q.option_values:
                out[value].append(q.key)
    return out


def _check_filters(spec: ProjectSpec, filters: Filters) -> list[tuple[str, str | None]]:
    """Check the flag and domain names against the spec; the domains in canonical spelling."""
    if filters.exclude_flags:
        sources = flag_sources(spec)
        unknown = [f for f in filters.exclude_flags if f not in sources]
        if unknown:
            spans = sorted({n for q in spec.questions if q.kind == QuestionKind.SPAN for n in q.span_label_names})
            choices = sorted({v for q in spec.questions if q.kind == QuestionKind.CHOICE for v in q.option_values})
            raise ExportError(
                f"--exclude-flags: no question of project {spec.slug!r} can flag {', '.join(map(repr, unknown))}; "
                f"span labels: {', '.join(spans) or 'none'}; choice options: {', '.join(choices) or 'none'}")
    domains = []
    for name in filters.domains:
        try:
            domains.append(spec.canonical_domain(name))
        except ValueError as e:
            raise ExportError(f"--domain: {e}") from None
    return domains


def _flagged(session: Session, project_id: int, spec: ProjectSpec, flags: tuple[str, ...]) -> set[int]:
    """Items on which any submitted judgement (filtered or not) raised one of ``flags``."""
    wanted = set(flags)
    sources = flag_sources(spec)
    keys = sorted({key for f in flags for key in sources.get(f, [])})
    kinds = {q.key: q.kind for q in spec.questions}
    out: set[int] = set()
    if not keys:
        return out
    rows = session.execute(
        select(JudgementAnswer.item_id, JudgementAnswer.question, cast(JudgementAnswer.value, Text))
        .join(Judgement, Judgement.id == JudgementAnswer.judgement_id)
        .where(JudgementAnswer.project_id == project_id, JudgementAnswer.question.in_(keys),
               Judgement.status == JudgementStatus.submitted)
    )
    for item, key, raw in rows:
        if item in out or raw is None:
            continue
        value = orjson.loads(raw)
        if kinds.get(key) == QuestionKind.SPAN:
            labels = {s.get("label") for s in value if isinstance(s, dict)} if isinstance(value, list) else set()
        else:
            labels = set(value) if isinstance(value, list) else {value}
        if labels & wanted:
            out.add(item)
    return out

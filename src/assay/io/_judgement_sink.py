"""Bringing a team's existing judgements in: long-format rows merged into one judgement per item × person.

Re-importing the same rows changes nothing; a changed value updates the judgement and leaves a history
row (who, when, why, old and new value), exactly as an edit in the workspace would.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from assay.io._item_sink import _chunks
from assay.io.schemas import JudgementRecord, RecordError
from assay.spec import ProjectSpec
from assay.store._models import (
    Assignment,
    AssignmentStatus,
    Item,
    Judgement,
    JudgementSource,
    JudgementStatus,
    Response,
    Role,
    User,
)
from assay.store.judgements import record_history, sync_answers
from assay.work.users import USERNAME_RE, add_user

LETTERS = string.ascii_uppercase


@dataclass
class PendingAnswer:
    number: int
    raw: dict[str, Any]
    rec: JudgementRecord


@dataclass
class _ResponseInfo:
    id: int
    position: int
    model: str | None
    external_id: str | None


class JudgementSink:
    def __init__(
        self,
        session: Session,
        project_id: int,
        spec: ProjectSpec,
        spec_version: int,
        import_id: int,
        source: str,
    ) -> None:
        self.session = session
        self.project_id = project_id
        self.spec = spec
        self.spec_version = spec_version
        self.import_id = import_id
        self.reason = f"imported from {source}"
        self.pending: list[PendingAnswer] = []
        self.users: dict[str, int] = {}
        self.users_added = 0
        self.judgements_added = 0
        self.judgements_updated = 0
        self.answers = 0

    def add(self, number: int, raw: dict[str, Any], rec: JudgementRecord) -> None:
        try:
            question = self.spec.question(rec.question)
        except KeyError:
            keys = ", ".join(q.key for q in self.spec.questions)
            raise RecordError("question", f"no question {rec.question!r} in the project (questions: {keys})") from None
        if not question.per_response and rec.response is not None:
            raise RecordError("response", f"question {rec.question!r} is asked once per item, not per response")
        if not USERNAME_RE.match(rec.annotator):
            raise RecordError("annotator", f"{rec.annotator!r} is not a valid username")
        if rec.submitted_at is not None:
            try:
                datetime.fromisoformat(rec.submitted_at)
            except ValueError:
                raise RecordError("submitted_at", f"expected an ISO 8601 time, got {rec.submitted_at!r}") from None
        self.pending.append(PendingAnswer(number, raw, rec))

    def flush(self) -> list[tuple[int, dict[str, Any], RecordError]]:
        batch, self.pending = self.pending, []
        if not batch:
            return []
        errors: list[tuple[int, dict[str, Any], RecordError]] = []
        items = self._resolve_items({p.rec.item for p in batch})
        responses = self._responses(set(items.values()))
        good: list[tuple[PendingAnswer, int, str | None, Any]] = []
        for p in batch:
            try:
                item_id = items.get(p.rec.item)
                if item_id is None:
                    raise RecordError("item", f"no item {p.rec.item!r} in the project (match by id or content hash)")
                rid, value = self._value(p.rec, responses.get(item_id, []))
                good.append((p, item_id, rid, value))
            except RecordError as e:
                errors.append((p.number, p.raw, e))
        self._merge(good)
        return errors

    def _resolve_items(self, refs: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(refs), 900):
            rows = self.session.execute(
                select(Item.external_id, Item.id).where(Item.project_id == self.project_id, Item.external_id.in_(chunk))
            )
            found.update({ext: i for ext, i in rows if ext is not None})
        rest = [r for r in refs if r not in found]
        for chunk in _chunks(sorted(rest), 900):
            for h, i in self.session.execute(
                select(Item.content_hash, Item.id).where(Item.project_id == self.project_id, Item.content_hash.in_(chunk))
            ):
                found.setdefault(h, i)
        return found

    def _responses(self, item_ids: set[int]) -> dict[int, list[_ResponseInfo]]:
        out: dict[int, list[_ResponseInfo]] = {}
        for chunk in _chunks(sorted(item_ids), 900):
            rows = self.session.execute(
                select(Response.item_id, Response.id, Response.position, Response.model, Response.external_id)
                .where(Response.item_id.in_(chunk))
                .order_by(Response.item_id, Response.position)
            )
            for item_id, rid, pos, model, ext in rows:
                out.setdefault(item_id, []).append(_ResponseInfo(rid, pos, model, ext))
        return out

    def _value(self, rec: JudgementRecord, responses: list[_ResponseInfo]) -> tuple[str | None, Any]:
        question = self.spec.question(rec.question)
        try:
            if question.kind.value == "rank":
                value = question.check_answer(rec.value, n_responses=len(responses) or None)
            else:
                value = question.check_answer(rec.value)
        except ValueError as e:
            raise RecordError("value", str(e)) from None
        if not question.per_response:
            return None, value
        return str(_pick_response(rec.response, responses).id), value

    def _merge(self, good: list[tuple[PendingAnswer, int, str | None, Any]]) -> None:
        if not good:
            return
        user_ids = {name: self._user_id(name) for name in sorted({p.rec.annotator for p, *_ in good})}
        pairs = {(item_id, user_ids[p.rec.annotator]) for p, item_id, *_ in good}
        existing: dict[tuple[int, int], Judgement] = {}
        for chunk in _chunks(sorted(pairs), 400):
            for j in self.session.scalars(
                select(Judgement).where(tuple_(Judgement.item_id, Judgement.user_id).in_(chunk))
            ):
                existing[(j.item_id, j.user_id)] = j
        before = {key: _copy(j.answers) for key, j in existing.items()}
        touched: dict[tuple[int, int], Judgement] = {}
        added: list[Judgement] = []
        now = datetime.now(UTC)
        for p, item_id, rid, value in good:
            key = (item_id, user_ids[p.rec.annotator])
            found = existing.get(key)
            if found is None:
                submitted = datetime.fromisoformat(p.rec.submitted_at) if p.rec.submitted_at else now
                j = Judgement(
                    project_id=self.project_id,
                    item_id=item_id,
                    user_id=key[1],
                    answers={},
                    status=JudgementStatus.submitted,
                    source=JudgementSource.imported,
                    spec_version=self.spec_version,
                    guidelines_version=self.spec.guidelines.version,
                    started_at=submitted,
                    submitted_at=submitted,
                    time_spent_ms=p.rec.time_spent_ms,
                    updated_at=now,
                    import_id=self.import_id,
                )
                self.session.add(j)
                existing[key] = j
                added.append(j)
                self.judgements_added += 1
            else:
                j = found
            answers = _copy(j.answers)
            if rid is None:
                answers[p.rec.question] = value
            else:
                answers.setdefault(p.rec.question, {})[rid] = value
            if answers != j.answers:
                j.answers = answers
                j.updated_at = now
                touched[key] = j
            self.answers += 1
        self.session.flush()
        self._count_as_distributed(added)
        for key, j in touched.items():
            old = before.get(key)
            if old is not None:
                self.judgements_updated += 1
            record_history(
                self.session,
                j,
                action="import" if old is None else "import-update",
                by=None,
                reason=self.reason,
                old_status=None if old is None else j.status.value,
                old_value=old,
            )
        sync_answers(self.session, list(touched.values()), self.spec)

    def _count_as_distributed(self, added: list[Judgement]) -> None:
        """Imported judgements count like work handed out in Assay: each gets a submitted assignment
        (so its author is never given the item again) and uses a slot of the item's overlap (so the
        item is not given to more people than planned)."""
        if not added:
            return
        pairs = sorted({(j.item_id, j.user_id) for j in added})
        held: dict[tuple[int, int], int] = {}
        kinds: dict[int, str] = {}
        for chunk in _chunks(pairs, 400):
            held.update({(i, u): a for i, u, a in self.session.execute(
                select(Assignment.item_id, Assignment.user_id, Assignment.id)
                .where(tuple_(Assignment.item_id, Assignment.user_id).in_(chunk)))})
        for chunk in _chunks(sorted({i for i, _ in pairs}), 900):
            for item_id, is_gold, round_ in self.session.execute(
                select(Item.id, Item.is_gold, Item.calibration_round).where(Item.id.in_(chunk))
            ):
                kinds[item_id] = "gold" if is_gold else "calibration" if round_ is not None else "normal"
        slots: dict[int, int] = {}
        created: list[tuple[Judgement, Assignment]] = []
        for j in added:
            key = (j.item_id, j.user_id)
            if key in held:  # a lease in the workspace for the same item: its slot is already counted
                j.assignment_id = held[key]
                continue
            kind = kinds[j.item_id]
            a = Assignment(project_id=self.project_id, item_id=j.item_id, user_id=j.user_id, kind=kind,
                           status=AssignmentStatus.submitted, leased_at=j.started_at, expires_at=None)
            self.session.add(a)
            created.append((j, a))
            if kind == "normal":
                slots[j.item_id] = slots.get(j.item_id, 0) + 1
        self.session.flush()
        for j, a in created:
            j.assignment_id = a.id
        overlap = self.spec.distribution.overlap
        for item_id, n in sorted(slots.items()):
            self.session.execute(
                update(Item).where(Item.id == item_id).values(taken=Item.taken + n, is_open=Item.taken + n < overlap))

    def _user_id(self, username: str) -> int:
        if username not in self.users:
            uid = self.session.scalar(select(User.id).where(User.username == username))
            if uid is None:
                uid = add_user(self.session, username, Role.annotator).id
                self.users_added += 1
            self.users[username] = uid
        return self.users[username]


def _copy(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in answers.items()}


def _pick_response(ref: str | None, responses: list[_ResponseInfo]) -> _ResponseInfo:
    """Which response a per-response answer is about: letter, 1-based position, model or external id."""
    if not responses:
        raise RecordError("response", "the item has no responses to answer a per-response question about")
    if ref is None:
        if len(responses) == 1:
            return responses[0]
        raise RecordError("response", f"the item has {len(responses)} responses; say which (A, B, ... or model)")
    token = ref.strip()
    if len(token) == 1 and token.upper() in LETTERS:
        idx = LETTERS.index(token.upper())
    elif token.isdigit():
        idx = int(token) - 1
    else:
        matches = [r for r in responses if token in (r.model, r.external_id)]
        if len(matches) == 1:
            return matches[0]
        problem = "matches several responses" if matches else "matches no response"
        raise RecordError("response", f"{ref!r} {problem} of the item")
    if not 0 <= idx < len(responses):
        raise RecordError("response", f"{ref!r} is out of range: the item has {len(responses)} responses")
    return responses[idx]

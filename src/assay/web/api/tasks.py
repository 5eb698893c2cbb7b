"""The annotator's loop over the API: next task, autosave a draft, submit, skip.

What an annotator receives is only what the layout shows: never whether an item is gold, never its
gold answers or other people's judgements, and model names only when the project shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from assay.judge import item_suggestions, suggestions_allowed
from assay.store import Assignment, Database, Judgement, Project
from assay.store import Response as ModelResponse
from assay.store.projects import ProjectNotFound, load_project_spec
from assay.web.api._deps import DB, Credentials, CurrentUser, current_user
from assay.web.api.projects import visible_project
from assay.work.distribution import (
    AnswersRejected,
    LeaseError,
    NeedsConfirmation,
    NotAMember,
    Task,
    lease_task,
    response_letter,
    save_draft,
    skip,
    submit,
    to_letter_answers,
)

router = APIRouter(tags=["tasks"])


class ResponseOut(BaseModel):
    letter: str = Field(description="A, B, ...: how answers refer to this response.")
    content: str = Field(description="Model output: untrusted markdown, to be displayed, never executed.")
    model: str | None = Field(None, description="Only when the project's layout shows model names.")


class SuggestionOut(BaseModel):
    question: str
    letter: str | None = Field(None, description="The response it is about, for per-response questions.")
    value: Any = Field(description="The judge's answer; None when its verdict changed with the order of a pair.")
    judge: str = Field(description="The judge run's name.")
    reasoning: str | None = Field(None, description="The judge's reasoning: untrusted model output, display only.")


class TaskOut(BaseModel):
    assignment_id: int
    expires_at: datetime = Field(description="When the lease lapses and the item returns to the pool.")
    item_id: int
    prompt: str | None
    messages: list[dict[str, Any]] | None
    system: str | None
    reference: str | None = Field(None, description="Only when the layout shows it.")
    domain: str | None
    language: str | None
    metadata: dict[str, Any] = Field(default_factory=dict, description=(
        "Item metadata when the layout shows it, without the keys in `layout.hidden_metadata`."))
    responses: list[ResponseOut]
    draft: dict[str, Any] | None = Field(None, description="Answers saved earlier, per-response ones by letter.")
    suggestions: list[SuggestionOut] = Field(default_factory=list, description=(
        "A model judge's answers, when the project shows them (`judge.show_suggestions`, not blind): "
        "a model's, not a person's."))


class AnswersIn(BaseModel):
    answers: dict[str, Any] = Field(description="By question key; per-response answers as {letter: value}.")
    time_spent_ms: int | None = Field(None, ge=0)
    confirm: bool = Field(False, description="Submit even though consistency rules ask for confirmation.")


class SkipIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class SubmitOut(BaseModel):
    judgement_id: int


def _task(task: Task, db: Database) -> TaskOut:
    spec, item, responses = task.spec, task.item, task.responses
    layout = spec.layout
    shown = responses[: layout.responses] if layout.responses else []
    suggestions: list[SuggestionOut] = []
    if suggestions_allowed(spec):  # no query at all for the (default) projects that show none
        with db.session() as session:
            suggestions = [SuggestionOut(question=x.question, letter=x.letter, value=x.value, judge=x.judge,
                                         reasoning=x.reasoning)
                           for x in item_suggestions(session, spec, item.project_id, item.id, [r.id for r in shown],
                                                     [response_letter(i) for i in range(len(shown))])]
    draft_answers = to_letter_answers(spec, task.draft, responses) if task.draft else None
    return TaskOut(
        assignment_id=task.lease.assignment_id,
        expires_at=task.lease.expires_at,
        item_id=item.id,
        prompt=item.prompt,
        messages=item.messages,
        system=item.system,
        reference=item.reference if "reference" in layout.fields else None,
        domain=item.domain,
        language=item.language,
        metadata=layout.shown_metadata(item.meta),
        responses=[
            ResponseOut(letter=response_letter(i), content=r.content, model=r.model if layout.show_model_names else None)
            for i, r in enumerate(shown)
        ],
        draft=draft_answers,
        suggestions=suggestions,
    )


@router.post("/projects/{slug}/tasks/next", response_model=TaskOut, summary="Lease your next task",
             responses={204: {"description": "Nothing left for you"}})
def next_task(slug: str, request: Request, db: DB, credentials: Credentials) -> Response:
    user = current_user(request, db, credentials)  # here, not as a dependency: one thread hop, not two
    # No separate visibility check on the way in: a lease needs an active membership, and an active
    # member always sees the project. Only a refusal asks whether to say 403 (a project you can see)
    # or 404 (one you may not know exists). That saved two queries on every request.
    try:
        task = lease_task(db, slug, user.id)
    except (NotAMember, ProjectNotFound):
        with db.session() as session:
            visible_project(session, user, slug)  # 404 unless this user may see the project
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you are not a member of this project") from None
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return _json(_task(task, db))


def _json(model: BaseModel) -> Response:
    # The model serialised once by pydantic's JSON encoder; returning the model made FastAPI validate
    # it again against `response_model` and encode it through `jsonable_encoder` (5% of a request).
    return Response(model.__pydantic_serializer__.to_json(model), media_type="application/json")


def _lease_errors(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except AnswersRejected as e:
        detail = [{"question": i.question, "response": i.response, "message": i.message} for i in e.issues]
        raise HTTPException(422, detail) from None
    except NeedsConfirmation as e:
        warnings: list[dict[str, Any]] = [
            {"question": w.question, "response": w.response, "message": w.message, "confirm": True} for w in e.warnings
        ]
        raise HTTPException(422, warnings) from None
    except LeaseError as e:
        # An assignment that is not yours does not exist as far as you are concerned.
        code = status.HTTP_404_NOT_FOUND if "not yours" in str(e) else status.HTTP_409_CONFLICT
        raise HTTPException(code, str(e)) from None
    except (KeyError, ValueError) as e:
        raise HTTPException(422, str(e)) from None


def ask_confirmation(db: Any, user_id: int, answers: dict[str, Any], *, assignment_id: int | None = None,
                     judgement_id: int | None = None) -> None:
    """422 with `confirm: true` issues when the answers trip the project's consistency rules.
    Only warnings for answers that are otherwise valid: errors are reported by the submit itself."""
    with db.session() as session:
        if assignment_id is not None:
            row = session.get(Assignment, assignment_id)
        else:
            row = session.get(Judgement, judgement_id)
        if row is None or row.user_id != user_id:
            return  # the submit reports it
        project = session.get(Project, row.project_id)
        assert project is not None
        spec = load_project_spec(session, project)
        responses = list(session.scalars(
            select(ModelResponse).where(ModelResponse.item_id == row.item_id).order_by(ModelResponse.position)))
        texts = [r.content for r in responses]
        if not spec.consistency or spec.check_answers(answers, len(responses), response_texts=texts):
            return
        warnings = spec.consistency_warnings(answers, len(responses), response_texts=texts)
    if warnings:
        detail: list[dict[str, object]] = [
            {"question": w.question, "response": w.response, "message": w.message, "confirm": True} for w in warnings]
        raise HTTPException(422, detail)


@router.put("/assignments/{assignment_id}/draft", response_model=SubmitOut, summary="Autosave answers as a draft")
def put_draft(assignment_id: int, body: AnswersIn, db: DB, user: CurrentUser) -> SubmitOut:
    return SubmitOut(judgement_id=_lease_errors(save_draft, db, assignment_id, user.id, body.answers))


@router.post("/assignments/{assignment_id}/submit", response_model=SubmitOut, summary="Submit answers")
def post_submit(assignment_id: int, body: AnswersIn, db: DB, user: CurrentUser) -> Response:
    # The user stays a dependency here (unlike next_task): FastAPI resolves dependencies before it
    # reports body errors, so an unauthenticated caller gets 401, never a 422 about the body.
    # Consistency warnings are checked inside the submit's transaction (`confirm`), not in a read before it.
    jid = _lease_errors(submit, db, assignment_id, user.id, body.answers, time_spent_ms=body.time_spent_ms,
                        confirm=body.confirm)
    return _json(SubmitOut(judgement_id=jid))


@router.post("/assignments/{assignment_id}/skip", status_code=status.HTTP_204_NO_CONTENT, summary="Skip with a reason")
def post_skip(assignment_id: int, body: SkipIn, db: DB, user: CurrentUser) -> Response:
    _lease_errors(skip, db, assignment_id, user.id, body.reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

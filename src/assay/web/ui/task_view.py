"""Everything the task page shows for one item, gathered once and rendered by `task.html`.

The same view serves a fresh task (a lease), rework after a rejection (the lease reopened) and an
edit of one's own submitted work from "my history". What an annotator sees is what the layout
allows: never whether the item is gold, never other people's answers, model names only when the
project shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.judge import Suggestion, item_suggestions
from assay.prep import CHECK_KEY
from assay.spec import ProjectSpec
from assay.store import Item, Judgement, Project
from assay.store import Response as ModelResponse
from assay.store.projects import load_project_spec
from assay.web.render import render_markdown, render_metadata, render_transcript
from assay.web.ui._i18n import Translate
from assay.web.ui.shortcuts import effective
from assay.work.distribution import response_letter, to_letter_answers


@dataclass
class ShownResponse:
    letter: str
    content: str
    html: Markup
    model: str | None
    math_check: dict[str, Any] | None = None
    """The automatic maths check (`assay prep check-math`), shown only when the layout shows the
    reference it was checked against: otherwise it would give the answer away."""


@dataclass
class TaskView:
    project: Project
    spec: ProjectSpec
    item: Item
    responses: list[ShownResponse]
    answers: dict[str, Any]
    mode: str
    """task (a lease) or edit (a submitted judgement)."""
    target_id: int
    """The assignment id (task) or judgement id (edit)."""
    expires_at: Any = None
    time_spent_ms: int = 0
    fields: list[tuple[str, Markup]] = field(default_factory=list)
    guidelines: Markup = field(default_factory=Markup)
    cases: list[dict[str, Any]] = field(default_factory=list)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    """A model judge's answers by block name (question, or question.letter), when the project shows them."""


def _item_fields(spec: ProjectSpec, item: Item, _: Translate) -> list[tuple[str, Markup]]:
    out: list[tuple[str, Markup]] = []
    roles = {"system": _("System"), "user": _("User"), "assistant": _("Assistant"), "tool": _("Tool")}
    for name in spec.layout.fields:
        if name == "prompt" and item.prompt:
            out.append((_("Prompt"), render_markdown(item.prompt)))
        elif name == "messages" and item.messages:
            out.append((_("Conversation"), render_transcript(item.messages, labels=roles)))
        elif name == "system" and item.system:
            out.append((_("System prompt"), render_markdown(item.system)))
        elif name == "reference" and item.reference:
            out.append((_("Reference answer"), render_markdown(item.reference)))
        elif name == "domain" and item.domain:
            out.append((_("Domain"), Markup.escape(item.domain + (f" / {item.subdomain}" if item.subdomain else ""))))
        elif name == "language" and item.language:
            out.append((_("Language"), Markup.escape(item.language)))
        elif name == "metadata" and (shown := spec.layout.shown_metadata(item.meta)):
            out.append((_("Metadata"), render_metadata(shown)))
    if not out and item.messages:  # a chat item whose layout names only `prompt`
        out.append((_("Conversation"), render_transcript(item.messages, labels=roles)))
    return out


def _math_check(meta: dict[str, Any] | None) -> dict[str, Any] | None:
    checks = (meta or {}).get("checks")
    found = checks.get(CHECK_KEY) if isinstance(checks, dict) else None
    return found if isinstance(found, dict) and found.get("status") in ("correct", "incorrect", "unparseable") else None


def _cases(spec: ProjectSpec) -> list[dict[str, Any]]:
    return [
        {"title": c.title, "tags": c.tags,
         "prompt": render_markdown(c.item.prompt or "") if c.item.prompt else render_transcript(c.item.messages or []),
         "responses": [(response_letter(i), render_markdown(r.content)) for i, r in enumerate(c.item.responses)],
         "gold": c.gold, "explanation": render_markdown(c.explanation)}
        for c in spec.casebook.cases
    ]


def build_view(session: Session, project: Project, item_id: int, user_id: int, *, mode: str, target_id: int,
               _: Translate, expires_at: Any = None) -> TaskView:
    spec = load_project_spec(session, project)
    item = session.get(Item, item_id)
    assert item is not None
    rows = list(session.scalars(
        select(ModelResponse).where(ModelResponse.item_id == item_id).order_by(ModelResponse.position)))
    shown = rows[: spec.layout.responses] if spec.layout.responses else []
    judgement = session.scalar(select(Judgement).where(Judgement.item_id == item_id, Judgement.user_id == user_id))
    answers = to_letter_answers(spec, judgement.answers, rows) if judgement is not None and judgement.answers else {}
    return TaskView(
        project=project, spec=spec, item=item,
        responses=[ShownResponse(response_letter(i), r.content, render_markdown(r.content),
                                 r.model if spec.layout.show_model_names else None,
                                 _math_check(r.meta) if "reference" in spec.layout.fields else None)
                   for i, r in enumerate(shown)],
        answers=answers, mode=mode, target_id=target_id, expires_at=expires_at,
        time_spent_ms=(judgement.time_spent_ms or 0) if judgement is not None else 0,
        fields=_item_fields(spec, item, _), guidelines=render_markdown(spec.guidelines.text),
        cases=_cases(spec),
        suggestions={s.question + (f".{s.letter}" if s.letter else ""): s for s in item_suggestions(
            session, spec, project.id, item_id, [r.id for r in shown], [response_letter(i) for i in range(len(shown))])},
    )


JS_STRINGS = (
    "Saved", "Saving…", "Not saved: {error}", "An answer is required", "Fix the marked questions first.",
    "Please confirm:", "Submit anyway", "Go back", "Why are you skipping this task?", "Skip", "Cancel",
    "Find text to mark", "No such text in this response", "Select the label for the span", "Comment",
    "Suggested fix", "Delete", "Submitting…", "Submitted", "Time", "Network error; your answers are kept. Try again.",
    "Select text in the response (or type it) before marking.", "tied with the one above",
)


def task_config(view: TaskView, shortcuts: dict[str, str] | None, _: Translate, csrf: str) -> dict[str, Any]:
    """What task.js needs, embedded in the page as JSON."""
    return {
        "mode": view.mode,
        "target": view.target_id,
        "project": view.project.slug,
        "csrf": csrf,
        "answers": view.answers,
        "responses": [r.letter for r in view.responses],
        "questions": [q.model_dump(mode="json") for q in view.spec.questions],
        "shortcuts": effective(shortcuts),
        "time_spent_ms": view.time_spent_ms,
        "strings": {s: _(s) for s in JS_STRINGS},
    }

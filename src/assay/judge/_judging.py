"""`judge_project`: a model judge answers the project's questions, one stored verdict per unit.

Results are written as they arrive, in small transactions, so a run killed half-way keeps what it
had; running the same command again opens the same run (it is identified by its configuration),
skips the units already stored and retries only the calls that failed. Replies come through the
provider layer's on-disk cache, so a repeated request never costs twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import insert

from assay.judge._execute import Execute, ResultHandler, default_execute, error_kind
from assay.judge._parse import parse_verdict
from assay.judge._prompts import judgeable, pairwise_messages, pointwise_messages
from assay.judge._runs import ResultBuffer, RunSummary, close_run, open_run
from assay.judge._units import ItemView, Unit, count_units, item_batches, units_for
from assay.models import Endpoint, ModelError, ModelReply, ModelRequest
from assay.spec import ProjectSpec, Question, QuestionKind
from assay.store import Database, JudgeVerdict, RunKind, RunStatus
from assay.store.projects import get_project, load_project_spec

Progress = Callable[[int, int | None], None]


class NothingToJudge(ValueError):
    """The project has no question a judge can answer (the message says why for each)."""


@dataclass(frozen=True)
class JudgeOptions:
    """How a judge run is made. Defaults suit a judge: greedy decoding, both orders for pairs."""

    questions: tuple[str, ...] = ()
    """Only these question keys (default: the spec's `judge.questions`, else every judgeable one)."""
    both_orders: bool | None = None
    """Ask pairwise questions in both orders (default: the spec's `judge.both_orders`)."""
    temperature: float | None = 0.0
    max_tokens: int | None = 1024
    name: str | None = None
    """Name shown in reports (default: "judge <endpoint>")."""
    limit: int | None = None
    """Judge only the first N items (by id), e.g. for a trial run."""


def _questions(spec: ProjectSpec, wanted: tuple[str, ...]) -> list[Question]:
    chosen, skipped = judgeable(spec)
    if wanted:
        by_key = {q.key: q for q in chosen}
        reasons = dict(skipped)
        out = []
        for key in wanted:
            if key in by_key:
                out.append(by_key[key])
            else:
                spec.question(key)  # KeyError naming the questions when the key is unknown
                raise NothingToJudge(f"question {key!r}: {reasons.get(key, 'not judged')}")
        return out
    if not chosen:
        why = "; ".join(f"{k}: {r}" for k, r in skipped) or "no questions"
        raise NothingToJudge(f"no question a judge can answer ({why})")
    return chosen


def _config(spec: ProjectSpec, endpoint: Endpoint, questions: list[Question], both: bool,
            request: ModelRequest) -> dict[str, Any]:
    """Everything that decides the replies: a change here is a different run."""
    prompt_parts = orjson.dumps({
        "questions": [q.model_dump(mode="json") for q in questions],
        "judge": spec.judge.model_dump(mode="json", exclude={"show_suggestions"}),
        "guidelines": spec.guidelines.text if spec.judge.guidelines_chars else "",
        "layout": spec.layout.model_dump(mode="json"),
    }, option=orjson.OPT_SORT_KEYS)
    return {
        "kind": "judge",
        "endpoint": {"provider": endpoint.provider, "base_url": endpoint.base_url, "model": endpoint.model},
        "params": request.effective_params(endpoint),
        "questions": [q.key for q in questions],
        "both_orders": both,
        "prompt_sha256": hashlib.sha256(prompt_parts).hexdigest(),
    }


def _request(spec: ProjectSpec, q: Question, view: ItemView, unit: Unit, options: JudgeOptions) -> ModelRequest:
    texts = {rid: text for rid, text, _ in view.responses}
    if q.kind == QuestionKind.COMPARE:
        a, b = texts[unit.response_id], texts[unit.other_response_id]
        first, second = (b, a) if unit.swapped else (a, b)
        messages = pairwise_messages(spec, q, view.content, first, second)
    else:
        messages = pointwise_messages(spec, q, view.content, texts[unit.response_id])
    return ModelRequest(messages=messages, temperature=options.temperature, max_tokens=options.max_tokens)


def _stored_value(q: Question, value: Any, swapped: bool) -> tuple[Any, float | None]:
    """The verdict in the project's answer format, pairs in stored order, and its numeric score."""
    if value is None:
        return None, None
    if q.kind == QuestionKind.COMPARE:
        side = {"A": "B", "B": "A"}.get(value, value) if swapped else value
        # Judges give the winner only: a strength scale, which people must fill in, stays empty.
        return {"winner": side, "strength": None}, {"A": 1.0, "B": 0.0, "tie": 0.5}[side]
    if q.kind == QuestionKind.RATING:
        return value, float(value)
    return value, None


def judge_project(db: Database, slug: str, endpoint: Endpoint, *, options: JudgeOptions | None = None,
                  user_id: int | None = None, execute: Execute | None = None,
                  progress: Progress | None = None,
                  on_start: Callable[[int], None] | None = None) -> RunSummary:
    """Have the model behind `endpoint` answer the project's judgeable questions; see the module doc.
    `on_start(run_id)` is called once the run exists, before any call is made."""
    options = options or JudgeOptions()
    execute = execute or default_execute
    with db.write_session() as session:
        project = get_project(session, slug)
        spec = load_project_spec(session, project)
        questions = _questions(spec, options.questions)
        both = spec.judge.both_orders if options.both_orders is None else options.both_orders
        probe = ModelRequest(messages=[{"role": "user", "content": "-"}], temperature=options.temperature,
                             max_tokens=options.max_tokens)
        config = _config(spec, endpoint, questions, both, probe)
        run, resumed = open_run(session, project.id, RunKind.judge, options.name or f"judge {endpoint.name}", config,
                                endpoint=endpoint.name, model=endpoint.model, user_id=user_id)
        run_id, run_name, project_id = run.id, run.name, project.id
        total = count_units(session, project.id, spec, questions, both, limit=options.limit)
    if on_start is not None:
        on_start(run_id)
    by_key = {q.key: q for q in questions}
    state = _State(db, run_id)
    # The content of items with calls in flight, for the parser's "quoted from the content" rule;
    # dropped when an item's last result is in, so memory stays flat over a long run.
    untrusted: dict[int, dict[int, str | None]] = {}
    pending: dict[int, int] = {}

    def units() -> Iterator[tuple[Unit, ModelRequest]]:
        for batch, done in item_batches(db, project_id, spec, run_id, limit=options.limit):
            for view in batch:
                every = units_for(spec, questions, view, both)
                todo = [u for u in every if u.key not in done]
                state.already_done += len(every) - len(todo)
                if not todo:
                    continue
                untrusted[view.item_id] = {-1: view.content.conversation, -2: view.content.reference,
                                           **{rid: text for rid, text, _ in view.responses}}
                pending[view.item_id] = len(todo)
                for unit in todo:
                    yield unit, _request(spec, by_key[unit.question], view, unit, options)

    def on_result(unit: Unit, result: ModelReply | ModelError) -> None:
        q = by_key[unit.question]
        content = untrusted.get(unit.item_id, {})
        pending[unit.item_id] -= 1
        if pending[unit.item_id] <= 0:
            untrusted.pop(unit.item_id, None)
            pending.pop(unit.item_id, None)
        if isinstance(result, ModelError):
            state.tally.add_error(error_kind(result))
            state.failed += 1
        else:
            shown = [content.get(-1), content.get(-2), content.get(unit.response_id),
                     content.get(unit.other_response_id)]
            parsed = parse_verdict(result.text, q, untrusted=shown)
            value, score = _stored_value(q, parsed.value, unit.swapped)
            state.rows.append({
                "run_id": run_id, "project_id": project_id, "item_id": unit.item_id, "question": unit.question,
                "response_id": unit.response_id, "other_response_id": unit.other_response_id,
                "swapped": unit.swapped, "judge": endpoint.name, "value": value, "score": score,
                "reasoning": parsed.reasoning or None, "reply": result.text, "error": parsed.error,
                "input_tokens": result.usage.input_tokens, "output_tokens": result.usage.output_tokens,
                # What producing this verdict cost, even when this run got it from the cache for free.
                "cost_usd": endpoint.cost(result.usage.input_tokens, result.usage.output_tokens)
                if result.cached else result.cost_usd,
                "cached": result.cached, "latency_ms": int(result.latency_ms),
            })
            state.tally.add_reply(cached=result.cached, input_tokens=result.usage.input_tokens,
                                  output_tokens=result.usage.output_tokens, cost=result.cost_usd)
            state.unscored += parsed.value is None
        if state.due():
            state.flush()

    status = RunStatus.stopped
    try:
        execute(endpoint, units(), on_result=on_result, progress=progress, total=total,
                purpose="judge")
        status = RunStatus.finished if state.failed == 0 else RunStatus.stopped
    finally:
        total_cost = close_run(db, state, status)
    t = state.totals
    return RunSummary(run_id=run_id, name=run_name, resumed=resumed, units=total, already_done=state.already_done,
                      done_now=state.stored, unscored=state.unscored, failed=state.failed,
                      error_kinds=dict(t.error_kinds), calls=t.calls, cache_hits=t.cache_hits,
                      input_tokens=t.input_tokens, output_tokens=t.output_tokens, cost_usd=t.cost_usd,
                      total_cost_usd=total_cost)


class _State(ResultBuffer):
    """Verdicts waiting to be written, and what this attempt saw."""

    def __init__(self, db: Database, run_id: int) -> None:
        super().__init__(db, run_id, lambda session, rows: session.execute(insert(JudgeVerdict), rows))
        self.already_done = self.unscored = self.failed = 0


__all__ = ["JudgeOptions", "NothingToJudge", "ResultHandler", "judge_project"]

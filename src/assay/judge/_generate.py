"""`generate_responses`: a model answers the project's prompts; the answers become responses to annotate
or evaluate, with the sampling settings recorded beside each one.

Like judging, a generation run is identified by its configuration and resumable: items that already
have this run's `samples` responses are skipped, failed calls are retried by running again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from assay.io._item_sink import response_hash
from assay.judge._execute import Execute, default_execute, error_kind
from assay.judge._runs import ResultBuffer, RunSummary, close_run, open_run
from assay.models import Endpoint, ModelError, ModelReply, ModelRequest
from assay.store import Database, Item, Response, RunKind, RunStatus
from assay.store.projects import get_project

BATCH = 500


@dataclass(frozen=True)
class GenerateOptions:
    """How responses are sampled. Unset settings fall back to the endpoint's defaults."""

    samples: int = 1
    """Responses per item from this model (different seeds when a seed is given)."""
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    system: str | None = None
    """System prompt used when the item has none."""
    label: str | None = None
    """Model name stored with each response (default: the endpoint's model)."""
    limit: int | None = None
    """Only the first N items (by id)."""


def _messages(prompt: str | None, messages: list[dict[str, Any]] | None, system: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    if messages:
        out.extend(m for m in messages if not (system and m.get("role") == "system"))
    if prompt:
        out.append({"role": "user", "content": prompt})
    return out


def generate_responses(db: Database, slug: str, endpoint: Endpoint, *, options: GenerateOptions | None = None,
                       user_id: int | None = None, execute: Execute | None = None,
                       progress: Callable[[int, int | None], None] | None = None,
                       on_start: Callable[[int], None] | None = None) -> RunSummary:
    """Sample `options.samples` responses per item from `endpoint` and store them; see the module doc."""
    options = options or GenerateOptions()
    execute = execute or default_execute
    label = options.label or endpoint.model

    def request(messages: list[dict[str, Any]], sample: int) -> ModelRequest:
        seed = None if options.seed is None else options.seed + sample
        return ModelRequest(messages=messages, temperature=options.temperature, top_p=options.top_p,
                            max_tokens=options.max_tokens, seed=seed)

    probe = request([{"role": "user", "content": "-"}], 0)
    config = {"kind": "generate", "label": label, "samples": options.samples, "system": options.system,
              "endpoint": {"provider": endpoint.provider, "base_url": endpoint.base_url, "model": endpoint.model},
              "params": probe.effective_params(endpoint)}
    with db.write_session() as session:
        project = get_project(session, slug)
        run, resumed = open_run(session, project.id, RunKind.generate, f"generate {label}", config,
                                endpoint=endpoint.name, model=endpoint.model, user_id=user_id)
        run_id, run_name, project_id = run.id, run.name, project.id
        n_items = session.scalar(select(func.count()).select_from(Item).where(Item.project_id == project_id)) or 0
    if on_start is not None:
        on_start(run_id)
    n_items = n_items if options.limit is None else min(n_items, options.limit)
    total = n_items * options.samples
    params = probe.effective_params(endpoint)
    counts = {"already": 0, "failed": 0, "empty": 0}

    def units() -> Iterator[tuple[tuple[int, int], ModelRequest]]:
        last, seen = 0, 0
        while options.limit is None or seen < options.limit:
            size = BATCH if options.limit is None else min(BATCH, options.limit - seen)
            # A short transaction per batch: a run lasts hours, an open transaction must not.
            with db.session() as session:
                batch = list(session.execute(
                    select(Item.id, Item.prompt, Item.messages, Item.system)
                    .where(Item.project_id == project_id, Item.id > last).order_by(Item.id).limit(size)))
                if not batch:
                    return
                ids = [row.id for row in batch]
                have: dict[int, set[int]] = {}
                for item_id, meta in session.execute(
                    select(Response.item_id, Response.meta).where(Response.item_id.in_(ids), Response.run_id == run_id)
                ):
                    have.setdefault(item_id, set()).add(int((meta or {}).get("sample", 0)))
            for row in batch:
                messages = _messages(row.prompt, row.messages, row.system or options.system)
                for sample in range(options.samples):
                    if sample in have.get(row.id, set()):
                        counts["already"] += 1
                    elif messages:
                        yield (row.id, sample), request(messages, sample)
            last, seen = ids[-1], seen + len(ids)

    def write(session: Session, batch: list[dict[str, Any]]) -> None:
        # Each new response goes after the item's last one, whatever was added since the run began.
        positions = dict(session.execute(
            select(Response.item_id, func.max(Response.position))
            .where(Response.item_id.in_({r["item_id"] for r in batch})).group_by(Response.item_id)).all())
        for r in batch:
            positions[r["item_id"]] = r["position"] = (positions.get(r["item_id"]) or -1) + 1
        session.execute(insert(Response), batch)

    buffer = ResultBuffer(db, run_id, write)

    def on_result(key: tuple[int, int], result: ModelReply | ModelError) -> None:
        item_id, sample = key
        if isinstance(result, ModelError):
            buffer.tally.add_error(error_kind(result))
            counts["failed"] += 1
        else:
            buffer.tally.add_reply(cached=result.cached, input_tokens=result.usage.input_tokens,
                            output_tokens=result.usage.output_tokens, cost=result.cost_usd)
            meta = {"run": run_id, "sample": sample, "params": params, "finish_reason": result.finish_reason,
                    "served_by": result.model, "usage": {"input_tokens": result.usage.input_tokens,
                                                         "output_tokens": result.usage.output_tokens}}
            if result.refusal:
                meta["refusal"] = result.refusal
            if result.reasoning:
                meta["reasoning"] = result.reasoning
            text = result.text or result.refusal or ""
            counts["empty"] += not text
            buffer.rows.append({"item_id": item_id, "project_id": project_id, "model": label, "content": text,
                         "content_hash": response_hash(label, text), "meta": meta, "run_id": run_id,
                         "position": 0})
        if buffer.due():
            buffer.flush()

    status = RunStatus.stopped
    try:
        execute(endpoint, units(), on_result=on_result, progress=progress, total=total - counts["already"],
                purpose="generate")
        status = RunStatus.finished if counts["failed"] == 0 else RunStatus.stopped
    finally:
        total_cost = close_run(db, buffer, status)
    totals = buffer.totals
    return RunSummary(run_id=run_id, name=run_name, resumed=resumed, units=total, already_done=counts["already"],
                      done_now=buffer.stored, unscored=counts["empty"], failed=counts["failed"],
                      error_kinds=dict(totals.error_kinds), calls=totals.calls, cache_hits=totals.cache_hits,
                      input_tokens=totals.input_tokens, output_tokens=totals.output_tokens, cost_usd=totals.cost_usd,
                      total_cost_usd=total_cost)


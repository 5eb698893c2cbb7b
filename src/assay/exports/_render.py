"""Plans to records: the item's prompt and the responses' texts, fetched a batch of items at a time.

Ways out that produce the same bytes: canonical records (`assay.formats` models, written by the
schema's own writer) for every schema; for the hot preference schemas, plain dict rows built straight
from the stored messages (`fast_pair_row`, through `CanonicalWriter` for the containers without a
fast writer), and the messages' dicts and JSON (`Turns`) that the fast writers of `_lines` (JSONL) and
`_columnar` (Parquet) take. The fast ways are only used where they are provably the same (tests compare
the files); anything unusual about a record (tool calls, reasoning, non-text content) takes the
canonical path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from assay.formats import (
    KTOExample,
    Message,
    PreferencePair,
    RatedExample,
    RatedResponse,
    RecordError,
    SFTExample,
    WriteOptions,
    get_format,
    parse_record,
)
from assay.store import Item, Response

from ._errors import ExportError
from ._load import CHUNK, ProjectLabels, fetch
from ._options import ExportOptions
from ._plans import KTOPlan, PairPlan, Plan, RatedPlan, SFTPlan

_OPENAI_CHAT = get_format("openai-chat")
# Item metadata keys the import of training formats fills from the record's own fields (written back
# through those fields, not as metadata).
IMPORT_KEYS = frozenset({"tools", "margin"})
_ROLES = frozenset({"system", "user", "assistant", "tool"})
_PLAIN_KEYS = frozenset({"role", "content"})


class Turns:
    """Messages in canonical form, and (when every message is plain role + text) the same messages as
    the dicts the schema writers produce, for the fast rows. Plain messages become `Message` objects
    only when a canonical record asks for them."""

    __slots__ = ("_json", "_messages", "dicts")

    def __init__(self, messages: list[Message] | None, dicts: list[dict[str, Any]] | None) -> None:
        self._messages = messages
        self.dicts = dicts
        self._json: bytes | None = None

    @property
    def json(self) -> bytes | None:
        """The plain messages as the JSONL writer serialises them (None when they are not plain)."""
        if self._json is None and self.dicts is not None:
            self._json = orjson.dumps(self.dicts, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        return self._json

    @property
    def messages(self) -> list[Message]:
        if self._messages is None:
            assert self.dicts is not None
            self._messages = [Message(role=d["role"], content=d["content"]) for d in self.dicts]
        return self._messages


def _plain(raw: Sequence[Any]) -> bool:
    return all(isinstance(m, dict) and m.keys() == _PLAIN_KEYS and m["role"] in _ROLES and type(m["content"]) is str
               for m in raw)


def turns(raw: list[dict[str, Any]]) -> Turns:
    """Stored messages (OpenAI shape, as imports keep them) as `Turns`; RecordError naming the field."""
    if _plain(raw):
        # The writers turn a plain message into exactly {"role": ..., "content": ...}, in that order.
        return Turns(None, [m if next(iter(m)) == "role" else {"role": m["role"], "content": m["content"]} for m in raw])
    example = parse_record(_OPENAI_CHAT, {"messages": raw})
    assert isinstance(example, SFTExample)
    return Turns(example.messages, None)


@dataclass(slots=True)
class ItemText:
    prompt: Turns
    tools: list[dict[str, Any]] | None
    extra: dict[str, Any]
    """Item metadata an imported training record brought (written back when re-exporting imported labels)."""


@dataclass(slots=True)
class ResponseText:
    answer: Turns
    content: str
    model: str | None


class Texts:
    """Prompts and responses of a batch of items."""

    def __init__(self, session: Session, labels: ProjectLabels) -> None:
        self.session = session
        self.labels = labels
        self.items: dict[int, ItemText] = {}
        self.responses: dict[int, ResponseText] = {}

    def load(self, item_ids: list[int]) -> None:
        """The texts of ``item_ids`` (sorted). Ids of a project are mostly contiguous: then one range
        query by primary key for the items and one by item for their responses (ids in the range that
        are not asked for are skipped); scattered ids are asked for in lists."""
        self.items.clear()
        self.responses.clear()
        if not item_ids:
            return
        wanted = set(item_ids)
        low, high = item_ids[0], item_ids[-1]
        if high - low < 4 * len(item_ids):
            # By primary key alone: with a project condition SQLite walked the project's index for
            # every batch (quadratic in the project's size).
            ranges = [(Item.id.between(low, high), Response.item_id.between(low, high))]
        else:
            ranges = [(Item.id.in_(chunk), Response.item_id.in_(chunk))
                      for chunk in (item_ids[i:i + CHUNK] for i in range(0, len(item_ids), CHUNK))]
        loads = orjson.loads
        for item_where, response_where in ranges:
            for iid, prompt, messages, system, meta in fetch(self.session, select(
                    Item.id, Item.prompt, cast(Item.messages, Text), Item.system, cast(Item.meta, Text))
                    .where(item_where)):
                if iid in wanted:
                    self.items[iid] = self._item(iid, prompt, loads(messages) if messages else None, system,
                                                 (loads(meta) if meta else None) or {})
            for rid, iid, model, content, meta in fetch(self.session, select(
                    Response.id, Response.item_id, Response.model, Response.content, cast(Response.meta, Text))
                    .where(response_where)):
                if iid in wanted:
                    self.responses[rid] = self._response(rid, iid, model, content,
                                                         (loads(meta) if meta else None) or {})

    def _item(self, iid: int, prompt: str | None, messages: Any, system: str | None, meta: dict[str, Any]) -> ItemText:
        tools = meta.get("tools")
        extra = {k: v for k, v in meta.items() if k not in IMPORT_KEYS} if meta else meta
        if messages is None and prompt is not None:
            # Most items: a prompt (and a system prompt), plain by construction.
            dicts = [{"role": "system", "content": system}, {"role": "user", "content": prompt}] if system else \
                [{"role": "user", "content": prompt}]
            return ItemText(Turns(None, dicts), tools if isinstance(tools, list) else None, extra)
        raw: list[dict[str, Any]] = []
        if system:
            raw.append({"role": "system", "content": system})
        if isinstance(messages, list):
            raw.extend(messages)
        if prompt is not None:
            raw.append({"role": "user", "content": prompt})
        try:
            prompt_turns = turns(raw)
        except RecordError as e:
            raise ExportError(f"item {self.labels.items[iid].ref}: {e}") from None
        return ItemText(prompt_turns, tools if isinstance(tools, list) else None, extra)

    def _response(self, rid: int, iid: int, model: str | None, content: str, meta: dict[str, Any]) -> ResponseText:
        stored = meta.get("messages") if meta else None
        if isinstance(stored, list) and stored:
            raw = stored  # an answer of several turns (tool calls and their results), as imported
        elif meta and meta.get("tool_calls"):
            raw = [{"role": "assistant", "content": content, "tool_calls": meta["tool_calls"]}]
        else:
            return ResponseText(Turns(None, [{"role": "assistant", "content": content}]), content, model)
        try:
            return ResponseText(turns(raw), content, model)
        except RecordError as e:
            raise ExportError(f"item {self.labels.items[iid].ref}, response {rid}: {e}") from None


class Renderer:
    """Turns plans into canonical records (and, for the hot schemas, into fast rows)."""

    def __init__(self, labels: ProjectLabels, options: ExportOptions, texts: Texts) -> None:
        self.labels = labels
        self.options = options
        self.texts = texts
        self.metadata = options.include_metadata

    def base(self, item: int, annotator: int | None) -> dict[str, Any]:
        """The lineage a record carries: the item's id, domain, language; the person behind it."""
        if not self.metadata:
            return {}
        info = self.labels.items[item]
        meta: dict[str, Any] = {"id": info.ref}
        for key in ("domain", "subdomain", "language"):
            value = getattr(info, key)
            if value is not None:
                meta[key] = value
        if annotator is not None:
            meta["annotator"] = self.labels.usernames.get(annotator, str(annotator))
        if self.options.labels == "imported":
            # What the imported record carried beyond its schema comes back out; people's projects keep
            # their item metadata (answer keys, hidden provenance) out of training files.
            meta.update(self.texts.items[item].extra)
        return meta

    def record(self, plan: Plan) -> Any:
        if isinstance(plan, PairPlan):
            return self.pair(plan)
        if isinstance(plan, SFTPlan):
            return self.sft(plan)
        if isinstance(plan, KTOPlan):
            return self.kto(plan)
        return self.rated(plan)

    def pair(self, plan: PairPlan) -> PreferencePair:
        item = self.texts.items[plan.item]
        chosen, rejected = self.texts.responses[plan.chosen], self.texts.responses[plan.rejected]
        return PreferencePair(prompt=item.prompt.messages, chosen=chosen.answer.messages,
                              rejected=rejected.answer.messages, tools=item.tools, score_chosen=plan.score_chosen,
                              score_rejected=plan.score_rejected, margin=plan.margin,
                              metadata=self.pair_meta(plan, chosen, rejected))

    def pair_meta(self, plan: PairPlan, chosen: ResponseText, rejected: ResponseText) -> dict[str, Any]:
        meta = self.base(plan.item, plan.annotator)
        if self.metadata:
            if chosen.model is not None:
                meta["model_chosen"] = chosen.model
            if rejected.model is not None:
                meta["model_rejected"] = rejected.model
        return meta

    def sft(self, plan: SFTPlan) -> SFTExample:
        item = self.texts.items[plan.item]
        meta = self.base(plan.item, plan.annotator)
        if plan.text is not None:
            answer = [Message(role="assistant", content=plan.text)]
        else:
            assert plan.response is not None
            response = self.texts.responses[plan.response]
            answer = response.answer.messages
            if self.metadata and response.model is not None:
                meta["model"] = response.model
        return SFTExample(messages=[*item.prompt.messages, *answer], tools=item.tools, metadata=meta)

    def kto(self, plan: KTOPlan) -> KTOExample:
        item = self.texts.items[plan.item]
        response = self.texts.responses[plan.response]
        meta = self.base(plan.item, plan.annotator)
        if self.metadata and response.model is not None:
            meta["model"] = response.model
        return KTOExample(prompt=item.prompt.messages, completion=response.answer.messages, label=plan.desirable,
                          metadata=meta)

    def rated(self, plan: RatedPlan) -> RatedExample:
        item = self.texts.items[plan.item]
        responses = [RatedResponse(content=self.texts.responses[p.response].content,
                                   model=self.texts.responses[p.response].model, ratings=p.ratings,
                                   rationales=p.rationales, metadata=dict(p.extra))
                     for p in plan.parts]
        return RatedExample(prompt=item.prompt.messages, responses=responses,
                            metadata=self.base(plan.item, plan.annotator))

    def table_rows(self, plan: RatedPlan) -> list[dict[str, Any]]:
        """The flat long table: one row per response × criterion."""
        item = self.texts.items[plan.item]
        info = self.labels.items[plan.item]
        rids = self.labels.responses.get(plan.item, [])
        prompt = item.prompt.dicts if item.prompt.dicts is not None else _dicts(item.prompt.messages)
        annotator = self.labels.usernames.get(plan.annotator) if plan.annotator is not None else None
        rows = []
        for part in plan.parts:
            response = self.texts.responses[part.response]
            letter = chr(ord("A") + rids.index(part.response)) if part.response in rids else None
            rationale = "\n\n".join(part.rationales.values()) or None
            for criterion, rating in part.ratings.items():
                rows.append({"item": info.ref, "domain": info.domain, "language": info.language, "prompt": prompt,
                             "response": letter, "model": response.model, "content": response.content,
                             "criterion": criterion, "rating": rating, "n": part.n.get(criterion),
                             "confidence": part.confidence.get(criterion), "agreement": part.agreement.get(criterion),
                             "annotator": annotator, "rationale": rationale})
        return rows


TABLE_COLUMNS = ["item", "domain", "language", "prompt", "response", "model", "content", "criterion", "rating", "n",
                 "confidence", "agreement", "annotator", "rationale"]


def _dicts(messages: list[Message]) -> list[dict[str, Any]]:
    rows = _OPENAI_CHAT.write(SFTExample(messages=messages), WriteOptions())
    result: list[dict[str, Any]] = rows[0]["messages"]
    return result


# ---- fast rows ---------------------------------------------------------------------------------

def fast_schema(options: ExportOptions) -> bool:
    """Whether the schema and its options have a fast row builder."""
    name = options.record_schema.replace("_", "-")
    if name == "openai-dpo":
        return True
    return name == "trl-preference" and options.form == "conversational" and not options.implicit_prompt


def fast_pair_row(r: Renderer, plan: PairPlan, schema: str, fixed_columns: bool) -> dict[str, Any] | None:
    """The row the schema's writer makes of this pair, or None when a message is not plain (then the
    canonical path writes it). ``fixed_columns``: metadata folded into one column, as `CanonicalWriter`
    does for CSV, Parquet and the other fixed-column containers."""
    item = r.texts.items[plan.item]
    chosen, rejected = r.texts.responses[plan.chosen], r.texts.responses[plan.rejected]
    p, c, x = item.prompt.dicts, chosen.answer.dicts, rejected.answer.dicts
    if p is None or c is None or x is None:
        return None
    if schema == "openai-dpo":
        source: dict[str, Any] = {"messages": p}
        if item.tools is not None:
            return None  # tool schemas are validated by the canonical model
        row: dict[str, Any] = {"input": source, "preferred_output": c, "non_preferred_output": x}
        keys: tuple[str, ...] = ("input", "preferred_output", "non_preferred_output", "preferred_completion",
                                 "non_preferred_completion")
    else:
        if item.tools is not None:
            return None
        row = {"prompt": p, "chosen": c, "rejected": x}
        # PreferencePair holds scores as floats: the canonical path writes 4.0, not 4.
        for key in ("score_chosen", "score_rejected", "margin"):
            value = getattr(plan, key)
            if value is not None:
                row[key] = float(value)
        keys = ("prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin", "tools")
    meta = r.pair_meta(plan, chosen, rejected)
    if not meta:
        return row
    if fixed_columns:
        row["metadata"] = meta
        return row
    for key, value in meta.items():
        if key in keys or key in row:
            return None  # the canonical writer explains the clash
        row[key] = value
    return row

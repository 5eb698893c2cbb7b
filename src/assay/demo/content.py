"""Deterministic content for the demo workspace's four example projects.

`demo_records(kind)` returns plain dicts in Assay's prompt-and-responses import shape:

    {"id": "stem-0001",
     "prompt": "...",                  # or "messages": [{"role": ..., "content": ...}, ...] ending with a user turn
     "system": "...",                  # optional, only alongside "prompt"
     "reference": "...",               # when the task has a checkable answer
     "domain": "STEM", "subdomain": "Mathematics",
     "language": "en" | "zh",
     "responses": [{"model": "...", "content": "..."}],
     "metadata": {"source": "assay-demo", "difficulty": "easy" | "medium" | "hard", ...}}

Everything is built in memory from hand-written seeds plus generators seeded with a fixed
`random.Random`, so two calls return equal lists and nothing touches the network. Answers marked
correct are computed in code. Some content is deliberately flawed (that is what the demo projects
exist to catch); the flaws are labelled in the metadata:

- stem-rubric: `response_quality` (correct, sloppy_reasoning, wrong_final_answer, hallucinated_theorem);
- pairwise-preference: `criterion` and `expected_preference` ("A" or "B");
- safety-spans: `planted_issues`, each `{"label", "quote"}` with `quote` an exact substring of the response.

A few records carry `untrusted_html: true`: their text quotes HTML such as `<script>` tags, `onerror`
handlers or `javascript:` links, which a renderer must show as inert text.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from assay.demo._seed_common import MODELS, SUBDOMAINS
from assay.demo._seed_pairwise import pairwise_records
from assay.demo._seed_safety import LABELS as SAFETY_LABELS
from assay.demo._seed_safety import safety_records
from assay.demo._seed_sft import sft_records
from assay.demo._seed_stem import stem_records

DemoKind = Literal["stem-rubric", "pairwise-preference", "sft-writing", "safety-spans"]
DEMO_KINDS: tuple[DemoKind, ...] = get_args(DemoKind)

ID_PREFIXES: dict[DemoKind, str] = {
    "stem-rubric": "stem",
    "pairwise-preference": "pairwise",
    "sft-writing": "sft",
    "safety-spans": "safety",
}
"""External ids are `{prefix}-{n:04d}`, numbered from 1 in a stable order."""

_BUILDERS = {
    "stem-rubric": stem_records,
    "pairwise-preference": pairwise_records,
    "sft-writing": sft_records,
    "safety-spans": safety_records,
}


def demo_records(kind: DemoKind) -> list[dict[str, Any]]:
    """The records of one demo project, freshly built (callers may mutate them freely)."""
    try:
        build = _BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown demo kind {kind!r}; expected one of {list(DEMO_KINDS)}") from None
    prefix = ID_PREFIXES[kind]
    return [{"id": f"{prefix}-{n:04d}", **rec} for n, rec in enumerate(build(), start=1)]


__all__ = ["DEMO_KINDS", "ID_PREFIXES", "MODELS", "SAFETY_LABELS", "SUBDOMAINS", "DemoKind", "demo_records"]

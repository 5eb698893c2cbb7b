"""The offline judge: a transparent heuristic that plays a judge without any model, for the demo and
tests. It reads Assay's own judge prompt and answers in the requested verdict format.

- Rating: with a reference answer, the top of the scale when the reference's final answer appears in
  the response's last lines, the bottom otherwise; without one, a position on the scale from the
  response's length (longer scores higher).
- Choice: the first option whose value appears in the response, else the first option.
- Compare: the longer response wins unless the lengths are within 10% (a tie when ties are allowed).

It is deliberately length-biased, so judge calibration has a bias to find. With a custom template it
falls back to a verdict drawn from the request's digest.
"""

from __future__ import annotations

import math
import re

from assay.models import ModelRequest, request_digest

_TAG = r"<{name}-(?P<nonce>[0-9a-f]{{10}})>\n(?P<body>.*?)\n</{name}-(?P=nonce)>"
_RATING = re.compile(r"Verdict: <one whole number from (-?\d+) to (-?\d+)>")
_CHOICE = re.compile(r"Verdict: <(?:exactly one of|the applicable options, comma-separated, from): ([^>]*)>")
_COMPARE = re.compile(r"Verdict: <(A, B or tie|A or B)>")
_LAST_TOKEN = re.compile(r"[-+]?\d+(?:[./]\d+)?|[A-Za-z]+")


def _block(text: str, name: str) -> str | None:
    m = re.search(_TAG.format(name=name), text, re.DOTALL)
    return m.group("body") if m else None


def _final_answer(reference: str) -> str | None:
    tokens = _LAST_TOKEN.findall(reference)
    return tokens[-1] if tokens else None


def offline_judge(request: ModelRequest) -> str:
    text = request.last_user_text()
    if (m := _RATING.search(text)) is not None:
        low, high = int(m.group(1)), int(m.group(2))
        response = _block(text, "response") or ""
        reference = _block(text, "reference")
        if reference:
            answer = _final_answer(reference)
            tail = "\n".join(response.strip().split("\n")[-3:])
            hit = answer is not None and answer in tail
            value = high if hit else low
            why = f"The reference's final answer {answer!r} {'appears' if hit else 'does not appear'} at the end."
        else:
            share = min(1.0, math.log10(1 + len(response)) / 3.5)
            value = low + round(share * (high - low))
            why = f"The response has {len(response)} characters."
        return f"Heuristic judge. {why}\nVerdict: {value}"
    if (m := _CHOICE.search(text)) is not None:
        options = [o.strip() for o in m.group(1).split(",") if o.strip()]
        response = (_block(text, "response") or "").casefold()
        pick = next((o for o in options if o.casefold() in response), options[0] if options else "")
        return f"Heuristic judge: picked the first option named in the response, else the first.\nVerdict: {pick}"
    if (m := _COMPARE.search(text)) is not None:
        a, b = len(_block(text, "response-a") or ""), len(_block(text, "response-b") or "")
        if m.group(1).endswith("tie") and abs(a - b) <= 0.1 * max(a, b, 1):
            side = "tie"
        else:
            side = "A" if a >= b else "B"
        return f"Heuristic judge: response A has {a} characters, response B {b}; the longer wins.\nVerdict: {side}"
    digest = request_digest(request)
    return f"Heuristic judge: unknown prompt format.\nVerdict: {digest[0] % 5 + 1}"

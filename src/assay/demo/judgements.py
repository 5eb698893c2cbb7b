"""Demo judgements: what three annotators might have said about the first demo items.

Generated from the quality planted in the demo content, with seeded noise so annotators disagree the
way real ones do. They arrive through the long-format judgements import, like a team's history would,
with the time each took and when it was submitted, so the quality page has speed and drift to show.
The vendor's annotator works fast on part of the items and pastes the same rationale everywhere:
the scorecards should flag exactly that.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

ANNOTATORS = ("annotator", "li.wei", "vendor.annotator")
# Centre of the correctness rating for each planted response quality.
QUALITY_SCORE = {"correct": 5, "sloppy_reasoning": 3, "wrong_final_answer": 1, "hallucinated_theorem": 2}
RATIONALES = {
    1: "The final answer is wrong; the derivation goes astray in the second step.",
    2: "Cites a result that does not exist and the conclusion does not follow from it.",
}


START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _clamp(v: int) -> int:
    return max(1, min(5, v))


def _prompt_start(rec: dict[str, Any]) -> str:
    text = rec.get("prompt") or (rec.get("messages") or [{}])[-1].get("content", "")
    return " ".join(str(text).split()[:8])


def _rationale(rec: dict[str, Any], who: str, correctness: int, rng: random.Random) -> str:
    if who == "vendor.annotator":
        return RATIONALES[correctness]  # the same text on every item: copy-paste
    step = rng.choice(("first", "second", "third", "last"))
    return (f"On \"{_prompt_start(rec)}\": the {step} step is where it goes wrong. "
            + RATIONALES[correctness].split(";")[0] + f" (checked against the reference, {rng.randint(2, 9)} lines).")


def _seconds(who: str, rng: random.Random) -> int:
    if who == "vendor.annotator" and rng.random() < 0.4:
        return rng.randint(8, 25)  # too fast to have read the response
    return rng.randint(90, 300)


def stem_judgements(records: list[dict[str, Any]], n_items: int = 45) -> list[dict[str, Any]]:
    rng = random.Random(20261121)
    extra = random.Random(20261123)  # times and rationales: a separate stream keeps the answers as they were
    rows: list[dict[str, Any]] = []
    for rec in records[:n_items]:
        quality = rec.get("metadata", {}).get("response_quality", "correct")
        centre = QUALITY_SCORE.get(quality, 4)
        for who in ANNOTATORS:
            noise = rng.choice((-1, 0, 0, 0, 1)) if who != "vendor.annotator" else rng.choice((-1, 0, 0, 1, 1))
            correctness = _clamp(centre + noise)
            answers = {
                "correctness": correctness,
                "reasoning": _clamp(correctness + rng.choice((-1, 0, 0))),
                "clarity": _clamp(4 + rng.choice((-1, 0, 1))),
                "completeness": _clamp(correctness + rng.choice((0, 0, 1))),
                "final_answer_correct": "yes" if correctness >= 4 else ("no" if correctness <= 2 else "cannot_tell"),
            }
            if correctness <= 2:
                answers["rationale"] = _rationale(rec, who, correctness, extra)
            spent = _seconds(who, extra)
            submitted = (START + timedelta(minutes=len(rows) + extra.randint(0, 5))).isoformat()
            for question, value in answers.items():
                rows.append({"item": rec["id"], "annotator": who, "question": question, "response": "A", "value": value,
                             "time_spent_ms": spent * 1000, "submitted_at": submitted})
    return rows


def pairwise_judgements(records: list[dict[str, Any]], n_items: int = 40) -> list[dict[str, Any]]:
    rng = random.Random(20261122)
    rows: list[dict[str, Any]] = []
    for rec in records[:n_items]:
        expected = rec.get("metadata", {}).get("expected_preference", "A")
        criterion = rec.get("metadata", {}).get("criterion", "helpfulness")
        for who in ANNOTATORS:
            flip = rng.random() < 0.15
            winner = ("B" if expected == "A" else "A") if flip else expected
            strength = 1 if flip else rng.choice((1, 2, 2, 3))
            answers: dict[str, Any] = {"overall": {"winner": winner, "strength": strength}}
            for crit in ("helpfulness", "honesty", "harmlessness", "instruction_following"):
                answers[crit] = {"winner": winner if crit == criterion else rng.choice(("tie", "tie", winner))}
            answers["rationale"] = (
                f"Response {winner} is better on {criterion.replace('_', ' ')}; the other one falls short there."
            )
            for question, value in answers.items():
                rows.append({"item": rec["id"], "annotator": who, "question": question, "value": value})
    return rows


DEMO_JUDGEMENTS = {"stem-rubric": stem_judgements, "pairwise-preference": pairwise_judgements}

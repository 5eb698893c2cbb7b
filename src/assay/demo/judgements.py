"""Demo judgements: what three annotators might have said about the first demo items.

Generated from the quality planted in the demo content, with seeded noise so annotators disagree the
way real ones do. They arrive through the long-format judgements import, like a team's history would.
"""

from __future__ import annotations

import random
from typing import Any

ANNOTATORS = ("annotator", "li.wei", "vendor.annotator")
# Centre of the correctness rating for each planted response quality.
QUALITY_SCORE = {"correct": 5, "sloppy_reasoning": 3, "wrong_final_answer": 1, "hallucinated_theorem": 2}
RATIONALES = {
    1: "The final answer is wrong; the derivation goes astray in the second step.",
    2: "Cites a result that does not exist and the conclusion does not follow from it.",
}


def _clamp(v: int) -> int:
    return max(1, min(5, v))


def stem_judgements(records: list[dict[str, Any]], n_items: int = 45) -> list[dict[str, Any]]:
    rng = random.Random(20261121)
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
                answers["rationale"] = RATIONALES[correctness]
            for question, value in answers.items():
                rows.append({"item": rec["id"], "annotator": who, "question": question, "response": "A", "value": value})
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

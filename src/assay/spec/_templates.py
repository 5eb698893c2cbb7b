"""Example project files shipped with the package (`assay init --template NAME` copies one)."""

from __future__ import annotations

from pathlib import Path

from assay.spec._issues import did_you_mean

TEMPLATES: dict[str, str] = {
    "stem-rubric": "Rate answers to STEM and maths prompts on correctness, reasoning, clarity and completeness (en, zh).",
    "pairwise-preference": "Compare two model responses side by side: overall preference with strength, plus per-criterion preferences.",
    "sft-writing": "Write high-quality SFT responses to prompts, with difficulty, domain check and a self-check list.",
    "safety-spans": "Flag hallucinations, factual errors, bias and unsafe content as spans, with severity and a verdict.",
}

_DIR = Path(__file__).resolve().parent.parent / "templates"


def template_path(name: str) -> Path:
    """Path of the shipped template `name` (see `TEMPLATES`); KeyError naming the templates otherwise."""
    if name not in TEMPLATES:
        raise KeyError(f"no template {name!r}{did_you_mean(name, TEMPLATES)}; templates: {', '.join(TEMPLATES)}")
    return _DIR / f"{name}.yaml"

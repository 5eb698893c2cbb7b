"""`Scale`: an integer rating scale with optional labelled anchor points."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from assay.spec._base import SpecModel
from assay.spec._issues import Issue, fail, raise_issues


class ScalePoint(SpecModel):
    """A labelled value on a scale (an anchor), e.g. 1 = "Wrong"."""

    value: int
    """The scale value this anchor describes."""
    label: str = Field(min_length=1)
    """Short name shown on the button, e.g. "Mostly correct"."""
    description: str = ""
    """What earns this value, shown to annotators (markdown)."""


class Scale(SpecModel):
    """Integers from `min` to `max`; `points` label some or all of them.

    YAML may give `anchors: {1: {label: ..., description: ...}, 5: "Excellent"}` instead of `points`,
    and may leave out `min`/`max` when the points span the scale.
    """

    input_keys: ClassVar[tuple[str, ...]] = ("anchors",)

    min: int
    """Lowest value."""
    max: int
    """Highest value (greater than `min`)."""
    points: list[ScalePoint] = Field(default_factory=list)
    """Labelled anchor points, each within [min, max], in ascending order of value."""

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "anchors" in data:
            if "points" in data:
                fail(("anchors",), "give either `anchors` or `points`, not both")
            data["points"] = _anchors_to_points(data.pop("anchors"), data.get("min"), data.get("max"))
        points = data.get("points")
        if isinstance(points, list) and points and all(isinstance(p, dict) for p in points):
            values = [p.get("value") for p in points]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                data.setdefault("min", min(values))
                data.setdefault("max", max(values))
        return data

    @model_validator(mode="after")
    def _check(self) -> Scale:
        issues: list[Issue] = []
        if self.max <= self.min:
            issues.append((("max",), f"expected max greater than min ({self.min}), got {self.max}"))
        seen: set[int] = set()
        for i, point in enumerate(self.points):
            if not self.min <= point.value <= self.max:
                issues.append((("points", i, "value"), f"{point.value} is outside the scale {self.min}..{self.max}"))
            if point.value in seen:
                issues.append((("points", i, "value"), f"duplicate point {point.value}"))
            seen.add(point.value)
        raise_issues(issues)
        self.points.sort(key=lambda p: p.value)
        return self

    @property
    def values(self) -> list[int]:
        """Every allowed value, lowest first."""
        return list(range(self.min, self.max + 1))

    def label_for(self, value: int) -> str | None:
        """The anchor label of `value`, if it has one."""
        return next((p.label for p in self.points if p.value == value), None)

    def describe(self) -> str:
        """`1..5` or `1 (Wrong) .. 5 (Correct)` for messages."""
        low, high = self.label_for(self.min), self.label_for(self.max)
        left = f"{self.min} ({low})" if low else str(self.min)
        right = f"{self.max} ({high})" if high else str(self.max)
        return f"{left}..{right}"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _anchors_to_points(anchors: Any, low: Any, high: Any) -> list[dict[str, Any]]:
    """Turn the YAML `anchors` mapping into `points`, reporting problems at the anchor's own path."""
    if not isinstance(anchors, dict):
        fail(("anchors",), "expected a mapping of scale value to label, e.g. {1: Poor, 5: Excellent}")
    issues: list[Issue] = []
    points: list[dict[str, Any]] = []
    low_i, high_i = _as_int(low), _as_int(high)
    for key, spec in anchors.items():
        where: tuple[str | int, ...] = ("anchors", str(key))
        value = _as_int(key)
        if value is None:
            issues.append((where, f"expected an integer scale value, got {key!r}"))
            continue
        if low_i is not None and high_i is not None and not low_i <= value <= high_i:
            issues.append((where, f"anchor {value} is outside the scale {low_i}..{high_i}"))
        if isinstance(spec, str):
            points.append({"value": value, "label": spec})
        elif isinstance(spec, dict):
            unknown = sorted(set(spec) - {"label", "description"})
            issues.extend(((*where, str(k)), "unknown key (expected label, description)") for k in unknown)
            if not isinstance(spec.get("label"), str) or not spec["label"].strip():
                issues.append((where, "expected a `label` string"))
            if not isinstance(spec.get("description", ""), str):
                issues.append(((*where, "description"), "expected a string"))
            points.append({"value": value, **spec})
        else:
            issues.append((where, "expected a label string or a mapping with `label` and `description`"))
    if len({p["value"] for p in points}) != len(points):
        issues.append((("anchors",), "the same scale value is anchored twice"))
    raise_issues(issues)
    return points

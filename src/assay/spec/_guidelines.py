"""`Guidelines`: the versioned markdown instructions annotators follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, ValidationInfo, model_validator

from assay.spec._base import SpecModel
from assay.spec._issues import fail


class Guidelines(SpecModel):
    """Markdown guidelines; YAML may give `file: guidelines.md` (read relative to the spec) instead of `text`."""

    input_keys: ClassVar[tuple[str, ...]] = ("file",)

    version: int = Field(default=1, ge=1)
    """Bumped whenever the text changes in a way that affects answers; recorded with each judgement."""
    text: str = ""
    """The guidelines, markdown (LaTeX maths between $...$ is rendered)."""

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or "file" not in data:
            return data
        data = dict(data)
        name = data.pop("file")
        if "text" in data:
            fail(("file",), "give either `file` or `text`, not both")
        base = (info.context or {}).get("base_dir")
        data["text"] = read_beside(name, base)
        return data


def read_beside(name: Any, base: Path | None) -> str:
    """Read a UTF-8 file named relative to `base`, refusing paths that leave `base`.

    Specs can arrive through the web app, so a `file:` reference must not read arbitrary server files.
    Without a base directory (a spec given as a string) there is nothing safe to resolve against.
    """
    if not isinstance(name, str) or not name.strip():
        fail(("file",), f"expected a file name, got {name!r}")
    if base is None:
        fail(("file",), "`file:` references need the spec to be loaded from a file (use load_spec)")
    root = Path(base).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        fail(("file",), f"{name!r} is outside the spec's directory")
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        fail(("file",), f"cannot read {name!r}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        fail(("file",), f"cannot read {name!r}: not UTF-8 text")

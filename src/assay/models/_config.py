"""`load_endpoints`: the `models:` YAML file, validated with file, line and field in every error.

    models:
      local-qwen:
        base_url: http://localhost:8000/v1
        model: Qwen/Qwen2.5-7B-Instruct
        max_concurrency: 32
      gpt-4o-mini:
        base_url: https://api.openai.com/v1
        model: gpt-4o-mini
        api_key_env: OPENAI_API_KEY
        price_input_per_mtok: 0.15
        price_output_per_mtok: 0.60
        params: {temperature: 0}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assay.models._endpoint import OFFLINE, OFFLINE_ENDPOINT, Endpoint

# The spec package's YAML reader and messages give every error its line and a did-you-mean hint;
# endpoints files should read exactly like project files.
from assay.spec import SpecError, SpecIssue
from assay.spec._issues import format_loc
from assay.spec._messages import message_for
from assay.spec._yamlsource import YamlDocument, read_yaml


def load_endpoints(path: str | Path | None) -> dict[str, Endpoint]:
    """Endpoints by name from a `models:` file, plus the built-in `offline` one; None gives only `offline`.

    Raises `SpecError` listing every problem as `file:line: models.NAME.field: message`, or `OSError`.
    """
    if path is None:
        return {OFFLINE: OFFLINE_ENDPOINT}
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(str(path), [SpecIssue("", None, f"not UTF-8 text ({exc.reason})", str(path))]) from None
    return parse_endpoints(text, source=str(path))


def parse_endpoints(text: str, source: str = "<string>") -> dict[str, Endpoint]:
    """`load_endpoints` for YAML given as a string."""
    doc = read_yaml(text, source)
    issues = list(doc.issues)
    data = doc.data
    models: Any = data.get("models") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(models, dict):
        issues.append(_issue((), "expected a mapping with a 'models:' mapping of endpoint name -> settings", doc, source))
        raise SpecError(source, issues)
    for key in data:
        if key != "models":
            issues.append(_issue((key,), "unknown key (the file holds only 'models:')", doc, source))
    endpoints = {OFFLINE: OFFLINE_ENDPOINT}
    for name, settings in models.items():
        loc: tuple[str | int, ...] = ("models", str(name))
        if str(name) == OFFLINE:
            issues.append(_issue(loc, "'offline' is the built-in offline endpoint; choose another name", doc, source))
            continue
        if not isinstance(settings, dict):
            issues.append(_issue(loc, "expected a mapping of endpoint settings", doc, source))
            continue
        if "name" in settings and settings["name"] != str(name):
            issues.append(_issue((*loc, "name"), f"differs from the endpoint's key {str(name)!r}", doc, source))
            continue
        try:
            endpoints[str(name)] = Endpoint.model_validate({**settings, "name": str(name)})
        except ValidationError as exc:
            for error in exc.errors():
                sub = (*loc, *error["loc"])
                issues.append(_issue(sub, message_for(error, Endpoint), doc, source))
    if issues:
        raise SpecError(source, sorted(issues, key=lambda i: (i.line is None, i.line or 0)))
    return endpoints


def _issue(loc: tuple[str | int, ...], message: str, doc: YamlDocument, source: str) -> SpecIssue:
    return SpecIssue(format_loc(loc), doc.line_for(loc), message, source)


MODELS_FILE = "models.yaml"
"""The models file looked for when none is named: in ASSAY_HOME, then the working directory."""


def models_file(explicit: str | Path | None = None) -> Path | None:
    """The models file to use: `explicit` (which must exist), else `models.yaml` in ASSAY_HOME or the
    working directory, else None (only the built-in `offline` endpoint)."""
    from assay.config import assay_home

    if explicit is not None:
        path = Path(explicit)
        if not path.exists():
            raise FileNotFoundError(f"no models file {path}")
        return path
    for folder in (assay_home(), Path.cwd()):
        candidate = folder / MODELS_FILE
        if candidate.exists():
            return candidate
    return None


def configured_endpoints(explicit: str | Path | None = None) -> dict[str, Endpoint]:
    """The endpoints of `models_file(explicit)`, plus `offline`: what the CLI and the server call."""
    return load_endpoints(models_file(explicit))

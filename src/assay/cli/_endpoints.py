"""Finding the model endpoints a command names: the `models:` file given with --models, else
`models.yaml` in ASSAY_HOME or the working directory; `offline` always exists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assay.cli._common import fail
from assay.models import MODELS_FILE, Endpoint, ResponseCache, load_endpoints
from assay.models import models_file as find_models_file

ModelsOpt = Annotated[Path | None, typer.Option("--models", help="The models file (default: models.yaml in ASSAY_HOME or here).", metavar="FILE")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the reply cache (every request is sent).")]
ConcurrencyOpt = Annotated[int | None, typer.Option("--concurrency", min=1, help="Most requests in flight (default: the endpoint's max_concurrency).")]

EXAMPLE = """models:
  local-qwen:
    base_url: http://localhost:8000/v1
    model: Qwen/Qwen2.5-7B-Instruct
  gpt-4o-mini:
    base_url: https://api.openai.com/v1
    model: gpt-4o-mini
    api_key_env: OPENAI_API_KEY"""


def models_file(explicit: Path | None) -> Path | None:
    try:
        return find_models_file(explicit)
    except FileNotFoundError as e:
        fail(str(e), 2)


def endpoints(explicit: Path | None) -> dict[str, Endpoint]:
    return load_endpoints(models_file(explicit))


def endpoint(name: str, explicit: Path | None) -> Endpoint:
    found = endpoints(explicit)
    if name not in found:
        where = models_file(explicit)
        hint = (f"models in {where}: {', '.join(sorted(found))}" if where else
                f"no models file found; write {MODELS_FILE} (or pass --models FILE), e.g.\n{EXAMPLE}")
        fail(f"no model endpoint {name!r}; {hint}", 2)
    return found[name]


def cache(no_cache: bool) -> ResponseCache | None:
    return None if no_cache else ResponseCache()

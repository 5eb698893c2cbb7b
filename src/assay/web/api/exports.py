"""Training exports over the API: the files `assay export --as` writes, with their manifest, as one zip.

Admins and the lab's managers only, like the plain export: training data carries every annotator's
work, which a vendor's people must not download. The zip holds the split files (or the Hugging Face
directory) and ``<name>.manifest.json``, named as the CLI names them, so ``assay verify`` works on
the unpacked files; `assay.Client.export` unpacks it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from assay.exports import ExportError, ExportKind, Filters, Split, export_dataset, make_options
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import sees_all_projects, visible_project

router = APIRouter(tags=["exports"])
Container = Literal["jsonl", "json", "csv", "tsv", "parquet", "xlsx", "hf"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
List = Annotated[list[str] | None, Query()]


def _names(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


@router.get("/projects/{slug}/exports", response_class=FileResponse,
            summary="Training data built from judgements (preference, SFT, KTO, ratings): a zip of the files and manifest")
def export_training(
    slug: str,
    db: DB,
    user: CurrentUser,
    kind: Annotated[ExportKind, Query(alias="as", description="preference, sft, kto or ratings.")],
    schema: Annotated[str, Query(description="The record schema (assay formats), or 'table' for ratings.")],
    container: Container = "jsonl",
    name: Annotated[str | None, Query(description="Base name of the files (default: SLUG-KIND).")] = None,
    question: str | None = None,
    per: Literal["consensus", "judgement", "mean"] | None = None,
    pairs: Literal["all", "best-worst"] = "all",
    from_ratings: str | None = None,
    margin: Annotated[float, Query(gt=0)] = 1.0,
    best_response: str | None = None,
    min_score: float | None = None,
    label_from: str | None = None,
    desirable: List = None,
    threshold: float | None = None,
    criteria: List = None,
    from_imported: bool = False,
    form: Literal["conversational", "standard"] = "conversational",
    implicit_prompt: bool = False,
    metadata: bool = True,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    min_agreement: Annotated[float | None, Query(ge=0, le=1)] = None,
    approved_only: bool = False,
    exclude_flags: List = None,
    domain: List = None,
    language: List = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_gold: bool = False,
    split: Annotated[str | None, Query(description="e.g. train=0.9,validation=0.05,test=0.05")] = None,
    seed: int = 0,
    stratify: bool = True,
) -> FileResponse:
    with db.session() as session:
        if not sees_all_projects(session, user):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and the lab's managers export")
        visible_project(session, user, slug)
    base = name or f"{slug}-{kind}"
    if not _NAME.match(base):
        raise HTTPException(422, "name: letters, digits, '.', '_' and '-' only")
    try:
        options = make_options(
            kind=kind, record_schema=schema, container=container, question=question, per=per, pairs=pairs,
            from_ratings=from_ratings, margin=margin, best_response=best_response, min_score=min_score,
            label_from=label_from, desirable=_names(desirable), threshold=threshold, criteria=_names(criteria),
            labels="imported" if from_imported else "people", form=form, implicit_prompt=implicit_prompt,
            include_metadata=metadata,
            filters=Filters(min_confidence=min_confidence, min_agreement=min_agreement, approved_only=approved_only,
                            exclude_flags=_names(exclude_flags), domains=_names(domain), languages=_names(language),
                            since=since, until=until, include_gold=include_gold),
            split=Split.parse(split, seed, stratify=stratify) if split else None,
        )
    except ValueError as e:
        raise HTTPException(422, str(e)) from None
    tmp = Path(tempfile.mkdtemp(prefix="assay-export-"))
    try:
        suffix = "" if container == "hf" else f".{container}"
        report = export_dataset(db, slug, tmp / f"{base}{suffix}", options)
        archive = tmp / f"{base}.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for path in sorted(p for p in tmp.rglob("*") if p.is_file() and p != archive):
                z.write(path, path.relative_to(tmp).as_posix())
    except ExportError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(422, str(e)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    headers = {"X-Assay-Records": str(report.records)}
    return FileResponse(archive, filename=archive.name, media_type="application/zip", headers=headers,
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))

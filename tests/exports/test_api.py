"""Training exports over the API (a zip of the files and manifest) and `Client.export`."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assay import AssayAPIError, Client
from assay.exports import verify_manifest
from assay.store import Database, OrgKind
from assay.web import create_app
from assay.work import add_user
from assay.work.tokens import create_token
from tests.exports.helpers import answer, item, jsonl, make_project, write_jsonl
from tests.web.conftest import serve_in_thread


@pytest.fixture
def setup(db: Database, tmp_path: Path) -> dict[str, Any]:
    items = [item(f"a{i}", domain=("STEM", "Reasoning")[i % 2]) for i in range(6)]
    answers = [answer(f"a{i}", "ann1", "overall", {"winner": "AB"[i % 2], "strength": 1}) for i in range(6)]
    slug = make_project(db, tmp_path, items, answers)
    with db.write_session() as s:
        tokens = {
            "manager": create_token(s, add_user(s, "mgr", "manager", org="Lab")),
            "reviewer": create_token(s, add_user(s, "rev", "reviewer", org="Lab")),
            "vendor": create_token(s, add_user(s, "vmgr", "manager", org="Vendor", org_kind=OrgKind.vendor)),
        }
    return {"db": db, "slug": slug, "tokens": tokens}


def test_zip_of_split_files_and_manifest(setup: dict[str, Any], tmp_path: Path) -> None:
    client = TestClient(create_app(setup["db"]))
    headers = {"Authorization": f"Bearer {setup['tokens']['manager']}"}
    r = client.get(f"/api/projects/{setup['slug']}/exports", headers=headers,
                   params={"as": "preference", "schema": "openai-dpo", "per": "judgement", "split": "train=0.5,test=0.5",
                           "name": "prefs", "domain": ["STEM", "Reasoning"]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip" and r.headers["x-assay-records"] == "6"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == ["prefs-test.jsonl", "prefs-train.jsonl", "prefs.jsonl.manifest.json"]
        z.extractall(tmp_path / "got")
    assert verify_manifest(tmp_path / "got" / "prefs.jsonl.manifest.json").ok
    # Three items per domain, halved: two to train and one to test in each (ties go to the earlier split).
    assert len(jsonl(tmp_path / "got" / "prefs-train.jsonl")) == 4


def test_refusals(setup: dict[str, Any]) -> None:
    client = TestClient(create_app(setup["db"]))
    url = f"/api/projects/{setup['slug']}/exports"
    params = {"as": "preference", "schema": "openai-dpo", "per": "judgement"}
    for who in ("reviewer", "vendor"):
        r = client.get(url, params=params, headers={"Authorization": f"Bearer {setup['tokens'][who]}"})
        assert r.status_code == 403, (who, r.text)
    headers = {"Authorization": f"Bearer {setup['tokens']['manager']}"}
    r = client.get(url, params={**params, "per": "consensus"}, headers=headers)
    assert r.status_code == 422 and "no consensus yet" in r.json()["detail"]
    r = client.get(url, params={**params, "name": "../etc/passwd"}, headers=headers)
    assert r.status_code == 422
    r = client.get("/api/projects/nope/exports", params=params, headers=headers)
    assert r.status_code == 404


@pytest.fixture
def server(setup: dict[str, Any]) -> Iterator[str]:
    with serve_in_thread(create_app(setup["db"])) as url:
        yield url


def test_sdk_export_writes_what_the_cli_writes(setup: dict[str, Any], server: str, tmp_path: Path) -> None:
    mgr = Client(server, token=setup["tokens"]["manager"])
    manifest = mgr.export(setup["slug"], tmp_path / "out" / "dpo.parquet", kind="preference", schema="trl-preference",
                          per="judgement", split="train=0.5,test=0.5", seed=4, metadata=False)
    assert manifest["counts"]["records"] == 6 and manifest["options"]["include_metadata"] is False
    assert verify_manifest(tmp_path / "out" / "dpo.parquet.manifest.json").ok
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"dpo-train.parquet", "dpo-test.parquet",
                                                               "dpo.parquet.manifest.json"}
    hf = mgr.export(setup["slug"], tmp_path / "hf" / "prefs", kind="preference", schema="trl-preference",
                    per="judgement")
    assert hf["container"] == "hf" and (tmp_path / "hf" / "prefs" / "state.json").exists()
    with pytest.raises(AssayAPIError) as refused:
        Client(server, token=setup["tokens"]["vendor"]).export(setup["slug"], tmp_path / "v.jsonl", kind="preference",
                                                              schema="openai-dpo", per="judgement")
    assert refused.value.status == 403
    assert not (tmp_path / "v.jsonl").exists()


def test_manager_page_links_download_training_data(db: Database, tmp_path: Path) -> None:
    from assay.io import import_file
    from tests.web.conftest import build_world

    world = build_world(db, tmp_path)
    rows = [answer(f"i{i}", who, "pref", {"winner": "AB"[(i + k) % 2]}) for i in range(4)
            for k, who in enumerate(("ann1", "ann2"))]
    import_file(world.db, world.slug, write_jsonl(tmp_path / "prefs.jsonl", rows), schema="judgements")
    manager = world.login("manager")
    page = manager.get(f"/p/{world.slug}/manage").text
    links = re.findall(r'href="(/api/projects/[^"]+/exports\?[^"]+)"', page)
    assert len(links) == 3  # two preference schemas, the ratings table (no SFT question here)
    r = manager.get(html.unescape(links[0]))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = sorted(z.namelist())
    assert names == ["all-kinds-preference-test.jsonl", "all-kinds-preference-train.jsonl",
                     "all-kinds-preference.jsonl.manifest.json"]
    annotator_page = world.login("annotator").get(f"/p/{world.slug}/manage")
    assert "/exports?" not in annotator_page.text

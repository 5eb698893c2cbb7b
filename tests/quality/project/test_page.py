"""The project quality page: on the demo workspace (α per stem-rubric question, checked against the
`krippendorff` package on the demo's own judgement file; the annotator table with the vendor
annotator flagged; disputed items linked to adjudication), vendor scoping, who may see it, and the
least confident consensus answers once consensus is stored."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from assay.demo.workspace import DEMO_PASSWORD, build_demo
from assay.quality.project import QualityOptions, compute_consensus, project_quality
from assay.spec import load_spec, template_path
from assay.store import Database, open_database
from assay.store.projects import get_project
from assay.web import create_app
from assay.work import get_user
from assay.work.members import add_member
from tests.quality.project.conftest import (
    AGREEMENT_SPEC,
    CalibrationProject,
    ConsensusProject,
    agreement_data,
)
from tests.quality.project.helpers import Person, alpha, build_project, give_password

STEM = "stem-rubric"


def login(client: TestClient, username: str, password: str) -> TestClient:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    r = client.post("/login", data={"username": username, "password": password, "csrf": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


@pytest.mark.slow
def test_demo_quality_page(tmp_path: Path) -> None:
    """One test for the demo (building it is most of the time): the manager's page, then a vendor
    lead's and an annotator's."""
    db = open_database(f"sqlite:///{tmp_path / 'assay.db'}")
    try:
        build_demo(db, tmp_path)
        r = login(TestClient(create_app(db)), "manager", DEMO_PASSWORD).get(f"/p/{STEM}/quality")
        assert r.status_code == 200
        check_alpha_for_every_stem_question(db, tmp_path, r.text)
        check_annotator_table(r.text)
        check_disputed_items_link_to_adjudication(db, r.text)
        check_vendor_lead_and_annotator(db)
    finally:
        db.dispose()


def _rows(page: str, attribute: str) -> dict[str, str]:
    """The table rows carrying ``attribute`` (data-question, data-user), by its value."""
    return {m.group(1): m.group(2) for m in re.finditer(rf'<tr [^>]*{attribute}="([^"]+)"[^>]*>(.*?)</tr>', page, re.S)}


def check_alpha_for_every_stem_question(db: Database, directory: Path, manager_page: str) -> None:
    spec = load_spec(template_path(STEM))
    measured = [q.key for q in spec.questions if q.kind.value in ("rating", "choice")]
    rows = _rows(manager_page, "data-question")
    assert list(rows) == measured
    # The demo's judgements, as the demo wrote them to disk, into krippendorff directly.
    labels: dict[str, dict[tuple[Any, str], Any]] = {k: {} for k in measured}
    for line in (directory / "data" / f"{STEM}-judgements.jsonl").read_bytes().splitlines():
        r = orjson.loads(line)
        if r["question"] in labels:
            labels[r["question"]][((r["item"], r["response"]), r["annotator"])] = r["value"]
    report = project_quality(db, STEM, QualityOptions()).to_dict()
    for q in report["questions"]:
        key = q["question"]
        kind = spec.question(key).kind.value
        domain = [1, 2, 3, 4, 5] if kind == "rating" else spec.question(key).option_values
        expected = alpha(labels[key], "ordinal" if kind == "rating" else "nominal", domain)
        assert q["overall"]["alpha"]["value"] == pytest.approx(expected, abs=1e-9)
        cell = re.search(r'<td class="alpha">([^<]+)<span class="muted">\(([^)]+)\)', rows[key])
        assert cell, rows[key]
        a = q["overall"]["alpha"]
        assert cell.group(1).strip() == f"{a['value']:.3f}"
        assert html.unescape(cell.group(2)) == f"{a['ci_low']:.3f}–{a['ci_high']:.3f}"
    assert "<svg class=\"qchart\"" in manager_page


def check_annotator_table(manager_page: str) -> None:
    """The vendor annotator, who works too fast and pastes one rationale everywhere, is flagged."""
    people = _rows(manager_page, "data-user")
    assert {"annotator", "li.wei", "vendor.annotator"} <= set(people)
    vendor = people["vendor.annotator"]
    assert ">too fast</span>" in vendor and ">copy-paste</span>" in vendor
    for who in ("annotator", "li.wei"):
        assert 'class="flag"' not in people[who]
    assert "<b>vendor.annotator</b>: too fast" in manager_page
    assert "Dawid–Skene confusion matrices" in manager_page


def check_disputed_items_link_to_adjudication(db: Database, manager_page: str) -> None:
    disputed = project_quality(db, STEM, QualityOptions(n_boot=0), parts=("agreement",)).to_dict()["disputed_items"]
    assert disputed
    section = manager_page.split('id="disputed"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="(/p/stem-rubric/items/\d+/adjudicate)">Adjudicate</a>', section)
    assert links == [d["url"] for d in disputed]
    reviewer = login(TestClient(create_app(db)), "reviewer", DEMO_PASSWORD)
    r = reviewer.get(links[0])
    assert r.status_code == 200 and "Adjudicat" in r.text


def check_vendor_lead_and_annotator(db: Database) -> None:
    with db.write_session() as s:  # the demo does not put its vendor lead on the project: a lab manager would
        lead = get_user(s, "vendor.lead")
        assert lead is not None
        add_member(s, get_project(s, STEM), lead)
    page = login(TestClient(create_app(db)), "vendor.lead", DEMO_PASSWORD).get(f"/p/{STEM}/quality")
    assert page.status_code == 200
    assert set(_rows(page.text, "data-user")) == {"vendor.annotator"}
    assert "your organization&#39;s people only" in page.text or "your organization's people only" in page.text
    assert "/adjudicate" not in page.text  # vendor people do not adjudicate
    annotator = login(TestClient(create_app(db)), "annotator", DEMO_PASSWORD)
    r = annotator.get(f"/p/{STEM}/quality", follow_redirects=False)
    assert r.status_code in (403, 404)


def test_least_confident_consensus_answers_on_the_page(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    password = give_password(b.db, "lead", "vera")
    client = login(TestClient(create_app(b.db)), "lead", password)
    before = client.get("/p/qc/quality").text
    assert 'class="data low-confidence"' not in before
    compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    page = client.get("/p/qc/quality").text
    listed = project_quality(b.db, "qc", QualityOptions(n_boot=0), parts=("agreement",)).to_dict()
    items = listed["consensus"]["low_confidence_items"]
    assert items
    rows = re.findall(r'<tr data-item="(\d+)">(.*?)</tr>', page.split("low-confidence", 1)[1], re.S)
    assert [int(i) for i, _ in rows] == [x["item_id"] for x in items]
    for (_, row), x in zip(rows, items, strict=True):
        assert f'<a href="{x["url"]}">Adjudicate</a>' in row and f"{x['confidence']:.2f}" in row
    vendor = login(TestClient(create_app(b.db)), "vera", password).get("/p/qc/quality").text
    assert 'class="data low-confidence"' in vendor and "/adjudicate" not in vendor


def test_calibration_rounds_on_the_page(calibration_project: CalibrationProject) -> None:
    b = calibration_project.built
    password = give_password(b.db, "lead")  # a login changes no figure the other tests read
    page = login(TestClient(create_app(b.db)), "lead", password).get("/p/qcal/quality").text
    section = page.split('id="calibration"', 1)[1].split("</section>", 1)[0]
    rounds = project_quality(b.db, "qcal", QualityOptions(n_boot=0), parts=("calibration",)).calibration_dict()
    second = rounds["rounds"][1]
    assert "Round 1: 4 items, 4 people" in section and "Round 2: 4 items, 5 people" in section
    assert f"({round(second['change'] * 100):+d} pp)" in section
    people = _rows(section.split("Round 2", 1)[1], "data-user")
    assert set(people) == {"ana", "bo", "cy", "di", "ed"}
    for p in second["people"]:
        cells = re.findall(r"<td>([^<]*)</td>", people[p["username"]])
        shown = "—" if p["change_group"] is None else f"{round(p['change_group'] * 100):+d} pp"
        assert cells[1:4] == [str(p["answers"]), f"{round(p['group'] * 100)}%", shown]
    for d in second["items"]:
        assert f'<a href="{d["url"]}">Adjudicate</a>' in section


def test_a_project_without_judgements(db: Database, tmp_path: Path) -> None:
    spec = AGREEMENT_SPEC.replace("slug: qa", "slug: quiet")
    build_project(db, tmp_path, spec, agreement_data()[0], [], people=[Person("lead", role="manager")])
    password = give_password(db, "lead")
    r = login(TestClient(create_app(db)), "lead", password).get("/p/quiet/quality")
    assert r.status_code == 200
    assert "No submitted answers to measure yet." in r.text and "No submitted judgements yet." in r.text
    assert "No calibration rounds yet." in r.text and "No item has disagreeing answers." in r.text

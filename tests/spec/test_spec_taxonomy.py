"""Domains: defaults, replacing and extending them, and canonical names for what people type."""

from __future__ import annotations

import pytest

from assay.spec import DEFAULT_DOMAINS, ProjectSpec, parse_spec
from tests.spec.helpers import MINIMAL


@pytest.fixture
def spec() -> ProjectSpec:
    return parse_spec(MINIMAL)


def test_defaults() -> None:
    assert [d.name for d in DEFAULT_DOMAINS] == ["Reasoning", "General Knowledge", "STEM", "Humanities"]
    stem = DEFAULT_DOMAINS[2]
    assert stem.subdomains == ["Mathematics", "Physics", "Chemistry", "Biology", "Computer Science", "Engineering"]
    assert DEFAULT_DOMAINS[0].subdomains == ["Logic", "Puzzles", "Planning"]
    assert DEFAULT_DOMAINS[3].subdomains == ["History", "Philosophy", "Literature", "Law"]
    assert DEFAULT_DOMAINS[1].subdomains == ["Geography", "Culture", "Everyday Life"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("STEM", ("STEM", None)),
        ("stem", ("STEM", None)),
        (" general   knowledge ", ("General Knowledge", None)),
        ("STEM/Mathematics", ("STEM", "Mathematics")),
        ("STEM / mathematics", ("STEM", "Mathematics")),
        ("Mathematics", ("STEM", "Mathematics")),
        ("everyday life", ("General Knowledge", "Everyday Life")),
        ("humanities/LAW", ("Humanities", "Law")),
    ],
)
def test_canonical_domain(spec: ProjectSpec, value: str, expected: tuple[str, str | None]) -> None:
    assert spec.canonical_domain(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Medicine", "unknown domain 'Medicine'; allowed domains: Reasoning, General Knowledge, STEM, Humanities"),
        ("STEM/Astrology", "unknown subdomain 'Astrology' of STEM; allowed subdomains: Mathematics"),
        ("", "allowed domains: Reasoning"),
        ("Medicine/Cardiology", "unknown domain 'Medicine/Cardiology'"),
    ],
)
def test_canonical_domain_rejects(spec: ProjectSpec, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        spec.canonical_domain(value)


def test_custom_domains_replace_defaults() -> None:
    spec = parse_spec(
        MINIMAL + "taxonomy:\n  domains:\n    - {name: Medicine, subdomains: [Cardiology, Oncology]}\n"
    )
    assert spec.taxonomy.names == ["Medicine"]
    assert spec.canonical_domain("cardiology") == ("Medicine", "Cardiology")
    with pytest.raises(ValueError, match="allowed domains: Medicine"):
        spec.canonical_domain("STEM")


def test_extend_keeps_defaults_and_merges_same_named_domains() -> None:
    spec = parse_spec(
        MINIMAL
        + "taxonomy:\n  extend: true\n  domains:\n"
        + "    - {name: Medicine, subdomains: [Cardiology]}\n"
        + "    - {name: stem, subdomains: [Statistics, physics]}\n"
    )
    assert spec.taxonomy.names == ["Reasoning", "General Knowledge", "STEM", "Humanities", "Medicine"]
    stem = spec.taxonomy.domains[2]
    assert stem.subdomains[-1] == "Statistics" and stem.subdomains.count("Physics") == 1
    assert spec.canonical_domain("statistics") == ("STEM", "Statistics")
    # The merge is not repeated when the exported form is validated again.
    assert ProjectSpec.model_validate(spec.to_json_dict()) == spec
    assert "extend" not in spec.to_json_dict()["taxonomy"]


def test_ambiguous_bare_subdomain() -> None:
    spec = parse_spec(
        MINIMAL
        + "taxonomy:\n  domains:\n    - {name: Law, subdomains: [History]}\n    - {name: Arts, subdomains: [history]}\n"
    )
    with pytest.raises(ValueError, match="ambiguous"):
        spec.canonical_domain("History")
    assert spec.canonical_domain("arts/history") == ("Arts", "history")

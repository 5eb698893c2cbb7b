"""Loading from disk: `file:` guidelines beside the spec, and refusing files outside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.spec import SpecError, load_spec, parse_spec
from tests.spec.helpers import MINIMAL


def test_guidelines_file_is_read_beside_the_spec(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\nRate $x^2$ carefully.\n", encoding="utf-8")
    spec_file = tmp_path / "project.yaml"
    spec_file.write_text(MINIMAL + "guidelines:\n  version: 3\n  file: docs/guide.md\n", encoding="utf-8")
    spec = load_spec(spec_file)
    assert spec.guidelines.version == 3
    assert spec.guidelines.text.startswith("# Guide")
    assert "file" not in spec.to_json_dict()["guidelines"]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("missing.md", "cannot read 'missing.md': No such file or directory"),
        ("../secret.md", "'../secret.md' is outside the spec's directory"),
        ("/etc/hostname", "'/etc/hostname' is outside the spec's directory"),
    ],
)
def test_bad_guidelines_file(tmp_path: Path, reference: str, message: str) -> None:
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    spec_file = folder / "project.yaml"
    spec_file.write_text(MINIMAL + f"guidelines:\n  file: {reference}\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(spec_file)
    (issue,) = info.value.issues
    assert (issue.path, issue.line, issue.message) == ("guidelines.file", 9, message)
    assert str(issue) == f"{spec_file}:9: guidelines.file: {message}"


def test_file_reference_needs_a_base_dir() -> None:
    with pytest.raises(SpecError, match="need the spec to be loaded from a file"):
        parse_spec(MINIMAL + "guidelines:\n  file: guide.md\n")


def test_file_and_text_together(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="give either `file` or `text`, not both"):
        parse_spec(MINIMAL + "guidelines:\n  file: g.md\n  text: hi\n", base_dir=tmp_path)


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    spec_file = tmp_path / "p.yaml"
    spec_file.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert load_spec(spec_file).slug == "demo"


def test_not_utf8(tmp_path: Path) -> None:
    spec_file = tmp_path / "p.yaml"
    spec_file.write_bytes(b"slug: d\xe9mo\n")
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(spec_file)

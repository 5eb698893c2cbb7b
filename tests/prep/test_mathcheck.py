"""Final-answer extraction and math-verify comparison."""

from __future__ import annotations

import pytest

from assay.prep import PrepRecord, RecordSet, check_answer, check_math, final_answer

pytest.importorskip("math_verify")


def test_final_answer_extraction_order() -> None:
    assert final_answer(r"so \boxed{\frac{1}{2}} and later \boxed{x^{2}+1}") == ("x^{2}+1", "boxed")
    assert final_answer(r"nested \boxed{\sqrt{\frac{a}{b}}}.") == (r"\sqrt{\frac{a}{b}}", "boxed")
    assert final_answer("Work... Answer: 42.") == ("42", "answer_line")
    assert final_answer("The final answer is $3\\pi$") == ("$3\\pi$", "answer_line")
    assert final_answer("所以答案：7。") == ("7", "answer_line")
    assert final_answer("we get 3 apples, then 1,250 more") == ("1250", "last_number")
    assert final_answer("no numbers at all") is None


@pytest.mark.parametrize(("response", "reference", "status"), [
    (r"Thus $\boxed{\frac{1}{2}}$.", "0.5", "correct"),
    (r"$\boxed{(x+1)^2}$", "x^2+2x+1", "correct"),
    (r"\boxed{\{2, 1\}}", r"\{1,2\}", "correct"),
    ("Answer: 8", "7", "incorrect"),
    (r"\boxed{\sqrt{2}}", r"\sqrt{3}", "incorrect"),
    ("I am not sure.", "3", "unparseable"),
    ("Answer: 4", None, "no_reference"),
    ("Answer: 4", "   ", "no_reference"),
])
def test_check_answer(response: str, reference: str | None, status: str) -> None:
    assert check_answer(response, reference).status == status


def test_reference_with_a_boxed_solution_uses_its_box() -> None:
    assert check_answer("Answer: 12", r"Adding gives 5+7, so \boxed{12}").status == "correct"


def test_report_counts_statuses_per_response() -> None:
    records = RecordSet("f", "line", [
        PrepRecord(1, "1+1?", ["Answer: 2", "Answer: 3"], reference="2"),
        PrepRecord(2, "no ref", ["Answer: 1"]),
        PrepRecord(3, "x?", ["hmm"], reference="5", meta={"gold": "5"}),
    ])
    report = check_math(records)
    assert report.counts == {"correct": 1, "incorrect": 1, "unparseable": 1, "no_reference": 1}
    assert [(r.index, r.response, r.status) for r in report.rows] == [
        (0, 1, "correct"), (0, 2, "incorrect"), (1, 1, "no_reference"), (2, 1, "unparseable")]
    assert report.checker.startswith("math-verify")
    other = check_math(records, reference_field="gold")
    assert other.counts["no_reference"] == 3

"""failure_rates: hand counts, repeated flags counted once, the judged denominator, Wilson
against statsmodels, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.evals import EvalError, failure_rates


def judged() -> pd.DataFrame:
    return pd.DataFrame({
        "item": [1, 1, 2, 2, 3, 3, 4, 4, 1],
        "model": ["a", "b"] * 4 + ["a"],
        "response": ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r1"],  # r1 judged twice: one response
        "domain": ["STEM", "STEM", "STEM", "STEM", "Humanities", "Humanities", "Humanities", "Humanities", "STEM"],
    })


def flags() -> pd.DataFrame:
    return pd.DataFrame({
        "item": [1, 1, 1, 2, 3, 4],
        "model": ["a", "a", "a", "a", "b", "b"],
        "response": ["r1", "r1", "r1", "r3", "r6", "r8"],
        "failure_type": ["hallucination", "hallucination", "refusal", "hallucination", "refusal", "hallucination"],
    })


def test_hand_counted_rates() -> None:
    out = failure_rates(flags(), judged(), n_boot=0).set_index(["model", "failure_type"])
    # Model a: 4 judged responses (r1, r3, r5, r7); r1 and r3 hallucinate (r1 flagged twice), r1 refuses.
    assert out.loc[("a", "hallucination"), ["n_judged", "n_flagged"]].tolist() == [4, 2]
    assert out.loc[("a", "hallucination"), "rate"] == 0.5
    assert out.loc[("a", "refusal"), "rate"] == 0.25
    assert out.loc[("b", "hallucination"), "rate"] == 0.25 and out.loc[("b", "refusal"), "rate"] == 0.25
    assert out["ci_low"].isna().all()


def test_by_domain_and_types_never_flagged() -> None:
    out = failure_rates(flags(), judged(), by=["model", "domain"], failure_types=["refusal", "bias", "hallucination"],
                        n_boot=0)
    assert len(out) == 2 * 2 * 3
    stem_a = out[(out["model"] == "a") & (out["domain"] == "STEM")].set_index("failure_type")
    assert stem_a["n_judged"].tolist() == [2, 2, 2]
    assert stem_a.loc["hallucination", "rate"] == 1.0 and stem_a.loc["bias", "rate"] == 0.0
    assert stem_a.loc["bias", "wilson_low"] == 0.0 and stem_a.loc["bias", "wilson_high"] > 0


def test_wilson_matches_statsmodels_and_bootstrap_covers_the_truth() -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    rng = np.random.default_rng(0)
    n = 1500
    responses = pd.DataFrame({"item": np.arange(n), "model": "m", "response": np.arange(n)})
    hit = rng.random(n) < 0.12
    flagged = responses[hit].assign(failure_type="refusal")
    row = failure_rates(flagged, responses, n_boot=1000, seed=1).iloc[0]
    low, high = proportion.proportion_confint(int(hit.sum()), n, method="wilson")
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx((low, high), abs=1e-12)
    assert row["ci_low"] < 0.12 < row["ci_high"]
    assert row["ci_high"] - row["ci_low"] == pytest.approx(high - low, rel=0.1)
    again = failure_rates(flagged, responses, n_boot=1000, seed=1).iloc[0]
    assert (again["ci_low"], again["ci_high"]) == (row["ci_low"], row["ci_high"])


def test_errors_name_row_and_field() -> None:
    stray = flags()
    stray.loc[2, "response"] = "r99"
    with pytest.raises(EvalError, match=r"flags: row 3: field 'response': names a response that is not among"):
        failure_rates(stray, judged())
    with pytest.raises(EvalError, match=r"flags: row 3: field 'failure_type': 'refusal' is not one of"):
        failure_rates(flags(), judged(), failure_types=["hallucination"])
    with pytest.raises(EvalError, match=r"judged responses: missing column 'domain'"):
        failure_rates(flags(), judged().drop(columns="domain"), by=["model", "domain"])

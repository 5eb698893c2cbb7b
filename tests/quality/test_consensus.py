"""Truth inference: Dawid & Skene's own data, crowd-kit on random data, ties, gold, spammers.

``data/dawid_skene_1979.csv`` is Table 1 of Dawid & Skene (1979), "Maximum Likelihood Estimation
of Observer Error-Rates Using the EM Algorithm", JRSS C 28(1): 45 patients, 5 observers, 4
classes; observer 1 examined every patient three times (315 rows, 90 of them repeats). It was
transcribed from the `generate_sample_data()` table of github.com/dallascard/dawid_skene and checked
row by row against it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.quality import Ratings, RatingsError, read_ratings
from assay.quality.inference import (
    LABEL_METHODS,
    aggregate_labels,
    dawid_skene,
    glad,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)

DATA = Path(__file__).parent / "data" / "dawid_skene_1979.csv"
# crowd-kit 1.4.2 on pandas 3 warns about its own use of inplace= and copy= on every call.
pytestmark = pytest.mark.filterwarnings("ignore::Warning:crowdkit")


def synthetic(
    seed: int, *, n_items: int = 300, n_classes: int = 3, accuracy: list[float] | None = None, per_item: int = 5,
) -> tuple[Ratings, np.ndarray, np.ndarray]:
    """Random labels with known truth: each annotator is right with their accuracy, otherwise
    picks another label uniformly. Returns (ratings, truth, accuracy)."""
    rng = np.random.default_rng(seed)
    acc = np.asarray(accuracy if accuracy is not None else rng.uniform(0.45, 0.95, 12))
    truth = rng.integers(0, n_classes, n_items)
    items = np.repeat(np.arange(n_items), per_item)
    annotators = np.concatenate([rng.choice(len(acc), per_item, replace=False) for _ in range(n_items)])
    right = rng.random(len(items)) < acc[annotators]
    labels = np.where(right, truth[items], (truth[items] + rng.integers(1, n_classes, len(items))) % n_classes)
    return Ratings(items, annotators, labels), truth, acc


def as_frame(r: Ratings) -> pd.DataFrame:
    return pd.DataFrame({"task": r.item, "worker": r.annotator, "label": r.label})


def proba(frame: pd.DataFrame, r: Ratings) -> np.ndarray:
    return frame.reindex(index=np.arange(r.n_items), columns=np.arange(r.n_categories)).to_numpy()


# --- Dawid & Skene's own data -----------------------------------------------------------------

@pytest.fixture(scope="module")
def patients() -> Ratings:
    return read_ratings(DATA, duplicates="keep")


def test_repeated_examinations_each_count(patients: Ratings) -> None:
    assert (patients.n_items, patients.n_annotators, patients.n_ratings) == (45, 5, 315)
    assert patients.n_duplicates == 90
    assert read_ratings(DATA).n_ratings == 225  # the default keeps only the last of each pair


def test_published_class_marginals(patients: Ratings) -> None:
    """Dawid & Skene report estimated class proportions 0.40, 0.42, 0.11 and 0.07."""
    result = dawid_skene(patients, tol=1e-10, max_iter=1000)
    assert result.converged
    assert np.round(result.priors, 2).tolist() == [0.40, 0.42, 0.11, 0.07]
    assert result.confusion is not None and result.confusion.shape == (5, 4, 4)
    np.testing.assert_allclose(result.confusion.sum(axis=2), 1.0)
    np.testing.assert_allclose(result.posterior.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.confidence, result.posterior.max(axis=1))


def test_same_iterations_as_crowdkit_same_answer(patients: Ratings) -> None:
    crowdkit = pytest.importorskip("crowdkit.aggregation")
    frame = pd.read_csv(DATA).rename(columns={"item": "task", "annotator": "worker"})
    order = np.argsort(patients.items.astype(int))
    for iterations in (8,):
        ours = dawid_skene(patients, tol=1e-300, max_iter=iterations)
        theirs = crowdkit.DawidSkene(n_iter=iterations, tol=-np.inf)  # never stops early
        expected = theirs.fit_predict_proba(frame).sort_index()[[1, 2, 3, 4]].to_numpy()
        np.testing.assert_allclose(ours.posterior[order], expected, atol=1e-8)
        np.testing.assert_allclose(ours.priors, theirs.priors_.sort_index().to_numpy(), atol=1e-10)


# --- crowd-kit on random data -----------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])
def test_dawid_skene_and_one_coin_match_crowdkit(seed: int) -> None:
    crowdkit = pytest.importorskip("crowdkit.aggregation")
    ratings, _, _ = synthetic(seed, n_items=100, n_classes=2 + seed)
    frame = as_frame(ratings)
    for ours, theirs in ((dawid_skene, crowdkit.DawidSkene), (one_coin_dawid_skene, crowdkit.OneCoinDawidSkene)):
        result = ours(ratings, tol=1e-300, max_iter=6)
        model = theirs(n_iter=6, tol=-np.inf)
        expected = proba(model.fit_predict_proba(frame), ratings)
        np.testing.assert_allclose(result.posterior, expected, atol=1e-6)
        confident = expected.max(axis=1) > 0.6
        assert (result.label[confident] == expected.argmax(axis=1)[confident]).all()
    coin = one_coin_dawid_skene(ratings, tol=1e-300, max_iter=6)
    model = crowdkit.OneCoinDawidSkene(n_iter=6, tol=-np.inf)
    model.fit(frame)
    np.testing.assert_allclose(coin.skill, model.skills_.sort_index().to_numpy(), atol=1e-6)


@pytest.mark.parametrize("seed", [4, 5])
def test_majority_vote_matches_crowdkit(seed: int) -> None:
    crowdkit = pytest.importorskip("crowdkit.aggregation")
    ratings, _, _ = synthetic(seed, n_items=200, per_item=4)
    result = majority_vote(ratings)
    model = crowdkit.MajorityVote()
    expected = proba(model.fit_predict_proba(as_frame(ratings)), ratings)
    np.testing.assert_allclose(result.posterior, np.nan_to_num(expected), atol=1e-12)
    assert result.tied is not None
    assert (result.label[~result.tied] == expected.argmax(axis=1)[~result.tied]).all()
    assert result.tied.any()  # four votes, three classes: some items split evenly


# --- ties, weights, gold ----------------------------------------------------------------------

def test_ties_are_seeded_random_and_confidence_shows_them() -> None:
    n = 400
    items = np.repeat(np.arange(n), 2)
    labels = np.tile(["no", "yes"], n)  # every item split one-one
    ratings = Ratings(items, np.tile(["a", "b"], n), labels)
    first = majority_vote(ratings, seed=1)
    assert first.tied is not None and first.tied.all()
    np.testing.assert_allclose(first.confidence, 0.5)
    assert (majority_vote(ratings, seed=1).label == first.label).all()
    assert (majority_vote(ratings, seed=2).label != first.label).any()
    assert 0.4 < first.label.mean() < 0.6  # not always the first category
    assert first.to_dict()["class_priors"] == {"no": 0.5, "yes": 0.5}


def test_weighted_majority() -> None:
    ratings = Ratings([1, 1, 1, 2, 2, 2], ["a", "b", "c"] * 2, ["x", "y", "y", "x", "x", "y"])
    assert majority_vote(ratings).labels.tolist() == ["y", "x"]
    heavy = weighted_majority_vote(ratings, {"a": 3.0, "b": 1.0, "c": 1.0})
    assert heavy.labels.tolist() == ["x", "x"]
    np.testing.assert_allclose(heavy.confidence, [0.6, 0.8])
    assert weighted_majority_vote(ratings, [1.0, 1.0, 1.0]).labels.tolist() == ["y", "x"]
    with pytest.raises(RatingsError, match="no weight for annotator"):
        weighted_majority_vote(ratings, {"a": 1.0})
    with pytest.raises(RatingsError, match="non-negative"):
        weighted_majority_vote(ratings, [1.0, -1.0, 1.0])


@pytest.mark.parametrize("method", ["dawid-skene", "one-coin", "glad", "mace"])
def test_gold_items_are_clamped(method: str) -> None:
    ratings, truth, _ = synthetic(7, n_items=120)
    gold = {i: int(truth[i]) for i in range(0, 120, 4)}
    result = aggregate_labels(ratings, method, gold=gold)
    known = np.arange(0, 120, 4)
    assert (result.label[known] == truth[known]).all()
    np.testing.assert_allclose(result.confidence[known], 1.0)
    with pytest.raises(RatingsError, match="no ratings"):
        aggregate_labels(ratings, method, gold={"nope": 0})
    with pytest.raises(RatingsError, match="not among the labels"):
        aggregate_labels(ratings, method, gold={0: 9})


# --- spammers: MACE and GLAD against majority ------------------------------------------------

def test_mace_and_glad_beat_majority_with_spammers() -> None:
    rng = np.random.default_rng(11)
    n_items, good, spam = 600, 3, 4
    truth = rng.integers(0, 3, n_items)
    items = np.repeat(np.arange(n_items), good + spam)
    annotators = np.tile(np.arange(good + spam), n_items)
    correct = rng.random(len(items)) < 0.8
    honest = np.where(correct, truth[items], (truth[items] + rng.integers(1, 3, len(items))) % 3)
    # Spammers 3 and 4 always say 0; 5 and 6 answer at random.
    spammed = np.where(annotators < 5, 0, rng.integers(0, 3, len(items)))
    ratings = Ratings(items, annotators, np.where(annotators < good, honest, spammed))
    accuracy = {name: float((aggregate_labels(ratings, name).label == truth).mean()) for name in LABEL_METHODS}
    assert accuracy["mace"] > accuracy["majority"] + 0.1, accuracy
    assert accuracy["glad"] > accuracy["majority"] + 0.1, accuracy
    assert accuracy["mace"] > 0.85, accuracy
    skill = mace(ratings).skill
    assert skill[:good].min() > 0.6 and skill[good:].max() < 0.2, skill


def test_glad_finds_an_adversary_and_reports_difficulty() -> None:
    ratings, truth, _ = synthetic(9, n_items=400, n_classes=2, accuracy=[0.85, 0.85, 0.8, 0.8, 0.1], per_item=5)
    result = glad(ratings)
    assert result.skill[4] < 0 < result.skill[:4].min()
    assert (result.label == truth).mean() > 0.95
    assert result.extras["difficulty"].shape == (400,) and (result.extras["difficulty"] > 0).all()


# --- shape of results and odd inputs ----------------------------------------------------------

@pytest.mark.parametrize("method", LABEL_METHODS)
def test_every_method_returns_a_full_result(method: str) -> None:
    ratings, truth, _ = synthetic(3)
    result = aggregate_labels(ratings, method)
    assert result.method == method
    assert result.posterior.shape == (300, 3) and result.skill.shape == (12,)
    np.testing.assert_allclose(result.posterior.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.priors.sum(), 1.0)
    assert ((result.confidence >= 1 / 3 - 1e-12) & (result.confidence <= 1)).all()
    assert (result.label == truth).mean() > 0.8
    out = result.to_dict()
    assert list(out) == ["method", "items", "annotators", "class_priors"]
    assert list(out["items"][0]) == ["item", "label", "confidence"]


@pytest.mark.parametrize("method", LABEL_METHODS)
def test_one_category_and_one_annotator(method: str) -> None:
    same = Ratings([1, 1, 2], ["a", "b", "a"], ["x", "x", "x"])
    result = aggregate_labels(same, method)
    assert result.labels.tolist() == ["x", "x"]
    np.testing.assert_allclose(result.confidence, 1.0)
    alone = Ratings([1, 2, 3], ["a", "a", "a"], ["x", "y", "x"])
    assert aggregate_labels(alone, method).labels.tolist() == ["x", "y", "x"]


def test_bad_options() -> None:
    ratings, _, _ = synthetic(1, n_items=20)
    with pytest.raises(RatingsError, match="unknown method"):
        aggregate_labels(ratings, "wawa")
    with pytest.raises(RatingsError, match="tol"):
        dawid_skene(ratings, tol=0)
    with pytest.raises(RatingsError, match="max_iter"):
        mace(ratings, max_iter=0)

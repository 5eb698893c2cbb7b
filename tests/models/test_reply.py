from __future__ import annotations

import pickle

from assay.models import ModelError


def test_model_errors_survive_pickling() -> None:
    err = ModelError("endpoint 'x': HTTP 429", kind="http_429", retryable=True, status=429, attempts=3, retry_after_s=2.0)
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.kind, back.retryable, back.status, back.attempts, back.retry_after_s) == (
        "endpoint 'x': HTTP 429", "http_429", True, 429, 3, 2.0)

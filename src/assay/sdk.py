"""`assay.Client`: the Python SDK over the REST API, speaking pandas.

    from assay import Client
    client = Client("http://127.0.0.1:8000", token="assay_...")
    client.create_project(open("stem-rubric.yaml").read())
    client.import_file("stem-rubric", "responses.jsonl")
    df = client.judgements("stem-rubric")      # one row per answer: item, annotator, question, response, value
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from assay.io.containers import detect_container


class AssayAPIError(RuntimeError):
    """The server said no; `status` is the HTTP status and `detail` what it explained."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class Client:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`base_url` defaults to `ASSAY_URL`, `token` to `ASSAY_TOKEN` (create one: assay user token NAME)."""
        base_url = base_url or os.environ.get("ASSAY_URL", "http://127.0.0.1:8000")
        token = token or os.environ.get("ASSAY_TOKEN")
        if not token:
            raise ValueError("an API token is needed: Client(token=...) or ASSAY_TOKEN (assay user token NAME)")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        r = self._http.request(method, url, **kwargs)
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail")
            except ValueError:
                detail = r.text
            raise AssayAPIError(r.status_code, detail)
        return r.json() if r.content else None

    def projects(self) -> list[dict[str, Any]]:
        """Projects you can see, with their counts."""
        result: list[dict[str, Any]] = self._call("GET", "/projects")
        return result

    def project(self, slug: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}")
        return result

    def create_project(self, spec_yaml: str) -> dict[str, Any]:
        """Create a project from its YAML spec text."""
        result: dict[str, Any] = self._call(
            "POST", "/projects", content=spec_yaml.encode(), headers={"Content-Type": "application/yaml"}
        )
        return result

    def import_file(self, slug: str, path: str | Path, *, schema: str | None = None, skip_invalid: bool = False) -> dict[str, Any]:
        """Upload a data file into a project: all or nothing unless `skip_invalid`."""
        path = Path(path)
        detect_container(path)  # a clear local error for an unsupported extension
        data: dict[str, str] = {"skip_invalid": str(skip_invalid).lower()}
        if schema:
            data["schema"] = schema
        with path.open("rb") as f:
            result: dict[str, Any] = self._call(
                "POST", f"/projects/{slug}/imports", files={"file": (path.name, f)}, data=data
            )
        return result

    def judgements(self, slug: str, *, page_size: int = 10_000) -> Any:
        """Every submitted answer as a pandas DataFrame (long form), fetched page by page."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        cursor: int | None = 0
        while cursor is not None:
            page = self._call("GET", f"/projects/{slug}/judgements", params={"cursor": cursor, "limit": page_size})
            rows.extend(page["rows"])
            cursor = page["next_cursor"]
        columns = ["item", "annotator", "question", "response", "value", "submitted_at"]
        return pd.DataFrame(rows, columns=columns)

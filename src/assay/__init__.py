"""Assay: LLM data annotation and evaluation operations.

The public surface is small: `assay.Client` for the REST API; the rest lives in subpackages
(`assay.spec`, `assay.store`, `assay.io`, `assay.work`).
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from assay.sdk import AssayAPIError, Client


def __getattr__(name: str) -> Any:
    # Lazy: importing `assay` (the CLI does, for every command) should not import httpx.
    if name in ("Client", "AssayAPIError"):
        from assay import sdk

        return getattr(sdk, name)
    raise AttributeError(f"module 'assay' has no attribute {name!r}")


__all__ = ["AssayAPIError", "Client", "__version__"]

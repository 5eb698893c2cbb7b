"""Every model call Assay makes goes through here: endpoints, requests, providers, cache and runs.

    endpoints = load_endpoints("models.yaml")            # plus the built-in "offline" endpoint
    stats = run_requests(endpoints["local-qwen"], ((item_id, ModelRequest.chat(prompt)) for ...),
                         cache=ResponseCache(), on_result=store)   # store(key, ModelReply | ModelError)

Model output is untrusted: it is displayed, never executed.
"""

from assay.models._cache import ResponseCache, default_cache_path
from assay.models._config import (
    MODELS_FILE,
    configured_endpoints,
    load_endpoints,
    models_file,
    parse_endpoints,
)
from assay.models._endpoint import OFFLINE, OFFLINE_ENDPOINT, Endpoint, SamplingParams
from assay.models._limits import EndpointLimiter, limiter_for
from assay.models._offline import (
    OfflineProvider,
    Rule,
    Script,
    default_reply,
    judge_script,
    request_digest,
    rules_script,
    whitespace_tokens,
)
from assay.models._openai import OpenAICompatible, RetryHook
from assay.models._provider import Provider, provider_for
from assay.models._reply import ModelError, ModelReply, Usage
from assay.models._request import ModelRequest, content_text
from assay.models._retry import backoff_delay, parse_retry_after
from assay.models._runner import OnResult, Progress, RunStats, run_requests, run_requests_async

__all__ = [
    "MODELS_FILE",
    "OFFLINE",
    "OFFLINE_ENDPOINT",
    "Endpoint",
    "EndpointLimiter",
    "ModelError",
    "ModelReply",
    "ModelRequest",
    "OfflineProvider",
    "OnResult",
    "OpenAICompatible",
    "Progress",
    "Provider",
    "ResponseCache",
    "RetryHook",
    "Rule",
    "RunStats",
    "SamplingParams",
    "Script",
    "Usage",
    "backoff_delay",
    "configured_endpoints",
    "content_text",
    "default_cache_path",
    "default_reply",
    "judge_script",
    "limiter_for",
    "load_endpoints",
    "models_file",
    "parse_endpoints",
    "parse_retry_after",
    "provider_for",
    "request_digest",
    "rules_script",
    "run_requests",
    "run_requests_async",
    "whitespace_tokens",
]

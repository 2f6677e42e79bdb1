"""spacy-llm registrations of the model client, the response cache and the cache wrapper."""

from typing import Any, Callable, Dict, List, Optional

from spacy_llm.registry import registry

from eventcoder.extractors.llm.cache import ResponseCache
from eventcoder.extractors.llm.client.cached import CachedModel
from eventcoder.extractors.llm.client.model import OPENAI_BASE_URL, OpenAICompatible
from eventcoder.extractors.llm.cluster import ShardedCache, request_slot


@registry.llm_models("eventcoder.OpenAICompatible.v1")
def make_openai_compatible(
    name: str = "gpt-4o-mini",
    base_url: str = OPENAI_BASE_URL,
    api_key_env: str = "OPENAI_API_KEY",
    temperature: float = 0.0,
    max_tokens: Optional[int] = None,
    timeout: float = 120.0,
    max_tries: int = 6,
    backoff: float = 1.0,
    max_backoff: float = 60.0,
    concurrency: int = 8,
    context_length: Optional[int] = 8192,
    response_format: Optional[Dict[str, Any]] = None,
    cache: Optional[ResponseCache] = None,
    extra_body: Dict[str, Any] = {},
    semaphore: Optional[List[Any]] = None,
    server_identity: Optional[str] = None,
    deadline: Optional[float] = None,
    max_response_bytes: int = 4_000_000,
    batch_sentences: int = 1,
    logprobs: bool = False,
) -> OpenAICompatible:
    """Chat completions at any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp, LM Studio).

    name: the model at the server. base_url: up to and without ``/chat/completions``.
    api_key_env: environment variable holding the API key, sent as a Bearer token when set
    (required for OpenAI itself). timeout: seconds any one read may wait. max_tries, backoff,
    max_backoff: retries of 408/409/429/5xx, timeouts and connection errors, waiting
    ``backoff * 2**n`` seconds with jitter, at least ``Retry-After``, at most ``max_backoff``.
    concurrency: requests in flight at once. context_length: tokens of prompt and answer
    together; longer docs are split on sentence boundaries. response_format: sent as is
    (structured outputs; see ``eventcoder.EventsResponseFormat.v1``); dropped for the rest of
    the run if the server rejects it. cache: an ``eventcoder.ResponseCache.v1``.
    extra_body: more request fields (``seed``, ``top_p``, ...), part of the cache key.
    semaphore: ``[name, max_leases]`` of the Dask semaphore that a dask run sets to hold
    requests across the whole cluster to ``max_leases`` (``extractors/llm/cluster.py``).
    server_identity: names the server in cache keys instead of ``base_url`` (a local model
    served on a new port each run is the same model). deadline: seconds for a whole try, from
    sending to the last byte (default ``5 * timeout``). max_response_bytes: a longer answer is
    not read; its doc records the failure (``meta.llm.failed``) and the run goes on.
    batch_sentences: the sentences of several docs sent in one request, up to this many, behind
    one copy of the instructions (``client/packing.py``); 1 sends each prompt alone.
    logprobs: ask for token log-probabilities and score each event with them
    (``client/scoring.py``); the scores are stored with the answers in the cache.
    """
    return OpenAICompatible(
        name, base_url, api_key_env, temperature, max_tokens, timeout, max_tries, backoff, max_backoff,
        concurrency, context_length, response_format, cache, extra_body, request_slot(semaphore),
        server_identity, deadline, max_response_bytes, batch_sentences, logprobs,
    )


@registry.llm_misc("eventcoder.ResponseCache.v1")
def make_response_cache(path: Optional[str] = None) -> ResponseCache:
    """The persistent response cache (SQLite); ``path`` defaults to the user cache folder."""
    return ResponseCache(path)


@registry.llm_misc("eventcoder.ShardedResponseCache.v1")
def make_sharded_cache(main: str, shards: str) -> ShardedCache:
    """A dask worker's response cache: reads ``main``, writes only its own file in ``shards``."""
    return ShardedCache(main, shards)


@registry.llm_models("eventcoder.CachedModel.v1")
def make_cached_model(model: Callable, cache: ResponseCache, identity: str) -> CachedModel:
    """Any spacy-llm ``model`` behind the response cache; ``identity`` names it and its settings."""
    return CachedModel(model, cache, identity)

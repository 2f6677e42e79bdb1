"""``eventcoder.OpenAICompatible.v1``: a spacy-llm model for any OpenAI-compatible server.

OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio and the like all answer
``POST {base_url}/chat/completions``. Unlike spacy-llm 0.7.4's OpenAI models this one sends
nothing at start-up (they call the public API to check the key even with another endpoint).
Each call takes a whole batch of prompts, answers the cached ones from the
:class:`~eventcoder.extractors.llm.cache.ResponseCache`, sends each distinct missing prompt once with at
most ``concurrency`` requests in flight, stores each answer the moment it arrives, and yields
the responses per doc in order.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from concurrent.futures import Future
from contextlib import nullcontext
from typing import Any, ContextManager, Dict, Iterable, List, Optional

from eventcoder.core.errors import UserError
from eventcoder.extractors.llm.cache import ResponseCache, cache_key, canonical_json
from eventcoder.extractors.llm.client.http import (
    ChatClient,
    LLMRequestError,
    ResponseTooLarge,
)
from eventcoder.extractors.llm.client.packing import Pack, make_packs, split_answer
from eventcoder.extractors.llm.client.scoring import event_scores
from eventcoder.extractors.llm.responses import FailedResponse
from eventcoder.extractors.llm.tasks.events.parser import event_items
from eventcoder.extractors.llm.tasks.events.sharding import estimate_tokens

logger = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
#: Tokens kept free for the answer of a packed request when max_tokens is not set.
ANSWER_TOKENS = 1024


def _rejects_response_format(error: LLMRequestError) -> bool:
    """Whether a server refused the request because it does not know ``response_format``."""
    text = f"{error} {error.body}".lower()
    return error.status in (400, 422) and ("response_format" in text or "json_schema" in text)


class OpenAICompatible:
    """Chat completions at ``base_url``; see the module docstring."""

    def __init__(
        self,
        name: str,
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
        extra_body: Optional[Dict[str, Any]] = None,
        budget: Optional[ContextManager] = None,
        server_identity: Optional[str] = None,
        deadline: Optional[float] = None,
        max_response_bytes: int = 4_000_000,
        batch_sentences: int = 1,
        logprobs: bool = False,
    ):
        if concurrency < 1 or max_tries < 1 or timeout <= 0:
            raise UserError("LLM model: concurrency and max_tries must be at least 1, timeout above 0")
        self.name = name
        self.base_url = base_url.rstrip("/")
        api_key = os.environ.get(api_key_env) if api_key_env else None
        if not api_key and self.base_url == OPENAI_BASE_URL:
            raise UserError(f"set {api_key_env} to your OpenAI API key, or use --llm-base-url for another server")
        self.concurrency = concurrency
        self.cache = cache
        self._context_length = context_length
        #: Everything sent besides the messages; with the server and model, the cache identity.
        self.settings = {
            key: value
            for key, value in {"temperature": temperature, "max_tokens": max_tokens, "logprobs": logprobs or None,
                               **(extra_body or {})}.items()
            if value is not None
        }
        self.response_format = response_format
        #: Sentences of several docs sent in one request (client/packing.py); 1: a request per prompt.
        self.batch_sentences = max(1, batch_sentences)
        identity = {"base_url": server_identity or self.base_url, "model": name, "settings": self.settings,
                    "response_format": response_format}
        if self.batch_sentences > 1:  # a doc's answer may depend on the docs packed with it
            identity["batch_sentences"] = self.batch_sentences
        self.identity = canonical_json(identity)
        self.client = ChatClient(self.base_url, api_key, timeout, max_tries, backoff, max_backoff, concurrency,
                                 deadline, max_response_bytes)
        self._send_format = response_format is not None
        self._lock = threading.Lock()
        #: Held around each request: a dask run's request budget for the whole cluster.
        self.budget = budget if budget is not None else nullcontext()

    @property
    def context_length(self) -> Optional[int]:
        """Tokens a prompt and its answer may take together; spacy-llm shards docs to fit."""
        return self._context_length

    def _body(self, prompt: str) -> dict:
        body = {"model": self.name, "messages": [{"role": "user", "content": prompt}], **self.settings}
        if self._send_format:
            body["response_format"] = self.response_format
        return body

    def _complete(self, prompt: str, stop: threading.Event) -> dict:
        with self.budget:
            return self.client.complete_choice(self._body(prompt), stop)

    def _ask(self, prompt: str, stop: threading.Event) -> dict:
        """The first choice for ``prompt``, without ``response_format`` once a server refused it."""
        try:
            return self._complete(prompt, stop)
        except ResponseTooLarge:
            raise
        except LLMRequestError as exc:
            if not (self._send_format and _rejects_response_format(exc)):
                raise
            with self._lock:
                if self._send_format:
                    logger.warning("%s does not accept response_format; asking without it", self.base_url)
                self._send_format = False
            return self._complete(prompt, stop)

    def _request(self, pack: Pack, stop: threading.Event) -> list[str]:
        """The answers to one request, one per member doc, each stored in the cache."""
        try:
            choice = self._ask(pack.prompt, stop)
        except ResponseTooLarge as exc:
            return [FailedResponse(str(exc))] * len(pack.keys)  # this answer's fault: not cached
        content = choice["message"]["content"]
        scores = None
        if self.settings.get("logprobs"):
            items, problem = event_items(content)
            scores = None if problem else event_scores(content, choice.get("logprobs"), len(items))
        answers = split_answer(pack, content, scores) if len(pack.keys) > 1 or scores else [content]
        if self.cache is not None:
            for key, answer in zip(pack.keys, answers):
                self.cache.put(key, answer, self.name)
        return answers

    def _packs(self, jobs: List[tuple]) -> List[Pack]:
        budget = (self._context_length or 10**9) - (self.settings.get("max_tokens") or ANSWER_TOKENS)
        return make_packs(jobs, self.batch_sentences, budget, estimate_tokens)

    def _start(self, packs: List[Pack], stop: threading.Event) -> Dict[str, Future]:
        """Send the packs from at most ``concurrency`` threads; a future per member's key.

        Daemon threads, not a ThreadPoolExecutor: the interpreter joins an executor's threads at
        exit, so Ctrl-C would wait for every request on the wire (minutes with a slow model).
        """
        futures = {key: Future() for pack in packs for key in pack.keys}
        queue = deque(packs)
        lock = threading.Lock()

        def work() -> None:
            while not stop.is_set():
                with lock:
                    if not queue:
                        return
                    pack = queue.popleft()
                for key in pack.keys:
                    futures[key].set_running_or_notify_cancel()
                try:
                    answers = self._request(pack, stop)
                except BaseException as exc:  # handed to the waiting caller
                    for key in pack.keys:
                        futures[key].set_exception(exc)
                else:
                    for key, answer in zip(pack.keys, answers):
                        futures[key].set_result(answer)

        for _ in range(min(self.concurrency, len(packs))):
            threading.Thread(target=work, name="eventcoder-llm", daemon=True).start()
        return futures

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        """Responses per doc (one per shard prompt), in order."""
        keyed: List[List[str]] = []
        known: Dict[str, str] = {}
        jobs: Dict[str, str] = {}
        for doc_prompts in prompts:
            keys = []
            for prompt in doc_prompts:
                key = cache_key(self.identity, str(prompt))
                keys.append(key)
                if key in known or key in jobs:
                    continue  # the same prompt twice in a batch is sent once
                cached = self.cache.get(key) if self.cache is not None else None
                if cached is not None:
                    known[key] = cached
                else:
                    jobs[key] = prompt
            keyed.append(keys)
        stop = threading.Event()
        pending = self._start(self._packs(list(jobs.items())), stop)
        try:
            for keys in keyed:
                yield [known[key] if key in known else pending[key].result() for key in keys]
        finally:
            # After an error (or an abandoned generator) stop retrying and leave queued prompts;
            # requests already on the wire still store their answers.
            stop.set()

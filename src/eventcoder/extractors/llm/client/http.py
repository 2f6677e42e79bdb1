"""One chat-completion request to an OpenAI-compatible server, retried until it succeeds.

Retried: HTTP 408, 409, 429 and 5xx, timeouts, and connection errors (refused, reset, dropped
without an answer). The wait before try ``n`` is ``backoff * 2**(n-1)`` seconds with equal
jitter (a random half to all of it, so parallel workers do not retry in step), at least what
``Retry-After`` (or ``retry-after-ms``) asks, and at most ``max_backoff``. Other HTTP errors
(400, 401, 404, ...) are the caller's to fix and fail at once, with the server's message.

Every try is bounded twice over. In time: ``deadline`` seconds for the whole try, from
sending to the last byte (httpx's ``timeout`` applies to each read, so a server trickling one
byte a second would otherwise hold a try forever); it is checked as each chunk arrives and
no read waits longer than the time left at the start of the try, so a try ends within
``2 * deadline`` even when the server falls silent at the last moment. In size:
``max_response_bytes`` of (decoded) body; a larger answer is :class:`ResponseTooLarge`, not
retried (it would come again), and never read into memory whole.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from dataclasses import dataclass

import httpx

from eventcoder.core.errors import UserError

RETRY_STATUS = frozenset({408, 409, 429})


class LLMRequestError(UserError):
    """A request the server rejected, or could not answer after every try."""

    def __init__(self, message: str, status: int | None = None, body: str = ""):
        super().__init__(message)
        self.status, self.body = status, body


class ResponseTooLarge(LLMRequestError):
    """An answer over ``max_response_bytes``: a fault of this answer, not of the run."""


class _DeadlinePassed(Exception):
    pass


@dataclass
class Reply:
    """An HTTP answer read within the bounds: status, headers and body."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    reason_phrase: str = ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Seconds the server asks us to wait: ``retry-after-ms``, or ``Retry-After`` (seconds or date)."""
    if "retry-after-ms" in headers:
        try:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        date = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return max(0.0, date.timestamp() - time.time()) if date else None


def _server_message(response: Reply) -> str:
    """The ``error.message`` of an OpenAI-style error body, else the start of the body."""
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
        if message:
            return str(message)
    except (ValueError, AttributeError):
        pass
    return response.text[:200].strip() or response.reason_phrase


class ChatClient:
    """POSTs chat completions to ``{base_url}/chat/completions``; thread-safe."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeout: float,
        max_tries: int,
        backoff: float,
        max_backoff: float,
        max_connections: int,
        deadline: float | None = None,
        max_response_bytes: int = 4_000_000,
    ):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.max_tries, self.backoff, self.max_backoff = max_tries, backoff, max_backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # Creating the client opens no connection: nothing is sent before the first request.
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        )
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 5 * timeout
        self.max_response_bytes = max_response_bytes
        self.retries = 0  # requests retried, all threads together (for reports and tests)
        self._count = threading.Lock()

    def wait_before(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1``."""
        base = self.backoff * 2 ** (attempt - 1)
        delay = random.uniform(base / 2, base)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.max_backoff)

    def _post(self, body: dict) -> Reply:
        """One try, bounded by ``deadline`` and ``max_response_bytes``."""
        started = time.monotonic()
        per_read = min(self.timeout, self.deadline)
        with self._http.stream("POST", self.url, json=body, timeout=httpx.Timeout(per_read)) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise ResponseTooLarge(self._too_large(f"{int(declared):,} bytes announced"), response.status_code)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise ResponseTooLarge(self._too_large(f"over {size:,} bytes"), response.status_code)
                if time.monotonic() - started > self.deadline:
                    raise _DeadlinePassed
                chunks.append(chunk)
            return Reply(response.status_code, response.headers, b"".join(chunks), response.reason_phrase)

    def _too_large(self, what: str) -> str:
        return f"LLM server {self.url} answered {what}, more than max_response_bytes={self.max_response_bytes:,}"

    def complete(self, body: dict, stop: threading.Event | None = None) -> str:
        """The first choice's message content for ``body``; raises :class:`LLMRequestError`."""
        return self.complete_choice(body, stop).get("message", {}).get("content") or ""

    def complete_choice(self, body: dict, stop: threading.Event | None = None) -> dict:
        """The first choice of the chat completion for ``body`` (its ``message``, and
        ``logprobs`` when asked for); raises :class:`LLMRequestError`.

        Setting ``stop`` (from another thread) ends the waiting between tries at once.
        """
        stop = stop or threading.Event()
        problem = ""
        for attempt in range(1, self.max_tries + 1):
            retry_after = None
            try:
                response = self._post(body)
            except _DeadlinePassed:
                problem = f"the answer took longer than the deadline of {self.deadline:g} s"
            except httpx.TimeoutException:
                problem = f"no answer within {min(self.timeout, self.deadline):g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})"
            else:
                if response.status_code == 200:
                    choice = _choice(response)
                    if choice is not None:
                        return choice
                    problem = "malformed chat completion"
                elif response.status_code in RETRY_STATUS or response.status_code >= 500:
                    problem = f"HTTP {response.status_code}: {_server_message(response)}"
                    retry_after = retry_after_seconds(response.headers)
                else:
                    raise LLMRequestError(
                        f"LLM server {self.url} refused the request: HTTP {response.status_code}:"
                        f" {_server_message(response)}",
                        response.status_code,
                        response.text,
                    )
            if attempt == self.max_tries or stop.is_set():
                break
            with self._count:
                self.retries += 1
            if stop.wait(self.wait_before(attempt, retry_after)):
                break
        raise LLMRequestError(f"LLM server {self.url} did not answer after {attempt} tries: {problem}")

    def close(self) -> None:
        self._http.close()


def _choice(response: Reply) -> dict | None:
    """The first choice of a chat completion, its content ``""`` for a refusal or empty answer."""
    try:
        choice = response.json()["choices"][0]
        message = choice["message"]
        if not isinstance(message, dict):
            return None
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return {**choice, "message": {**message, "content": message.get("content") or ""}}

"""A small OpenAI-compatible server on 127.0.0.1, for tests, the benchmark and offline trials.

``POST .../chat/completions`` answers with whatever ``responder(body)`` returns: a message
content (by default :func:`keyword_responder`'s, which finds trigger words of the built-in
types in the prompt's DOCUMENT section), or a whole chat completion (a dict; :func:`proxy_to`
forwards to a real server, so a benchmark records every request and answer). Faults are
queued with :meth:`FakeLLMServer.push`: an HTTP status with headers, a delay, a dropped
connection, or an answer trickled a byte at a time, each used by one request.
``answer_limit`` makes the server stop answering (hang, then drop) after that many answers.
Every request is recorded with its outcome. Standard library only (httpx for the proxy);
serves loopback only.

    with FakeLLMServer(latency=0.3) as server:
        ... --llm-base-url {server.base_url} ...
        server.requests  # [{"body": ..., "outcome": 200}, ...]
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

#: Trigger word -> event type and the role of the sentence's first word, for the default responder.
KEYWORDS = {
    "met": ("MEETING", "participant"),
    "talks": ("MEETING", None),
    "discussed": ("MEETING", "participant"),
    "said": ("STATEMENT", "speaker"),
    "stressed": ("STATEMENT", "speaker"),
    "agreed": ("AGREEMENT", "party"),
    "agreement": ("AGREEMENT", None),
    "refused": ("REFUSAL", "refuser"),
    "rejected": ("REFUSAL", "refuser"),
}
_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.M)
_HINT = re.compile(r" \(candidates: [^()]*\)$")  # Events.v2's trigger-word hints, not the text


def document_sentences(prompt: str) -> list[str]:
    """The numbered sentences of the prompt's last ``DOCUMENT`` section (not the examples')."""
    section = prompt.rsplit("\nDOCUMENT\n", 1)[-1]
    return [text for _, text in _LINE.findall(section)]


def keyword_responder(body: dict) -> str:
    """An answer naming every keyword trigger, its sentence's first word as actor (if capitalised)."""
    prompt = body["messages"][-1]["content"]
    events = []
    for i, sentence in enumerate(document_sentences(prompt)):
        words = _HINT.sub("", sentence).split()
        for word in words:
            found = KEYWORDS.get(word.strip(".,;:\"'“”").lower())
            if not found:
                continue
            label, role = found
            first = words[0].strip(".,;:\"'“”")
            actor = [{"role": role, "text": first}] if role and first[:1].isupper() and first != word else []
            events.append({"type": label, "modality": "asserted", "sentence": i,
                           "trigger": word.strip(".,;:\"'“”"), "arguments": actor})
    return json.dumps({"events": events})


def proxy_to(base_url: str, timeout: float = 1800.0) -> Callable[[dict], dict]:
    """A responder that asks the real server at ``base_url`` and answers with its completion."""
    import httpx

    def forward(body: dict) -> dict:
        return httpx.post(base_url.rstrip("/") + "/chat/completions", json=body, timeout=timeout).json()

    return forward


@dataclass
class Fault:
    """What the server does with one request instead of answering it."""

    status: int | None = None  # answer with this HTTP status
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # wait this long first (longer than the client's timeout: a timeout)
    drop: bool = False  # close the connection without a response
    message: str = ""  # the error message of a status answer
    trickle: float = 0.0  # answer, but one byte every ``trickle`` seconds (until stop())


def chat_completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }


class FakeLLMServer:
    """See the module docstring."""

    def __init__(self, responder: Callable[[dict], str] = keyword_responder, latency: float = 0.0):
        self.responder, self.latency = responder, latency
        self.answer_limit: int | None = None
        self.requests: list[dict] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *faults: Fault) -> None:
        """Queue faults, each for the next request not yet served."""
        with self._lock:
            self._faults.extend(faults)

    def reset(self) -> None:
        """Forget recorded requests and queued faults; answer everything again."""
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self.answer_limit = None

    @property
    def answered(self) -> list[dict]:
        """Bodies of the requests answered with HTTP 200."""
        with self._lock:
            return [r["body"] for r in self.requests if r["outcome"] == 200]

    def start(self) -> "FakeLLMServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _next(self, body: dict, headers: dict) -> tuple[Fault | None, dict]:
        """The fault for this request (or None to answer it) and its record."""
        with self._lock:
            record = {"body": body, "headers": headers, "outcome": None, "time": time.monotonic()}
            self.requests.append(record)
            if self._faults:
                return self._faults.popleft(), record
            n_answered = sum(1 for r in self.requests if r["outcome"] == 200)
            if self.answer_limit is not None and n_answered >= self.answer_limit:
                return Fault(delay=30.0, drop=True), record  # hang until stop(), then drop
            record["outcome"] = 200  # claimed now, so concurrent requests respect answer_limit
            return None, record

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms each)

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {self.path}"}})
                fault, record = server._next(body, dict(self.headers))
                if fault is not None:
                    if fault.delay:
                        server._release.wait(fault.delay)
                    if fault.drop or server._release.is_set():
                        record["outcome"] = "dropped"
                        self.close_connection = True
                        return
                    if fault.trickle:
                        record["outcome"] = "trickled"
                        return self._trickle(chat_completion(server.responder(body), ""), fault.trickle)
                    if fault.status is not None:
                        record["outcome"] = fault.status
                        message = fault.message or f"fake {fault.status}"
                        return self._send(fault.status, {"error": {"message": message}}, fault.headers)
                    record["outcome"] = "late"  # answered after the delay, likely to a client gone
                if server.latency:
                    time.sleep(server.latency)
                answer = server.responder(body)
                if isinstance(answer, dict):  # a whole chat completion (a proxy's), sent as it is
                    record["answer"] = answer
                    return self._send(200, answer)
                self._send(200, chat_completion(answer, body.get("model", "")))

            def _trickle(self, payload: dict, every: float) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    for i in range(len(data)):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        if server._release.wait(every):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to tell it

        return Handler

"""A local OpenAI-compatible server for any GGUF model: llama.cpp's own server, via xllamacpp.

- :func:`start_server` starts one in this process (``eventcoder llm serve``): llama.cpp runs
  it on its own threads and it answers ``/v1/chat/completions`` (with ``response_format``
  json_schema and token log-probabilities) and ``/health`` on 127.0.0.1 only.
- :class:`LocalServer` runs one in a child process for the length of an extraction
  (``-O llm.local_model=PATH``): the child exits when its parent does, even one killed
  outright, since it waits on a pipe that the parent's death closes.

xllamacpp (``pip install 'eventcoder[local-llm]'``) is imported only here, and only when a
server starts. One slot by default: requests queue at the server, and the slot keeps the
prompt prefix of the last request cached, so a stable prefix is computed once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eventcoder.core.errors import UserError

#: Seconds a child server may take to load its model and answer /health.
START_TIMEOUT = 300.0


@dataclass(frozen=True)
class ServeSettings:
    """How to serve a model. ``threads`` None: llama.cpp's default (all cores)."""

    model: Path
    port: int = 0  # 0: any free port
    threads: int | None = None
    context: int = 8192  # tokens per slot (prompt and answer together)
    parallel: int = 1  # slots: requests decoded at once

    def check(self) -> None:
        if not Path(self.model).is_file():
            raise UserError(f"{self.model}: no such model file (a GGUF file, e.g. from bench/local_model.py)")
        if self.threads is not None and self.threads < 1 or self.parallel < 1 or self.context < 256:
            raise UserError("llm serve: threads and parallel must be at least 1, context at least 256")


def _xllamacpp():
    try:
        import xllamacpp
    except ImportError:
        raise UserError("serving a local model needs xllamacpp: pip install 'eventcoder[local-llm]'") from None
    return xllamacpp


def start_server(settings: ServeSettings):
    """Start llama.cpp's server in this process; returns ``(server, base_url)``.

    The server stops when the returned object is garbage-collected or the process exits.
    """
    settings.check()
    xlc = _xllamacpp()
    params = xlc.CommonParams()
    params.model.path = str(settings.model)
    params.hostnames = ["127.0.0.1"]
    params.port = settings.port
    params.n_ctx = settings.context * settings.parallel  # llama.cpp splits n_ctx across slots
    params.n_parallel = settings.parallel
    params.cache_prompt = True
    if settings.threads:
        params.cpuparams.n_threads = settings.threads
        params.cpuparams_batch.n_threads = settings.threads
    try:
        server = xlc.Server(params)
    except Exception as exc:  # a file that is not a GGUF model, too little memory, a port in use
        raise UserError(f"{settings.model}: llama.cpp could not serve it: {' '.join(str(exc).split())[:300]}") from None
    return server, server.listening_address.rstrip("/") + "/v1"


def serve_forever(settings: ServeSettings, ready=print) -> None:
    """Serve in this process until Ctrl-C or SIGTERM; ``ready(base_url)`` once it answers."""
    import signal
    import threading

    server, base_url = start_server(settings)
    wait_healthy(base_url, START_TIMEOUT)
    ready(base_url)
    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        del server


def wait_healthy(base_url: str, timeout: float, alive=lambda: True) -> None:
    """Block until ``{server}/health`` answers 200 (the model is loaded)."""
    import httpx

    health = base_url.removesuffix("/v1") + "/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(health, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise UserError(f"the local model server at {base_url} did not become ready within {timeout:g} s")


class LocalServer:
    """A model server in a child process, for a ``with`` block; ``base_url`` once entered."""

    def __init__(self, settings: ServeSettings, start_timeout: float = START_TIMEOUT):
        settings.check()
        _xllamacpp()  # fail here, in one line, rather than in the child
        self.settings, self.start_timeout = settings, start_timeout
        self.base_url: str | None = None
        self._process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> "LocalServer":
        s = self.settings
        command = [sys.executable, "-m", "eventcoder.extractors.llm.local_server", str(s.model), "--port", str(s.port),
                   "--context", str(s.context), "--parallel", str(s.parallel)]
        if s.threads:
            command += ["--threads", str(s.threads)]
        # llama.cpp logs a lot to stderr: kept in a file, shown only when the server fails.
        self._log = tempfile.TemporaryFile(mode="w+b", prefix="eventcoder-llm-server-")
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self._process.stdout.readline().decode("utf-8", "replace").strip()
        if not line.startswith("http"):
            self.stop()
            raise UserError(f"the local model server did not start: {line or self._log_tail()}")
        self.base_url = line
        try:
            wait_healthy(line, self.start_timeout, alive=lambda: self._process.poll() is None)
        except UserError:
            tail = self._log_tail()
            self.stop()
            raise UserError(f"the local model server did not become ready: {tail}") from None
        return self

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return " | ".join(lines[-3:])[-400:]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.stdin.close()  # the child's cue to exit
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _child(argv: list[str]) -> int:
    """Serve until stdin closes (the parent stopped us or died); print the base URL first."""
    import argparse

    parser = argparse.ArgumentParser(prog="eventcoder.extractors.llm.local_server")
    parser.add_argument("model", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--context", type=int, default=8192)
    parser.add_argument("--parallel", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        server, base_url = start_server(ServeSettings(args.model, args.port, args.threads, args.context, args.parallel))
    except UserError as exc:
        print(f"error: {exc}", flush=True)
        return 2
    print(base_url, flush=True)
    sys.stdin.buffer.read()  # returns at EOF
    del server
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))

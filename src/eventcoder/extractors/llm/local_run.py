"""``-O llm.local_model=PATH``: serve a GGUF model for the length of the run.

The server is a child process (:class:`~eventcoder.extractors.llm.local_server.LocalServer`)
stopped when this process exits; the settings are pointed at it. Cache keys name the model
file (name and size), not the server's port, which is new every run.
"""

from __future__ import annotations

import atexit
from pathlib import Path

from eventcoder.core.errors import UserError
from eventcoder.extractors.llm.local_server import LocalServer, ServeSettings

#: One server per (model, threads) in this process, shared by the extractors built in it.
_SERVERS: dict[tuple[str, int | None], LocalServer] = {}


def _stop_all() -> None:
    while _SERVERS:
        _SERVERS.popitem()[1].stop()


atexit.register(_stop_all)


def with_local_server(settings: dict) -> dict:
    """``settings`` pointed at a local server for ``llm_local_model``, started if needed."""
    model = settings.get("llm_local_model")
    if not model:
        return settings
    if settings.get("llm_base_url"):
        raise UserError("-O llm.local_model and -O llm.base_url both name a server: keep one")
    path = Path(model).resolve()
    key = (str(path), settings.get("llm_threads"))
    server = _SERVERS.get(key)
    if server is None:
        server = _SERVERS[key] = LocalServer(ServeSettings(path, threads=settings.get("llm_threads"))).start()
    return {
        **settings,
        "llm_base_url": server.base_url,
        "llm_model": settings.get("llm_model") or path.name,
        "llm_server_identity": f"local-gguf:{path.name}:{path.stat().st_size}",
        # One slot: more requests in flight would only queue at the server, past their timeouts.
        "llm_concurrency": settings.get("llm_concurrency") or 1,
        # llama.cpp sends nothing until the whole answer is made: minutes on a busy CPU.
        "llm_timeout": settings.get("llm_timeout") or 600.0,
    }

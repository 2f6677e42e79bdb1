"""``eventcoder review``: build the task stream, the store and the app, and serve them.

The input is news (run through an extractor lazily, like ``eventcoder extract``) or a JSONL
file of finished tasks (its first line has ``tokens`` and ``spans``), served as it stands.
"""

from __future__ import annotations

import getpass
import gzip
import secrets
import socket
from dataclasses import dataclass, field
from typing import Callable

from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.annotation.store import DEFAULT_DB, AnswerStore, session_id
from eventcoder.annotation.streams import is_task_file, task_stream
from eventcoder.annotation.webapp.app import LOCAL_HOSTS, Review, create_app
from eventcoder.annotation.webapp.queue import TaskQueue
from eventcoder.core.errors import UserError
from eventcoder.plugins import get_registry
from eventcoder.run.extract import ExtractConfig

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8080


@dataclass
class ReviewOptions:
    """Everything ``eventcoder review`` is told."""

    source: str
    dataset: str
    annotator: str | None = None
    db: str = DEFAULT_DB
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    #: Skip tasks whose ``task`` hash (default) or ``input`` hash (text) was answered.
    exclude_by: str = "task"
    extract: ExtractConfig = field(default_factory=lambda: ExtractConfig(batch_size=10))
    lease_s: float = 600.0
    #: Review order (``eventcoder.annotation.ordering``) and how many tasks it picks the next one from.
    order: str = "stream"
    buffer: int = DEFAULT_BUFFER


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "annotator"


def _count_lines(path: str) -> int:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def open_review(options: ReviewOptions) -> Review:
    """The :class:`Review` for ``options``, its first task read (so bad input fails here)."""
    if not options.dataset or not options.dataset.strip():
        raise UserError("--dataset must not be empty")
    registry = get_registry()
    annotator = options.annotator or default_annotator()
    store = AnswerStore(options.db)
    try:
        total = _count_lines(options.source) if is_task_file(options.source) else None
        queue = TaskQueue(
            task_stream(options.source, options.extract, registry, order=options.order, buffer=options.buffer),
            store.answered(options.dataset, annotator, options.exclude_by),
            key=options.exclude_by, total=total, lease_s=options.lease_s,
        )
        queue.prime()
    except BaseException:
        store.close()
        raise
    local = options.host in LOCAL_HOSTS
    token = options.token or (None if local else secrets.token_urlsafe(24))
    return Review(options.dataset, annotator, session_id(options.dataset, annotator), registry, store, queue,
                  token=token, local_only=local)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port); UserError when taken."""
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        # proto must say TCP: asyncio turns Nagle off (TCP_NODELAY) only for such sockets, and
        # with Nagle on, a keep-alive client waits ~40 ms for every response.
        sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port)") from None
    sock.listen(128)
    return sock


def address(review: Review, host: str, port: int) -> str:
    """The address to open in a browser, with the token when one is needed."""
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={review.token}" if review.token else "")


def serve(options: ReviewOptions, announce: Callable[[str], None] = print) -> None:
    """Serve the review app until interrupted (Ctrl-C)."""
    import uvicorn

    review = open_review(options)
    try:
        sock = listen(options.host, options.port)
        port = sock.getsockname()[1]
        announce(f"eventcoder review: dataset {review.dataset!r}, annotator {review.annotator!r},"
                 f" answers in {options.db}")
        announce(f"eventcoder review: open {address(review, options.host, port)}  (Ctrl-C stops)")
        server = uvicorn.Server(uvicorn.Config(create_app(review), log_level="warning", access_log=False))
        server.run(sockets=[sock])
    finally:
        review.store.close()

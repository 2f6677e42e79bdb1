"""``eventcoder review``: build the task stream, the store and the app, and serve them.

The input is news (run through an extractor lazily, like ``eventcoder extract``) or a JSONL
file of finished tasks (its first line has ``tokens`` and ``spans``), served as it stands;
with ``adjudicate`` it is a dataset of the database, each text's answers shown side by side.
Each annotator joins with ``/?session=NAME``; see :mod:`eventcoder.annotation.webapp.feeds`
for who gets which task.
"""

from __future__ import annotations

import getpass
import gzip
import secrets
import socket
from dataclasses import dataclass, field
from typing import Callable

from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.annotation.store import DEFAULT_DB, AnswerStore, has_dataset
from eventcoder.annotation.streams import is_task_file, task_stream
from eventcoder.annotation.webapp.adjudication import adjudication_stream
from eventcoder.annotation.webapp.app import (
    LOCAL_HOSTS,
    SESSION_NAME,
    Review,
    create_app,
)
from eventcoder.annotation.webapp.feeds import OverlapFeed, SharedFeed
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
    #: Every annotator sees every task (else each task goes to the next free annotator).
    feed_overlap: bool = False
    #: Without overlap: how many different annotators answer each task.
    annotations_per_task: int = 1
    #: Session names that may join (None: any).
    sessions: list[str] | None = None
    #: ``source`` is a dataset of ``db`` whose answers are adjudicated into ``dataset``.
    adjudicate: bool = False


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "annotator"


def _count_lines(path: str) -> int:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def _check(options: ReviewOptions, annotator: str) -> None:
    if not options.dataset or not options.dataset.strip():
        raise UserError("--dataset must not be empty")
    if options.feed_overlap and options.annotations_per_task != 1:
        raise UserError("--feed-overlap and --annotations-per-task exclude each other: every annotator sees every task,"
                        " or N annotators each")
    if options.annotations_per_task < 1:
        raise UserError("--annotations-per-task must be 1 or more")
    for name in [annotator, *(options.sessions or [])]:
        if not SESSION_NAME.fullmatch(name):
            raise UserError(f"{name!r} cannot be a session name: 1 to 64 letters, digits, '_', '.', '@' or '-'")
    if options.adjudicate:
        if options.source == options.dataset:
            raise UserError("--adjudicate: --dataset must be another dataset than the one adjudicated")
        if not has_dataset(options.db, options.source):
            raise UserError(f"--adjudicate: no dataset {options.source!r} in {options.db}")


def _feed(options: ReviewOptions, store: AnswerStore, registry) -> OverlapFeed | SharedFeed:
    if options.adjudicate:  # one adjudicated answer per text, whoever gives it
        return SharedFeed(adjudication_stream(options.db, options.source, registry), store.answered_by(options.dataset, "input"),
                          key="input", total=store.inputs(options.source), lease_s=options.lease_s)
    total = _count_lines(options.source) if is_task_file(options.source) else None

    def stream():
        return task_stream(options.source, options.extract, registry, order=options.order, buffer=options.buffer)

    if options.feed_overlap:
        return OverlapFeed(lambda who: TaskQueue(stream(), store.answered(options.dataset, who, options.exclude_by),
                                                 key=options.exclude_by, total=total, lease_s=options.lease_s))
    return SharedFeed(stream(), store.answered_by(options.dataset, options.exclude_by), key=options.exclude_by,
                      total=total, lease_s=options.lease_s, per_task=options.annotations_per_task)


def open_review(options: ReviewOptions) -> Review:
    """The :class:`Review` for ``options``, its first task read (so bad input fails here)."""
    # With --sessions, a request naming no session is the first of them.
    annotator = options.annotator or (options.sessions[0] if options.sessions else default_annotator())
    _check(options, annotator)
    registry = get_registry()
    store = AnswerStore(options.db)
    try:
        feed = _feed(options, store, registry)
        feed.prime(annotator)
    except BaseException:
        store.close()
        raise
    local = options.host in LOCAL_HOSTS
    token = options.token or (None if local else secrets.token_urlsafe(24))
    return Review(options.dataset, annotator, registry, store, feed, token=token, local_only=local,
                  sessions=frozenset(options.sessions) if options.sessions else None,
                  mode="adjudicate" if options.adjudicate else "review",
                  source_dataset=options.source if options.adjudicate else None)


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
        what = f"adjudicating {review.source_dataset!r} into" if review.mode == "adjudicate" else "dataset"
        feed = ("every annotator sees every task" if review.feed.overlap
                else f"each task to {options.annotations_per_task} annotator(s)")
        announce(f"eventcoder review: {what} {review.dataset!r}, answers in {options.db}; {feed}")
        base = address(review, options.host, port)
        for name in options.sessions or []:
            announce(f"eventcoder review: {name}: {base}{'&' if '?' in base else '?'}session={name}")
        announce(f"eventcoder review: open {base}  (Ctrl-C stops)")
        server = uvicorn.Server(uvicorn.Config(create_app(review), log_level="warning", access_log=False))
        server.run(sockets=[sock])
    finally:
        review.store.close()

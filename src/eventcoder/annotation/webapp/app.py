"""The review app's HTTP side: a Starlette app serving the page, the tasks and the answers.

API (JSON in and out; every error is ``{"error": ..., "problems": [...]}`` with a 4xx).
Every request may name its session, ``?session=NAME`` (the page passes on its own
``/?session=NAME``): NAME is the annotator; without it the server's ``--annotator``.

* ``GET /api/config``: dataset, annotator, session, mode (``review`` or ``adjudicate``), the
  feed (overlap, annotations per task), event types with roles, argument kinds, modalities.
* ``GET /api/next?client=ID``: ``{"task": ... | null, "progress": {"done", "total"}}``.
  ``ID`` names one browser tab, which keeps its task until it answers it. ``done`` counts
  this session's answers.
* ``GET /api/team``: per annotator answers, accept/reject/ignore, speed, and pairwise agreement.
* ``POST /api/answer``: ``{"task_hash", "answer", "spans", "relations",
  "overlapping_relations", "client"}`` -> the stored answer's ``events`` (see ``payload``).
* ``POST /api/undo``: ``{"client"}`` -> the last answer of the session, removed from the
  database and handed back to this tab to answer again (``task`` null: nothing to undo).

Safety: with an access token every request but ``/static/`` needs it, as a
``Authorization: Bearer`` or ``X-Eventcoder-Token`` header, or the cookie that opening
``/?token=...`` sets (named for the port); without one only ``Host: 127.0.0.1`` or ``localhost`` is served (no DNS
rebinding). POSTs must be ``application/json`` (no cross-site form posts) and at most
``MAX_BODY`` bytes. The page's Content-Security-Policy allows only its own script and style.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from eventcoder.annotation.store import AnswerStore, session_id
from eventcoder.annotation.webapp.adjudication import PAGE_KEYS, provenance
from eventcoder.annotation.webapp.feeds import OverlapFeed, SessionQueue, SharedFeed
from eventcoder.annotation.webapp.payload import AnswerError, build_answer
from eventcoder.annotation.webapp.team import team_report
from eventcoder.core.errors import InputError
from eventcoder.core.reading import parse_json_line
from eventcoder.core.vocabulary import MODALITIES, Registry

STATIC = Path(__file__).parent / "static"
MAX_BODY = 1024 * 1024
TOKEN_COOKIE = "eventcoder_token"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
#: What a session name may be: it becomes the annotator id and part of the session id.
SESSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
#: Keys an answer adds to its task; dropped when an undone answer is served again.
ANSWER_KEYS = ("answer", "_annotator_id", "_session_id", "_timestamp")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
    " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


@dataclass
class Review:
    """What one review server serves: a dataset, its annotators' sessions, a feed and the store."""

    dataset: str
    #: The annotator of requests that name no session (``--annotator``).
    annotator: str
    registry: Registry
    store: AnswerStore
    feed: OverlapFeed | SharedFeed
    #: Required on every request when set (``--host`` or ``--token``).
    token: str | None = None
    #: Serve only ``Host: 127.0.0.1`` / ``localhost`` (the default, local mode).
    local_only: bool = True
    #: Session names that may join (``--sessions``); None: any.
    sessions: frozenset[str] | None = None
    #: ``adjudicate``: tasks are answers of ``source_dataset`` to reconcile (``--adjudicate``).
    mode: str = "review"
    source_dataset: str | None = None

    @property
    def queue(self) -> SessionQueue:
        """The default annotator's queue (what a server of one annotator serves)."""
        return SessionQueue(self.feed, self.annotator)

    @property
    def session(self) -> str:
        return session_id(self.dataset, self.annotator)

    def annotator_of(self, name: str | None) -> str:
        """The annotator a request's ``?session=`` names; ApiError when it may not join."""
        name = self.annotator if name in (None, "") else name
        if not SESSION_NAME.fullmatch(name):
            raise ApiError(400, "a session name is 1 to 64 letters, digits, '_', '.', '@' or '-'")
        if self.sessions is not None and name not in self.sessions:
            raise ApiError(403, f"session {name!r} may not join: open /?session=NAME with NAME one of {', '.join(sorted(self.sessions))}")
        return name


class ApiError(Exception):
    def __init__(self, status: int, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.status, self.message, self.problems = status, message, problems or []


def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.message, "problems": exc.problems}, status_code=exc.status)


async def read_json(request: Request, limit: int = MAX_BODY) -> dict:
    """The request's JSON object; ApiError 415/413/400 for anything else."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "send JSON with Content-Type: application/json")
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > limit):
        raise ApiError(413, f"request body over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, f"request body over {limit} bytes")
    try:  # the files' reader: bounded nesting, no lone surrogates, bad UTF-8 refused
        data = parse_json_line(bytes(body), "body", 1)
    except InputError as exc:
        raise ApiError(400, f"malformed JSON: {exc.problem}") from None
    if data is None:
        raise ApiError(400, "send a JSON object")
    return data


def _client(value) -> str:
    if value is None:
        return "default"
    if not isinstance(value, str) or not 0 < len(value) <= 100:
        raise ApiError(400, "client must be a string of 1 to 100 characters")
    return value


def create_app(review: Review) -> Starlette:
    """The Starlette app for ``review``."""

    feed = review.feed

    def who(request: Request) -> str:
        return review.annotator_of(request.query_params.get("session"))

    async def index(request: Request):
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def team_page(request: Request):
        return FileResponse(STATIC / "team.html", media_type="text/html")

    async def config(request: Request):
        registry = review.registry
        annotator = who(request)
        return JSONResponse({
            "dataset": review.dataset,
            "annotator": annotator,
            "session": session_id(review.dataset, annotator),
            "mode": review.mode,
            "source_dataset": review.source_dataset,
            "feed": {"overlap": feed.overlap, "per_task": getattr(feed, "per_task", None)},
            "sessions": sorted(review.sessions) if review.sessions is not None else None,
            "modalities": list(MODALITIES),
            "types": [
                {"name": t.name, "description": t.description,
                 "roles": [{"name": r.name, "kind": r.kind, "repeats": r.repeats, "description": r.description} for r in t.roles]}
                for t in registry.types.values()
            ],
            "kinds": [{"name": k.name, "description": k.description, "may_overlap": k.may_overlap} for k in registry.kinds.values()],
        })

    async def next_task(request: Request):
        annotator = who(request)
        client = _client(request.query_params.get("client"))
        task = await run_in_threadpool(feed.next, annotator, client)
        error = feed.error(annotator)
        return JSONResponse({"task": task, "progress": feed.progress(annotator), "error": str(error) if error else None})

    def stored_answer(task: dict, payload: dict, annotator: str) -> dict:
        plain = {key: value for key, value in task.items() if key not in PAGE_KEYS}
        stored = build_answer(plain, payload, review.registry, annotator, session_id(review.dataset, annotator))
        if review.mode == "adjudicate":
            stored["_adjudicated_from"] = provenance(task)
        return stored

    async def answer(request: Request):
        annotator = who(request)
        payload = await read_json(request)
        client = _client(payload.get("client"))
        task_hash = payload.get("task_hash")
        if not isinstance(task_hash, int) or isinstance(task_hash, bool):
            raise ApiError(422, "task_hash must be an integer")
        task = feed.leased(task_hash, annotator)
        if task is None:
            raise ApiError(404, "no such task is waiting for an answer (answered already, or the server restarted)")
        try:
            stored = await run_in_threadpool(stored_answer, task, payload, annotator)
        except AnswerError as exc:
            raise ApiError(422, "the answer is not valid", exc.problems) from None
        await run_in_threadpool(review.store.add, review.dataset, stored)
        feed.answered(task, annotator)
        return JSONResponse({"ok": True, "task_hash": task_hash, "client": client, "answer": stored["answer"],
                             "events": stored["events"], "progress": feed.progress(annotator)})

    async def undo(request: Request):
        annotator = who(request)
        client = _client((await read_json(request)).get("client"))
        last = await run_in_threadpool(review.store.pop_last, review.dataset, session_id(review.dataset, annotator))
        if last is None:
            return JSONResponse({"task": None, "progress": feed.progress(annotator)})
        task = {key: value for key, value in last.items() if key not in ANSWER_KEYS}
        if review.mode == "adjudicate":  # the versions to show again are those the answer came from
            task = await run_in_threadpool(review_again, task)
        feed.restore(task, annotator, client)
        return JSONResponse({"task": task, "undone": last["answer"], "progress": feed.progress(annotator)})

    def review_again(task: dict) -> dict:
        from eventcoder.annotation.store import answers_by_input
        from eventcoder.annotation.webapp.adjudication import adjudication_task

        task.pop("_adjudicated_from", None)
        for answers in answers_by_input(review.store.path, review.source_dataset):
            if answers[0].get("_input_hash") == task.get("_input_hash"):
                return {**task, **{key: value for key, value in adjudication_task(answers, review.registry).items() if key in PAGE_KEYS}}
        return task

    async def team(request: Request):
        dataset = review.source_dataset or review.dataset
        return JSONResponse(await run_in_threadpool(team_report, review.store.path, dataset, review.registry))

    middleware = [Middleware(SecurityHeaders), Middleware(TokenGuard, token=review.token)]
    if review.local_only:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS), www_redirect=False))
    return Starlette(
        routes=[
            Route("/", index),
            Route("/team", team_page),
            Route("/api/config", config),
            Route("/api/team", team),
            Route("/api/next", next_task),
            Route("/api/answer", answer, methods=["POST"]),
            Route("/api/undo", undo, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=middleware,
        exception_handlers={ApiError: _api_error},
    )


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response (ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TokenGuard:
    """Requires the access token on every request but ``/static/`` (ASGI middleware).

    ``/?token=T`` with the right token sets an HttpOnly, SameSite=Strict cookie and redirects
    to ``/``, so the token leaves the address bar and the history.
    """

    def __init__(self, app, token: str | None):
        self.app, self.token = app, token

    def _valid(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    @staticmethod
    def _cookie(scope) -> str:
        # Cookies ignore ports: one name per port keeps two servers on one host apart.
        server = scope.get("server") or ("", 0)
        return f"{TOKEN_COOKIE}_{server[1]}"

    def _given(self, scope) -> str | None:
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        if "x-eventcoder-token" in headers:
            return headers["x-eventcoder-token"]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is just no token
            return None
        name = self._cookie(scope)
        return cookie[name].value if name in cookie else None

    async def __call__(self, scope, receive, send):
        if self.token is None or scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        if scope["path"] in ("/", "/team"):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if "token" in query:
                if not self._valid(query["token"][0]):
                    return await PlainTextResponse("wrong access token", status_code=401)(scope, receive, send)
                # The session (a team's shared address) survives; the token leaves the address bar.
                session = query.get("session", [""])[0]
                response = RedirectResponse(scope["path"] + (f"?session={quote(session)}" if session else ""), status_code=303)
                response.set_cookie(self._cookie(scope), self.token, httponly=True, samesite="strict", path="/")
                return await response(scope, receive, send)
        if self._valid(self._given(scope)):
            return await self.app(scope, receive, send)
        if scope["path"].startswith("/api/"):
            response = JSONResponse({"error": "access token required", "problems": []}, status_code=401)
        else:
            response = PlainTextResponse("This review app needs its access token: open the address it printed"
                                         " when it started (it ends in ?token=...).", status_code=401)
        await response(scope, receive, send)

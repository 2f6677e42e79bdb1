"""``eventcoder review``: a local web app to review events without a Prodigy licence.

* ``server``: options, building the app from an input and a database, serving it (uvicorn).
* ``app``: the Starlette app: the page, the JSON API, the access token and request limits.
* ``queue``: which task each browser tab gets next (a lazy stream minus what is answered).
* ``payload``: what the browser sends, rebuilt and checked into the answer that is stored.
* ``static/``: the page itself (plain HTML, CSS and JavaScript, no build step).

Answers go to :mod:`eventcoder.annotation.store`.

See docs/review.md.
"""

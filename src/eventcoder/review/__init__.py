"""``eventcoder review``: a local web app to review events without a Prodigy licence.

* ``server``: options, building the app from an input and a database, serving it (uvicorn).
* ``app``: the Starlette app: the page, the JSON API, the access token and request limits.
* ``queue``: which task each browser tab gets next (a lazy stream minus what is answered).
* ``payload``: what the browser sends, rebuilt and checked into the answer that is stored.
* ``store``: answers in SQLite, keyed by dataset and the Prodigy hashes.
* ``importer``: ``eventcoder db-in`` (Prodigy db-out files and gold JSONL into the store).
* ``datasets``: datasets of the store as the input of ``export`` and ``agreement``.
* ``static/``: the page itself (plain HTML, CSS and JavaScript, no build step).

See docs/review.md.
"""

"""Make docs/review.png: the review app showing a seed paragraph, in headless Chromium.

    python docs/review_screenshot.py [-o docs/review.png]

Needs Debian's ``chromium`` and the ``playwright`` package (no ``playwright install``). The
paragraph is the one of seeds/ whose extractor proposals hold a statement, a refusal in its
content clause, and a hypothetical conference.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from eventcoder.annotation.store import AnswerStore, session_id
from eventcoder.annotation.webapp.app import create_app
from eventcoder.annotation.webapp.server import ReviewOptions, listen, open_review
from eventcoder.run.extract import extract

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "Schallenberg about holding"  # a phrase of the paragraph to show
DATASET = "geneva_talks"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def screenshot(output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tasks, db = Path(tmp, "tasks.jsonl"), Path(tmp, "review.db")
        extract(["seeds"], str(tasks))
        # The paragraphs before the one shown are answered already, as in a session under way.
        with AnswerStore(db) as store:
            for line in tasks.read_text(encoding="utf-8").splitlines():
                task = json.loads(line)
                if SHOWN in task["text"]:
                    break
                store.add(DATASET, {**task, "answer": "accept", "_annotator_id": "anna", "_session_id": session_id(DATASET, "anna")})
        review = open_review(ReviewOptions(source=str(tasks), dataset=DATASET, annotator="anna", db=str(db)))
        sock = listen("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(create_app(review), log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1360, "height": 620}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{sock.getsockname()[1]}/")
                page.wait_for_selector("mark.span")
                page.locator(".event").nth(1).hover()  # an event's spans outlined in the text
                page.screenshot(path=str(output))
                browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
            review.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "review.png")
    args = parser.parse_args()
    output = args.output.resolve()
    os.chdir(ROOT)  # so the tasks name their source seeds/..., as a user's would
    screenshot(output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

"""Make docs/report.png: the evaluation report of the rule extractor on the test split, in headless Chromium.

    python docs/report_screenshot.py [-o docs/report.png] [--learning-curve docs/examples/learning_curve.json]

Runs ``eventcoder extract`` (rules) on corpus/test.jsonl, writes the report with the learning
curve of ``eventcoder train corpus/train.jsonl --dev corpus/dev.jsonl --learning-curve``, and
screenshots its top part. Needs Debian's ``chromium`` and the ``playwright`` package (no
``playwright install``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from eventcoder.learn.report import write_report
from eventcoder.plugins import get_registry
from eventcoder.run.extract import ExtractConfig, extract

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: What the screenshot shows: the page from its top down to the end of this element (the
#: roles, modality and learning curve row).
LAST_SECTION = "#details"
PREDICTIONS = "rules-test.jsonl"


def screenshot(output: Path, curve: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp, "report.html")
        # relative names, as a user would type them: the page shows them
        extract(["corpus/test.jsonl"], PREDICTIONS, ExtractConfig(unit="doc"))
        try:
            write_report("corpus/test.jsonl", PREDICTIONS, report, get_registry(), curve_path=curve)
        finally:
            os.remove(PREDICTIONS)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
            page.goto(report.as_uri())
            box = page.locator(LAST_SECTION).bounding_box()
            page.screenshot(path=str(output), clip={"x": 0, "y": 0, "width": 1200, "height": box["y"] + box["height"] + 12},
                            full_page=True)
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--learning-curve", type=Path, default=ROOT / "docs" / "examples" / "learning_curve.json")
    args = parser.parse_args()
    output = args.output.resolve()
    curve = args.learning_curve.resolve() if args.learning_curve.is_file() else None
    os.chdir(ROOT)
    screenshot(output, curve)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

"""``eventcoder evaluate --report``: the evaluation as one self-contained HTML page.

* ``analysis``: type and modality confusions, and each document's errors;
* ``plots``: matplotlib figures (F1 by type, the learning curve) as PNG data URIs;
* ``page``: the HTML itself (inline CSS, no script, every input text escaped).

The page shows per-type and per-role P/R/F1 (the numbers of ``evaluate --json``), the
confusions, modality accuracy, the documents with the most errors highlighted, and, given a
``learning_curve.json`` of ``eventcoder train --learning-curve``, the learning curve.
"""

from __future__ import annotations

from pathlib import Path

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.reading import Skipping
from eventcoder.core.vocabulary import Registry
from eventcoder.learn.evaluate import aligned, score_aligned

DEFAULT_EXAMPLES = 10


def build_report(gold: str, pred: str, registry: Registry, *, curve: dict | None = None,
                 examples: int = DEFAULT_EXAMPLES, skipping: Skipping | None = None) -> tuple[str, dict]:
    """The page and the scores (``evaluate``'s dict) of ``pred`` against ``gold``."""
    from eventcoder.learn.report.analysis import analyse
    from eventcoder.learn.report.page import render

    documents = list(aligned(gold, pred, registry, skipping))
    result = score_aligned(documents, registry)
    analysis = analyse(documents, result["per_type"])
    return render(result, analysis, gold=gold, pred=pred, curve=curve, examples=examples), result


def write_report(gold: str, pred: str, output: str | Path, registry: Registry, *, curve_path: str | Path | None = None,
                 examples: int = DEFAULT_EXAMPLES, skipping: Skipping | None = None) -> dict:
    """Write the page to ``output`` (atomically); returns the scores."""
    from eventcoder.learn.learning_curve import read_curve

    curve = read_curve(curve_path) if curve_path else None
    page, result = build_report(gold, pred, registry, curve=curve, examples=examples, skipping=skipping)
    with atomic_writer(output) as handle:
        handle.write(page)
    return result

"""Time to first task of ``events.correct`` for 10k input lines, per ``--order``.

Prodigy shows nothing until the recipe's stream yields; an order that read its whole
``--buffer`` first would keep the annotator waiting for 256 extracted tasks. This measures,
for ``--order stream``, ``uncertain`` and ``disagreement`` (and, for comparison, uncertain
with the warm-up window as large as the buffer, which is how it worked before):

* first task: from calling the recipe to the first task out of its stream;
* first batch: to the first ``config["batch_size"]`` tasks, what Prodigy's first request takes.

The input is a JSONL file of 10k news lines (``--lines``) made from corpus/dev.jsonl, with
the ``rules`` extractor, default ``--batch-size`` and ``--buffer``. The spaCy pipeline and the
plugin registry are loaded once before timing (every order pays that start-up the same);
each figure is the median of ``--repeats`` runs.

    python bench/first_task.py
    python bench/first_task.py --lines 2000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0  # uncertain within 2x of stream


def write_news(path: Path, lines: int) -> None:
    texts = [json.loads(line)["text"] for line in (ROOT / "corpus" / "dev.jsonl").read_text().splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            handle.write(json.dumps({"text": texts[i % len(texts)], "meta": {"id": f"n{i}"}}) + "\n")


def timed(recipes, news: str, order: str, warmup_as_buffer: bool) -> tuple[float, float]:
    from eventcoder.annotation import streams

    original = streams.ordered
    if warmup_as_buffer:  # the old behaviour: fill the whole buffer before serving
        streams.ordered = lambda tasks, order, buffer, warmup: original(tasks, order, buffer, warmup=buffer + 1)
    try:
        start = time.perf_counter()
        components = recipes.events_correct("bench", news, extractor="rules", order=order)
        stream = iter(components["stream"])
        next(stream)
        first = time.perf_counter() - start
        list(islice(stream, components["config"]["batch_size"] - 1))
        return first, time.perf_counter() - start
    finally:
        streams.ordered = original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from eventcoder.annotation.prodigy import recipes
    from eventcoder.pipeline.nlp import load_pipeline
    from eventcoder.plugins import get_registry

    get_registry(), load_pipeline()  # start-up, shared by every order
    runs = [("stream", False), ("uncertain", False), ("disagreement", False), ("uncertain", True)]
    with tempfile.TemporaryDirectory() as tmp:
        news = Path(tmp) / "news.jsonl"
        write_news(news, args.lines)
        timed(recipes, str(news), "stream", False)  # warm caches
        results = {}
        for order, old in runs:
            samples = [timed(recipes, str(news), order, old) for _ in range(args.repeats)]
            results[(order, old)] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    print(f"time to first task, events.correct -x rules, {args.lines} input lines, median of {args.repeats}")
    print(f"{'order':<34}{'first task':>12}{'first batch':>13}{'x stream':>10}")
    base = results[("stream", False)][0]
    for (order, old), (first, batch) in results.items():
        label = f"{order} (warm-up = buffer, before)" if old else order
        print(f"{label:<34}{first * 1000:>9.1f} ms{batch * 1000:>10.1f} ms{first / base:>9.2f}x")
    ratio = results[("uncertain", False)][0] / base
    verdict = "ok" if ratio <= TARGET else "TOO SLOW"
    print(f"uncertain / stream = {ratio:.2f} (target <= {TARGET}): {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the ``llm`` extractor against a local OpenAI-compatible server with latency.

    python bench/llm.py [--latency 0.3] [--concurrency 8] [--unit paragraph] [INPUT ...]

Starts ``eventcoder.extractors.llm.testing.FakeLLMServer`` on 127.0.0.1 (every answer delayed by
``--latency`` seconds), then runs ``eventcoder extract --extractor llm`` on INPUT (default: the
seed documents) three times at the extractor's default settings (Events.v2, up to
``batch_sentences`` = 10 sentences per request): with an empty cache at concurrency 1, with an
empty cache at ``--concurrency``, and again with the second run's cache. Prints, as lines of
their own, ``requests per document: N`` and ``prompt tokens per document: N`` (tokens
estimated as max(words * 1.3, characters / 4), the sharding estimate; no model tokenizer;
``bench/llm_quality.py`` counts a real model's), then the wall times and the speed-up. The
last line is ``second run: N requests`` (0 when the cache works).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from eventcoder.extractors.llm.tasks.events.sharding import estimate_tokens
from eventcoder.extractors.llm.testing import FakeLLMServer
from eventcoder.pipeline.nlp import load_pipeline
from eventcoder.run.extract import ExtractConfig, extract

ROOT = Path(__file__).resolve().parent.parent


def run(server: FakeLLMServer, inputs: list[str], unit: str, concurrency: int, cache: Path, out: Path):
    """(stats, seconds, seconds before the first request, requests sent) of one extraction."""
    before = len(server.requests)
    options = {"base_url": server.base_url, "model": "bench", "cache": str(cache), "concurrency": concurrency}
    config = ExtractConfig(extractors=("llm",), unit=unit, options={"llm": options})
    started = time.monotonic()  # the server stamps requests with time.monotonic() too
    stats = extract(inputs, str(out), config)
    sent = server.requests[before:]
    return stats, time.monotonic() - started, (sent[0]["time"] - started if sent else 0.0), sent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", default=[str(ROOT / "seeds")])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--unit", default="paragraph", choices=("doc", "paragraph", "sentence"))
    args = parser.parse_args(argv)
    load_pipeline()  # loading spaCy and spacy-llm is not what is measured
    import eventcoder.extractors.llm.pipeline  # noqa: F401
    with FakeLLMServer(latency=args.latency) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stats, serial, serial_setup, sent = run(server, args.inputs, args.unit, 1, folder / "c1.sqlite3", folder / "o1.jsonl")
        _, parallel, parallel_setup, sent_parallel = run(
            server, args.inputs, args.unit, args.concurrency, folder / "c8.sqlite3", folder / "o8.jsonl")
        _, warm, _, sent_again = run(server, args.inputs, args.unit, args.concurrency, folder / "c8.sqlite3", folder / "o9.jsonl")
    docs = stats.documents
    tokens = sum(estimate_tokens(r["body"]["messages"][0]["content"]) for r in sent)
    print(f"input: {docs} documents, {stats.tasks} {args.unit} tasks; server latency {args.latency:g} s per request")
    print(f"requests per document: {len(sent) / docs:.1f}")
    print(f"prompt tokens per document: {tokens / docs:.0f}")
    print(f"  ({len(sent)} requests, {len(sent) / stats.tasks:.2f} per task; {tokens / max(1, len(sent)):,.0f} prompt tokens"
          " per request, approx. as max(words*1.3, chars/4))")
    print(f"wall time, concurrency 1: {serial:.2f} s ({serial_setup:.2f} s before the first request)")
    print(f"wall time, concurrency {args.concurrency}: {parallel:.2f} s ({parallel_setup:.2f} s before the first request;"
          f" {len(sent_parallel)} requests)")
    print(f"speed-up: {serial / parallel:.1f}x overall, {(serial - serial_setup) / (parallel - parallel_setup):.1f}x"
          " from the first request on")
    print(f"wall time, second run from the cache: {warm:.2f} s")
    print(f"second run: {len(sent_again)} requests")


if __name__ == "__main__":
    sys.exit(main())

"""Quality and cost of the llm extractor on a real local model, beside the rules.

    python bench/llm_quality.py [--sample 0] [--threads 2] [--model FILE.gguf] [--route]

Fetches the test model (``bench/local_model.py``; or ``--model``), serves it with
``eventcoder.extractors.llm.local_server`` on ``--threads`` threads, and runs ``rules``,
``llm`` and ``rules,llm`` and ``llm`` with ``-O llm.fill_rules=true`` (``rules+fill``) on the frozen test
split (``corpus/test.jsonl``, all 96 records by default; ``--sample N``: N records evenly spaced
through it, the same every run),
scoring each against the gold with ``eventcoder evaluate``'s measure. Requests pass through a
recording proxy (``testing.proxy_to``), so the prompt tokens are the model's own count.

Prints per run: trigger and argument P/R/F1, irrealis events claimed real, seconds per
document and, for runs that asked the model, prompt tokens per document (sent, and of those
computed after the server's prompt cache), requests per document and the server's prompt and
generation speed. ``rules,llm`` and ``rules+fill`` read the ``llm`` run's answers from the
cache, so their seconds are the merge's, not the model's. With
``--route`` an ``llm`` run with the trigger-lexicon route is added: its units' answers come
from the ``llm`` run's cache, so what it changes is exactly the units it does not send (the
recall it costs) and the requests it saves (counted as ``units sent``). ``--cache FILE``
keeps the answers for the next run of the benchmark. ``--similar FILE`` (e.g.
``corpus/train.jsonl``) sets ``-O llm.similar_examples``: each request also shows the
``--n-similar`` records of FILE most like its sentences.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from local_model import fetch

from eventcoder.extractors.llm.local_server import LocalServer, ServeSettings
from eventcoder.extractors.llm.testing import FakeLLMServer, proxy_to
from eventcoder.learn.evaluate import evaluate
from eventcoder.pipeline.nlp import load_pipeline
from eventcoder.plugins import get_registry
from eventcoder.run.extract import ExtractConfig, extract

ROOT = Path(__file__).resolve().parent.parent
TEST = ROOT / "corpus" / "test.jsonl"


def sample(records: list[dict], n: int) -> list[dict]:
    """``n`` records evenly spaced through ``records`` (all when n is 0 or more than there are)."""
    if not n or n >= len(records):
        return records
    step = len(records) / n
    return [records[int(i * step)] for i in range(n)]


def speed(requests: list[dict]) -> str:
    """Prompt and generated tokens per second, from llama.cpp's ``timings`` (empty if none)."""
    timings = [(r.get("answer") or {}).get("timings") or {} for r in requests]
    prompt_ms, predicted_ms = sum(t.get("prompt_ms", 0) for t in timings), sum(t.get("predicted_ms", 0) for t in timings)
    if not prompt_ms or not predicted_ms:
        return ""
    prompt_n, predicted_n = sum(t.get("prompt_n", 0) for t in timings), sum(t.get("predicted_n", 0) for t in timings)
    return (f"; server: {prompt_n / prompt_ms * 1000:.0f} prompt tokens/s, {predicted_n / predicted_ms * 1000:.1f}"
            f" generated tokens/s, {predicted_n / len(requests):.0f} generated per request")


def usage(requests: list[dict]) -> tuple[int, int]:
    """Prompt tokens sent, and those the server computed (not served from its prompt cache)."""
    sent = computed = 0
    for request in requests:
        answer = request.get("answer") or {}
        tokens = (answer.get("usage") or {}).get("prompt_tokens", 0)
        cached = (answer.get("timings") or {}).get("cache_n")
        if cached is None:
            cached = ((answer.get("usage") or {}).get("prompt_tokens_details") or {}).get("cached_tokens", 0)
        sent += tokens
        computed += tokens - cached
    return sent, computed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="records of the test split (0: all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: the test model)")
    parser.add_argument("--batch-sentences", type=int, default=None, help="default: the extractor's")
    parser.add_argument("--similar", type=Path, default=None, help="gold pool for -O llm.similar_examples")
    parser.add_argument("--n-similar", type=int, default=3)
    parser.add_argument("--route", action="store_true", help="also run llm with the trigger-lexicon route")
    parser.add_argument("--cache", type=Path, default=None,
                        help="response cache to keep between runs (default: a new one, so the model is asked)")
    args = parser.parse_args(argv)

    model = args.model or fetch()
    records = sample([json.loads(line) for line in TEST.read_text().splitlines() if line.strip()], args.sample)
    registry = get_registry()
    load_pipeline()  # not what is measured
    runs = [("rules", ("rules",), {}), ("llm", ("llm",), {}), ("rules,llm", ("rules", "llm"), {}),
            ("rules+fill", ("llm",), {"fill_rules": True})]
    if args.route:
        runs.append(("llm, routed", ("llm",), {"route": True}))
    with tempfile.TemporaryDirectory() as tmp, LocalServer(ServeSettings(model, threads=args.threads)) as local, \
            FakeLLMServer(proxy_to(local.base_url)) as proxy:
        folder = Path(tmp)
        gold = folder / "gold.jsonl"
        gold.write_text("".join(json.dumps(r) + "\n" for r in records))
        inputs = folder / "input.jsonl"
        inputs.write_text("".join(json.dumps({"text": r["text"], "meta": r["meta"]}) + "\n" for r in records))
        similar = f"; {args.n_similar} similar examples per request from {args.similar}" if args.similar else ""
        print(f"sample: {len(records)} of the test split's records; model {Path(model).name}, {args.threads} threads{similar}")
        for name, extractors, more in runs:
            llm = {"base_url": proxy.base_url, "model": Path(model).name, "timeout": 1800,
                   "cache": str(args.cache or folder / "cache.sqlite3"), **more}
            if args.batch_sentences:
                llm["batch_sentences"] = args.batch_sentences
            if args.similar:
                llm.update(similar_examples=str(args.similar), n_similar=args.n_similar)
            options = {"llm": llm} if "llm" in extractors else {}
            out = folder / f"{len(proxy.requests)}.jsonl"
            before = len(proxy.requests)
            started = time.monotonic()
            extract([str(inputs)], str(out), ExtractConfig(extractors=extractors, options=options))
            seconds = time.monotonic() - started
            scores = evaluate(str(gold), str(out), registry)
            t, a = scores["triggers"], scores["arguments"]
            print(f"{name}: trigger P/R/F1 {t['precision']:.3f}/{t['recall']:.3f}/{t['f1']:.3f},"
                  f" argument P/R/F1 {a['precision']:.3f}/{a['recall']:.3f}/{a['f1']:.3f},"
                  f" irrealis claimed real {scores['irrealis_claimed_as_real']}, {seconds / len(records):.1f} s per document")
            asked = proxy.requests[before:]
            if more.get("route"):
                tasks = [json.loads(line) for line in out.read_text().splitlines()]
                sent_units = sum(1 for t in tasks if t["meta"].get("llm", {}).get("routed") is not False)
                print(f"  {name}: units sent {sent_units} of {len(tasks)}")
            if asked:
                sent, computed = usage(asked)
                print(f"  {name}: prompt tokens per document: {sent / len(records):,.0f} sent,"
                      f" {computed / len(records):,.0f} computed; requests per document: {len(asked) / len(records):.2f}"
                      f"{speed(asked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

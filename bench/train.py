"""Benchmark of ``eventcoder train`` and of the trained ``model`` extractor, in one run.

Prints the wall time of ``eventcoder train`` with a fixed ``--max-steps`` and of the default
run (early stopping on the dev score), the dev scores each kept, and extraction speed in
words per second (whitespace-separated words of the input) of the bare spaCy pipeline, the
``rules`` extractor and the trained ``model`` extractor, on one CPU process::

    python bench/train.py                       # everything (the default run takes minutes)
    python bench/train.py --skip-default        # only the fixed-steps run and extraction
    python bench/train.py --model models/events # extraction speed of an existing model only
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCORES = ("events_trigger_f", "events_argument_f", "events_irrealis_f", "events_modality_acc")


def train(gold: Path, dev: Path, output: Path, steps: int | None) -> tuple[float, float]:
    """Wall and CPU seconds of ``eventcoder train`` (spaCy's log goes to OUTPUT/train.log).

    CPU time is printed beside wall time because a shared machine stretches the latter."""
    command = [sys.executable, "-m", "eventcoder", "train", str(gold), "--dev", str(dev), "-o", str(output)]
    if steps:
        command += ["--max-steps", str(steps)]
    output.mkdir(parents=True, exist_ok=True)
    with open(output / "train.log", "w") as log:
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_scores(output: Path) -> str:
    meta = json.loads((output / "model-best" / "meta.json").read_text())
    performance = meta.get("performance", {})
    return ", ".join(f"{key} {performance[key]:.3f}" for key in SCORES if performance.get(key) is not None)


def extraction_speed(model: Path, texts: list[str], repeat: int) -> dict[str, float]:
    """Words per second of bare spaCy, rules and the trained model over ``texts`` x ``repeat``."""
    from eventcoder.extractors import ExtractorContext, build_extractors
    from eventcoder.extractors.model.options import ModelOptions
    from eventcoder.pipeline.nlp import load_pipeline
    from eventcoder.plugins import get_registry

    nlp = load_pipeline()
    rules, trained = build_extractors(["rules", "model"], ExtractorContext(get_registry(), nlp), {"model": ModelOptions(path=model)})
    batch = texts * repeat
    words = sum(len(text.split()) for text in batch)
    list(trained.extract(nlp.pipe(texts[:8])))  # warm up

    def timed(extractor) -> float:
        start = time.perf_counter()
        docs = list(nlp.pipe(batch, batch_size=64))
        if extractor is not None:
            for start_at in range(0, len(docs), 64):
                list(extractor.extract(docs[start_at : start_at + 64]))
        return words / (time.perf_counter() - start)

    return {"bare spaCy": timed(None), "rules": timed(rules), "model": timed(trained)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=CORPUS / "train.jsonl")
    parser.add_argument("--dev", type=Path, default=CORPUS / "dev.jsonl")
    parser.add_argument("--input", type=Path, default=CORPUS / "test.jsonl", help="texts to extract from (JSONL)")
    parser.add_argument("--steps", type=int, default=200, help="--max-steps of the fixed-steps run")
    parser.add_argument("--repeat", type=int, default=5, help="times the input is extracted, for steadier figures")
    parser.add_argument("--skip-default", action="store_true", help="skip the default (long) training run")
    parser.add_argument("--model", type=Path, help="measure extraction with this trained model; train nothing")
    parser.add_argument("--keep", type=Path, help="keep the trained models in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        model = args.model
        if model is None:
            fixed = folder / f"steps{args.steps}"
            wall, cpu = train(args.train, args.dev, fixed, args.steps)
            print(f"train --max-steps {args.steps}: {wall:.0f} s wall, {cpu:.0f} s CPU (best on dev: {best_scores(fixed)})")
            model = fixed
            if not args.skip_default:
                default = folder / "default"
                wall, cpu = train(args.train, args.dev, default, None)
                print(f"train (default run): {wall:.0f} s wall, {cpu:.0f} s CPU (best on dev: {best_scores(default)})")
                model = default
        texts = [json.loads(line)["text"] for line in args.input.read_text(encoding="utf-8").splitlines() if line.strip()]
        words = sum(len(text.split()) for text in texts) * args.repeat
        speeds = extraction_speed(model, texts, args.repeat)
        print(f"extraction, {words} words ({args.input.name} x {args.repeat}), 1 process, model {model.name}:")
        for name, speed in speeds.items():
            print(f"  {name:<10} {speed:8.0f} words/s")


if __name__ == "__main__":
    main()

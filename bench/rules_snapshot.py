"""A snapshot of everything the rule pipeline writes, to check that a change alters nothing.

Runs ``eventcoder.run.extract.extract`` (rules only) on the seed articles, the corpus splits
(dev, test, train) and the throughput bench's documents, by paragraph (every unit kept, as the
bench runs) and by sentence (boilerplate skipped), and dumps every task line, plus the score
features of every rule proposal of each paragraph. ``--save`` writes the snapshot; ``--check``
compares a fresh one with a saved file and prints the first differences (exit 1 if any).

    python bench/rules_snapshot.py --save /tmp/rules.snapshot
    python bench/rules_snapshot.py --check /tmp/rules.snapshot   # after a change: identical?

Speed work must keep it byte-identical; work that changes proposals re-saves it on purpose.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))


def _records() -> list[dict]:
    from throughput import make_documents  # the bench's own documents, same seed

    records = [{"text": p.read_text(encoding="utf-8"), "meta": {"doc": p.name}} for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for split in ("dev", "test", "train"):
        for line in (ROOT / "corpus" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                records.append({"text": row["text"], "meta": row.get("meta", {})})
    records += [{"text": doc, "meta": {"doc": f"bench-{i}"}} for i, doc in enumerate(make_documents(8000))]
    return records


def snapshot() -> list[str]:
    from eventcoder.run.extract import ExtractConfig, extract
    from eventcoder.run.worker import loaded_worker

    records = _records()
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "input.jsonl"
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        for name, config in (("paragraph", ExtractConfig(unit="paragraph", skip_boilerplate=False)),
                             ("sentence", ExtractConfig(unit="sentence"))):
            out = Path(tmp) / f"{name}.jsonl"
            extract([str(source)], str(out), config)
            text = out.read_text(encoding="utf-8").replace(json.dumps(str(source))[1:-1], "input.jsonl")  # no temp path
            lines += [f"{name}\t{line}" for line in text.splitlines()]
        worker = loaded_worker(ExtractConfig(unit="paragraph", skip_boilerplate=False))
    rules, nlp = worker.extractors[0], worker.nlp
    texts = [p for r in records for p in r["text"].split("\n\n") if p.strip()]
    for doc in nlp.pipe(texts, batch_size=64):
        for event, names in rules.proposals(doc):
            lines.append("features\t" + json.dumps([event.trigger.start, event.label, event.modality, names]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the snapshot here")
    group.add_argument("--check", type=Path, help="compare with the snapshot saved here")
    args = parser.parse_args()
    lines = snapshot()
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    tasks = sum(1 for line in lines if not line.startswith("features"))
    print(f"{tasks} task lines, {len(lines) - tasks} proposals with features, sha256 {digest}")
    if args.save:
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    saved = args.check.read_text(encoding="utf-8").splitlines()
    if saved == lines:
        print("identical")
        return
    diff = list(difflib.unified_diff(saved, lines, "saved", "now", n=0, lineterm=""))
    print(f"DIFFERENT: {sum(1 for d in diff if d.startswith(('+', '-')) and not d.startswith(('+++', '---')))} lines")
    for line in diff[:20]:
        print(line[:400])
    sys.exit(1)


if __name__ == "__main__":
    main()

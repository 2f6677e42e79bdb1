"""Throughput and memory of ``eventcoder extract`` with the ``rules`` extractor.

Compares, in the same run and on the same paragraphs:

* words/s of the extraction pipeline (``eventcoder.run.extract.extract``: parse, rules, tasks,
  JSON lines written to a file) against bare spaCy ``nlp.pipe``, at 1 and 2 processes
  (bare spaCy at 2 processes uses ``nlp.pipe(n_process=2)``);
* peak resident memory of the whole process tree (the run and its worker processes) for
  1x and 10x the input.

Input documents are made from the seed articles and the corpus sentences, repeated with
small variations (names, dates and numbers rotated) so that no two documents are identical.
Every measurement runs in a fresh Python process; the parent samples the RSS of that
process and its children from /proc (Linux).

    python bench/throughput.py                # default size (about 60k words for 1x)
    python bench/throughput.py --words 20000  # quicker
    python bench/throughput.py --words 20000 --repeat 3  # best of 3 alternated runs a side (a busy machine)
    python bench/throughput.py --long-mb 20   # peak RSS: one 20 MB record vs 20 MB of records
    python bench/throughput.py --long-mb 20 --long-seconds 420  # the same, first 7 minutes of each
    python bench/throughput.py --line-mb 200  # a 200 MB single line: refused, or streamed

``--long-mb`` checks that a text far over spaCy's ``max_length`` is cut into units
(``eventcoder.pipeline.units``) with memory flat: the same documents as one record with no
line breaks (cut on sentence ends) and as ordinary records, both at 1 process.

``--line-mb`` is the single huge line: one record of that many MB with no break at all must be
refused (time and peak RSS of the refusal), and one of prose must stream in bounded memory:
it is read, cut and run through the same runner as ``extract`` for ``--line-seconds``
(all of it would take hours), printing the time to read and check the line, the peak RSS and
the throughput, from which the whole run's time is extrapolated.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.85  # the pipeline within 15% of bare parsing
TARGET_SCALING = 1.6  # 2 processes at least 1.6x one
NAMES = ["Makei", "Lavrov", "Sorokin", "Danilevich", "Aydin", "Petrosyan", "Vogel", "Zhou", "Esteban", "Rahimi"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CITIES = ["Geneva", "Moscow", "Vienna", "Minsk", "Ankara", "Baku", "Doha", "Berlin", "Tashkent", "Cairo"]


# -- input -------------------------------------------------------------------------------


def _source_texts() -> tuple[list[str], list[str]]:
    """The seed articles, and the sentences of the corpus files that exist."""
    articles = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    sentences: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sentences.append(json.loads(line)["text"])
    if not sentences:  # no corpus yet: the seed articles' lines stand in for it
        sentences = [line for text in articles for line in text.splitlines() if len(line.split()) > 6]
    return articles, sentences


def _vary(text: str, rng: random.Random) -> str:
    """Rotate names, days and cities so repeated documents differ."""
    for pool in (NAMES, DAYS, CITIES):
        for word in pool:
            if word in text:
                text = text.replace(word, rng.choice(pool))
    return text


def make_documents(words: int, seed: int = 1) -> list[str]:
    """Documents totalling about ``words`` words: seed articles and paragraphs of sentences."""
    rng = random.Random(seed)
    articles, sentences = _source_texts()
    docs: list[str] = []
    total = 0
    while total < words:
        if rng.random() < 0.3:
            doc = _vary(rng.choice(articles), rng)
        else:
            paragraphs = [" ".join(rng.sample(sentences, rng.randint(2, 5))) for _ in range(rng.randint(2, 5))]
            doc = _vary("\n\n".join(paragraphs), rng)
        docs.append(doc)
        total += len(doc.split())
    return docs


def write_input(docs: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i, doc in enumerate(docs):
            out.write(json.dumps({"text": doc, "meta": {"doc": f"bench-{i}"}}, ensure_ascii=False) + "\n")


# -- one measurement, in its own process ------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def write_single_record(docs: list[str], path: Path) -> None:
    """All of ``docs`` as one record, with no line break for the splitter to cut at."""
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"text": " ".join(" ".join(doc.split()) for doc in docs), "meta": {"doc": "long"}}) + "\n")


def documents_of_size(megabytes: float, seed: int) -> list[str]:
    docs, size, rng_seed = [], 0, seed
    while size < megabytes * 2**20:
        batch = make_documents(20_000, seed=rng_seed)
        docs += batch
        size += sum(len(d.encode("utf-8")) for d in batch)
        rng_seed += 1
    return docs


def run_memory(input_path: str) -> dict:
    """Extract ``input_path`` at 1 process (doc units); words counted without holding them."""
    import re

    from eventcoder.pipeline.inputs import read_inputs
    from eventcoder.plugins import get_registry
    from eventcoder.run.extract import ExtractConfig, extract

    words = sum(sum(1 for _ in re.finditer(r"\S+", record.text)) for record in read_inputs([input_path]))
    get_registry()
    cpu = _cpu_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        stats = extract([input_path], str(Path(tmp) / "tasks.jsonl"), ExtractConfig(unit="doc"))
        seconds = time.perf_counter() - start
    return {"words": words, "tasks": stats.tasks, "seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu}


def run_refusal(input_path: str) -> dict:
    """Extract a line that cannot be cut: it must be one InputError, not a crash."""
    from eventcoder.core.errors import InputError
    from eventcoder.plugins import get_registry
    from eventcoder.run.extract import ExtractConfig, extract

    get_registry()
    cpu = _cpu_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        try:
            extract([input_path], str(Path(tmp) / "tasks.jsonl"), ExtractConfig(unit="doc"))
            error = None
        except InputError as exc:
            error = str(exc)
        seconds = time.perf_counter() - start
    return {"words": 1, "error": error, "seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu}


def run_stream(input_path: str, seconds: float) -> dict:
    """Run the units of ``input_path`` through extract's runner (as ``extract`` does) for ``seconds``:
    how long the first record took to read and to check, and how much was extracted."""
    from eventcoder.pipeline.inputs import read_inputs
    from eventcoder.pipeline.units import split_units
    from eventcoder.plugins import get_registry
    from eventcoder.run.extract import ExtractConfig, task_lines

    get_registry()
    config = ExtractConfig(unit="doc")
    cpu = _cpu_seconds()
    start = time.perf_counter()
    records = read_inputs([input_path])
    record = next(records)
    read_s = time.perf_counter() - start
    chars = len(record.text)
    units = itertools.chain.from_iterable(split_units(r, config.unit) for r in itertools.chain([record], records))
    del record
    first = next(units)  # a long text: after the check pass over all of it
    checked_s = time.perf_counter() - start
    done = {"chars": 0, "words": 0}

    def counted():
        for unit in itertools.chain([first], units):
            done["chars"] += len(unit.text)
            done["words"] += len(unit.text.split())
            yield unit

    tasks = 0
    for lines in task_lines(counted(), config):
        tasks += len(lines)
        if time.perf_counter() - start > seconds:
            break
    elapsed = time.perf_counter() - start
    return {"words": done["words"], "tasks": tasks, "seconds": elapsed - checked_s, "cpu_seconds": _cpu_seconds() - cpu,
            "read_s": read_s, "checked_s": checked_s, "chars_done": done["chars"], "first_chars": chars,
            "input_bytes": os.path.getsize(input_path)}


def run_one(mode: str, input_path: str, n_process: int) -> dict:
    """Process the input once and report words, wall seconds and CPU seconds (workers included).

    Model loading is outside the timing in 1-process runs; 2-process runs include starting
    the workers, which load the model themselves, in both modes.
    """
    from eventcoder.pipeline.inputs import read_inputs
    from eventcoder.pipeline.nlp import load_pipeline
    from eventcoder.pipeline.units import split_units
    from eventcoder.run.extract import ExtractConfig, extract

    units = [u.text for record in read_inputs([input_path]) for u in split_units(record, "paragraph")]
    words = sum(len(text.split()) for text in units)
    nlp = load_pipeline()
    cpu = _cpu_seconds()
    if mode == "spacy":
        start = time.perf_counter()
        for _ in nlp.pipe(units, batch_size=64, n_process=n_process):
            pass
        seconds = time.perf_counter() - start
    else:
        from eventcoder.plugins import get_registry

        get_registry()
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            # Every unit parsed and made a task, as bare spaCy parses every unit (no boilerplate skipped).
            config = ExtractConfig(unit="paragraph", skip_boilerplate=False)
            stats = extract([input_path], str(Path(tmp) / "tasks.jsonl"), config, n_process=n_process)
            seconds = time.perf_counter() - start
        assert stats.tasks == len(units), (stats.tasks, len(units))
    return {"words": words, "seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu}


# -- the parent: run each measurement and sample its memory ----------------------------------


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * page
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


def measure(mode: str, input_path: Path, n_process: int) -> dict:
    """Run one measurement in a fresh process; add its peak tree RSS in MiB."""
    command = [sys.executable, __file__, "--run", mode, str(input_path), str(n_process)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{mode} n_process={n_process} failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mib"] = peak / 2**20
    result["words_per_s"] = result["words"] / result["seconds"]
    result["words_per_cpu_s"] = result["words"] / result["cpu_seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=60_000, help="words in the 1x input")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each throughput measurement this many times, alternating the sides, and compare the best of each"
                             " (a shared machine disturbs single runs by 20%% or more)")
    parser.add_argument("--long-mb", type=float, help="only the long-text memory check, at this many MB")
    parser.add_argument("--long-seconds", type=float, help="--long-mb: measure only the first this many seconds of each run")
    parser.add_argument("--line-mb", type=float, help="only the single-huge-line check, at this many MB")
    parser.add_argument("--line-seconds", type=float, default=300, help="--line-mb: seconds of extraction on the prose line")
    parser.add_argument("--run", nargs=3, metavar=("MODE", "INPUT", "N_PROCESS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        mode, input_path, n_process = args.run
        runs = {"memory": lambda: run_memory(input_path), "refusal": lambda: run_refusal(input_path),
                "stream": lambda: run_stream(input_path, float(n_process))}
        print(json.dumps(runs[mode]() if mode in runs else run_one(mode, input_path, int(n_process))))
        return
    if args.line_mb:
        huge_line(args.line_mb, args.line_seconds)
        return
    if args.long_mb:
        long_text(args.long_mb, args.long_seconds)
        return

    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "input-1x.jsonl", Path(tmp) / "input-10x.jsonl"
        write_input(make_documents(args.words), small)
        write_input(make_documents(args.words * 10, seed=2), large)
        print(f"input: {args.words} words (1x), {args.words * 10} words (10x); {os.cpu_count()} CPUs", flush=True)
        speed = {}
        for n_process in (1, 2):
            for _ in range(args.repeat):  # alternated, so both sides see the same disturbances
                for mode in ("spacy", "rules"):
                    result = measure(mode, small, n_process)
                    print(f"  {mode:5} n_process={n_process}: {result['words_per_s']:8.0f} words/s  "
                          f"{result['words_per_cpu_s']:8.0f} words/CPU-s  ({result['words']} words in {result['seconds']:.1f} s, "
                          f"peak RSS {result['peak_mib']:.0f} MiB)", flush=True)
                    best = speed.setdefault((mode, n_process), result)
                    best["words_per_s"] = max(best["words_per_s"], result["words_per_s"])
                    best["words_per_cpu_s"] = max(best["words_per_cpu_s"], result["words_per_cpu_s"])
        memory = {size: measure("rules", path, 2) for size, path in (("1x", small), ("10x", large))}

    best_of = f", the best of {args.repeat} runs a side" if args.repeat > 1 else ""
    print(f"\nthroughput: rules pipeline / bare spaCy (wall clock; CPU time in brackets, steadier on a busy machine{best_of})")
    for n_process in (1, 2):
        ratio = speed["rules", n_process]["words_per_s"] / speed["spacy", n_process]["words_per_s"]
        cpu_ratio = speed["rules", n_process]["words_per_cpu_s"] / speed["spacy", n_process]["words_per_cpu_s"]
        verdict = "ok" if ratio >= TARGET_RATIO else f"missed by {TARGET_RATIO - ratio:.0%}"
        print(f"  at {n_process} process(es): {ratio:.2f} ({cpu_ratio:.2f})  (target >= {TARGET_RATIO}: {verdict})")
    load = os.getloadavg()[0]
    print(f"scaling: 2 processes / 1 process (1-minute load average now {load:.1f} on {os.cpu_count()} CPUs)")
    for mode in ("spacy", "rules"):
        scaling = speed[mode, 2]["words_per_s"] / speed[mode, 1]["words_per_s"]
        verdict = "ok" if scaling >= TARGET_SCALING else "missed"
        print(f"  {mode}: {scaling:.2f}x  (target >= {TARGET_SCALING}x: {verdict})")
    growth = memory["10x"]["peak_mib"] / memory["1x"]["peak_mib"]
    print("\npeak RSS of the process tree, rules at 2 processes")
    print(f"  1x: {memory['1x']['peak_mib']:.0f} MiB   10x: {memory['10x']['peak_mib']:.0f} MiB   "
          f"ratio {growth:.2f}  (flat if close to 1.0)")


def long_text(megabytes: float, seconds: float | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents_of_size(megabytes, seed=3)
        single, records = Path(tmp) / "single.jsonl", Path(tmp) / "records.jsonl"
        write_single_record(docs, single)
        write_input(docs, records)
        print(f"input: {single.stat().st_size / 2**20:.1f} MB as one record, {records.stat().st_size / 2**20:.1f} MB as "
              f"{len(docs)} records", flush=True)
        for name, path in (("one record", single), ("records", records)):
            if seconds:  # the first ``seconds`` of each run (about 1.5 hours each in full on this machine)
                result = measure("stream", path, seconds)
                print(f"  {name:10}: peak RSS {result['peak_mib']:.0f} MiB over the first {result['checked_s'] + result['seconds']:.0f} s"
                      f" (about {result['chars_done'] / result['input_bytes']:.1%} of the input extracted, {result['tasks']} tasks,"
                      f" {result['words_per_s']:.0f} words/s; first record read in {result['read_s']:.1f} s, checked by"
                      f" {result['checked_s']:.1f} s)", flush=True)
                continue
            result = measure("memory", path, 1)
            print(f"  {name:10}: peak RSS {result['peak_mib']:.0f} MiB, {result['tasks']} tasks, "
                  f"{result['words_per_s']:.0f} words/s", flush=True)


def write_huge_line(path: Path, megabytes: float, prose: bool) -> None:
    """One record of about ``megabytes`` MB of text: prose (up to 20 MB of documents joined by
    spaces, repeated) or one unbroken run of letters; written in pieces, never built whole."""
    size = int(megabytes * 2**20)
    if prose:
        block = " ".join(" ".join(doc.split()) for doc in documents_of_size(min(megabytes, 20), seed=4)) + " "
    else:
        block = "a" * 2**20
    with path.open("w", encoding="utf-8") as out:
        out.write('{"meta": {"doc": "huge"}, "text": "')
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(json.dumps(piece, ensure_ascii=False)[1:-1])  # each piece escaped whole
            written += len(piece)
        out.write('"}\n')


def huge_line(megabytes: float, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        unbroken, prose = Path(tmp) / "unbroken.jsonl", Path(tmp) / "prose.jsonl"
        write_huge_line(unbroken, megabytes, prose=False)
        result = measure("refusal", unbroken, 1)
        print(f"unbroken {unbroken.stat().st_size / 2**20:.0f} MB line: {result['error'] or 'NOT refused'}\n"
              f"  refused in {result['seconds']:.1f} s, peak RSS {result['peak_mib']:.0f} MiB", flush=True)
        unbroken.unlink()
        write_huge_line(prose, megabytes, prose=True)
        result = measure("stream", prose, seconds)
        share = result["chars_done"] / result["first_chars"]
        print(f"prose {prose.stat().st_size / 2**20:.0f} MB line ({result['first_chars']:,} characters):\n"
              f"  read in {result['read_s']:.1f} s, checked and first unit at {result['checked_s']:.1f} s; peak RSS "
              f"{result['peak_mib']:.0f} MiB over {result['checked_s'] + result['seconds']:.0f} s\n"
              f"  extracted {share:.2%} ({result['words']:,} words, {result['tasks']} tasks) at {result['words_per_s']:.0f} "
              f"words/s: the whole line would take about {result['seconds'] / share / 3600:.1f} h", flush=True)


if __name__ == "__main__":
    main()

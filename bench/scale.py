"""Throughput of `eventcoder extract` at 1 process, 2 processes and a 2-worker Dask cluster,
beside bare spaCy's own `nlp.pipe(n_process=1|2)` on the same texts.

    python bench/scale.py [--copies 10] [--part-size 100] [--repeat 1]

It first prints bare spaCy's 2-process speed-up, ours (``extract`` to one file, started
time) and their ratio, then the table below.

Builds one input (the corpus sentences, ``--copies`` times, in four gzip JSONL shards), runs
the CLI on it once per setup into a folder of parts, as a user would, and prints per setup:
wall time; words/s end to end; words/s once started ("started": the wall time less that of a
one-record run of the same setup, i.e. without process start, pipeline loads and cluster
start); CPU seconds of the whole process tree; words per CPU second once started (which a
busy machine does not skew); and the peak RSS of each worker process (sampled every 50 ms).
With ``--repeat N`` each setup runs N times (the
setups taking turns) and its fastest run counts. All setups must write the same bytes. Needs dask[distributed] (and psutil, which it brings).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SETUPS = {
    "local, 1 process": ["--n-process", "1"],
    "local, 2 processes": ["--n-process", "2"],
    "dask, 2 workers": ["--engine", "dask", "--n-process", "2"],
}


def build_input(folder: Path, copies: int) -> tuple[list[str], int, int]:
    """Four gzip JSONL shards of the corpus ``copies`` times; (paths, records, words)."""
    texts = [json.loads(line)["text"] for name in ("dev.jsonl", "test.jsonl")
             for line in (ROOT / "corpus" / name).read_text(encoding="utf-8").splitlines()]
    paths = [folder / f"news-{i}.jsonl.gz" for i in range(4)]
    handles = [gzip.open(path, "wt", encoding="utf-8") for path in paths]
    records = words = 0
    for copy in range(copies):
        for i, text in enumerate(texts):
            handles[records % 4].write(json.dumps({"text": text, "id": f"{copy}-{i}"}) + "\n")
            records += 1
            words += len(text.split())
    for handle in handles:
        handle.close()
    return [str(p) for p in paths], records, words


def run(inputs: list[str], out: Path, args: list[str], part_size: int) -> tuple[float, float, list[int]]:
    """One CLI run: wall seconds, CPU seconds of its process tree, peak RSS (bytes) of each worker."""
    command = [sys.executable, "-m", "eventcoder", "extract", *inputs, "-o", f"{out}/", "--part-size", str(part_size), *args]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                for process in [root, *root.children(recursive=True)]:
                    with process.oneshot():
                        peaks[process.pid] = max(peaks.get(process.pid, 0), process.memory_info().rss)
                        times = process.cpu_times()
                    cpu[process.pid] = times.user + times.system
            except psutil.Error:  # a process ended between listing and reading it
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    # Workers: the pool's or cluster's processes that loaded a pipeline, else the CLI itself.
    workers = sorted((rss for pid, rss in peaks.items() if pid != proc.pid and rss > 100 * 2**20), reverse=True)
    return seconds, sum(cpu.values()), workers or [peaks[proc.pid]]


BARE_SPACY = """
import gzip, json, sys, time
from eventcoder.pipeline.nlp import load_pipeline
texts = [json.loads(line)["text"] for path in sys.argv[2:] for line in gzip.open(path, "rt", encoding="utf-8")]
nlp = load_pipeline()
list(nlp.pipe(texts[:50]))  # warm up
start = time.perf_counter()
for _ in nlp.pipe(texts, n_process=int(sys.argv[1]), batch_size=64):
    pass
print(time.perf_counter() - start)
"""


def bare_spacy_seconds(inputs: list[str], n_process: int) -> float:
    """Seconds bare spaCy's ``nlp.pipe`` takes over the input's texts (pipeline load excluded)."""
    out = subprocess.run([sys.executable, "-c", BARE_SPACY, str(n_process), *inputs], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[-1])


def ours_seconds(inputs: list[str], tiny: list[str], tmp: Path, n_process: int) -> float:
    """Seconds ``extract`` to one file takes once started (less a one-record run of the same setup)."""
    times = []
    for name, given, batch in (("tiny", tiny, ["--batch-size", "1"]), ("all", inputs, [])):
        # The tiny run's batches of one keep every worker busy, so each pays its start-up there too.
        command = [sys.executable, "-m", "eventcoder", "extract", *given, "-o", str(tmp / f"{name}-{n_process}.jsonl"),
                   "--n-process", str(n_process), *batch]
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times[1] - times[0]


def speedups(inputs: list[str], tiny: list[str], tmp: Path, repeat: int) -> None:
    """Bare spaCy's 2-process speed-up beside ours, fastest of ``repeat`` runs each."""
    spacy = {n: min(bare_spacy_seconds(inputs, n) for _ in range(repeat)) for n in (1, 2)}
    ours = {n: min(ours_seconds(inputs, tiny, tmp, n) for _ in range(repeat)) for n in (1, 2)}
    spacy_up, ours_up = spacy[1] / spacy[2], ours[1] / ours[2]
    print(f"bare spaCy nlp.pipe: {spacy[1]:.1f} s at 1 process, {spacy[2]:.1f} s at 2: speed-up {spacy_up:.2f}x")
    print(f"eventcoder extract:  {ours[1]:.1f} s at 1 process, {ours[2]:.1f} s at 2: speed-up {ours_up:.2f}x")
    print(f"our 2-process speed-up / bare spaCy's: {ours_up / spacy_up:.2f}")
    single = {(tmp / f"all-{n}.jsonl").read_bytes() for n in (1, 2)}
    if len(single) != 1:
        raise SystemExit("1 and 2 processes wrote different tasks")


def concatenated(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.jsonl")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="times the corpus (229 records) is repeated")
    parser.add_argument("--part-size", type=int, default=100, help="records per part")
    parser.add_argument("--repeat", type=int, default=1, help="runs per setup; the fastest counts (busy machines)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eventcoder-bench-") as tmp:
        tmp = Path(tmp)
        inputs, records, words = build_input(tmp, options.copies)
        # Four one-record files: four parts, so every worker of a setup starts and loads its pipeline
        # in the start-up run too, and "started" leaves out all of them.
        tiny = []
        for i in range(4):
            path = tmp / f"one-{i}.jsonl"
            path.write_text(json.dumps({"text": "Lavrov met Makei in Minsk."}) + "\n", encoding="utf-8")
            tiny.append(str(path))
        print(f"input: {records} records, {words} words in {len(inputs)} gzip JSONL files; "
              f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
        speedups(inputs, tiny, tmp, options.repeat)
        print(f"{'setup':<20} {'wall s':>6} {'words/s':>8} {'started':>8} {'CPU s':>6} {'words/CPU-s':>11}"
              "  peak RSS per worker (MB)")
        best: dict[str, tuple] = {}
        for round_ in range(options.repeat):  # rounds interleave the setups, so all see the same load
            for index, (name, args) in enumerate(SETUPS.items()):
                runs = (run(tiny, tmp / f"tiny-{index}-{round_}", args, options.part_size),
                        run(inputs, tmp / f"out-{index}-{round_}", args, options.part_size))
                best[name] = tuple(map(min, zip(best[name], runs))) if name in best else runs  # by wall time
        for name, ((start_wall, start_cpu, _), (wall, cpu, workers)) in best.items():
            print(f"{name:<20} {wall:>6.1f} {words / wall:>8.0f} {words / (wall - start_wall):>8.0f} {cpu:>6.1f}"
                  f" {words / (cpu - start_cpu):>11.0f}  {', '.join(f'{rss / 2**20:.0f}' for rss in workers)}")
        outputs = {concatenated(tmp / f"out-{index}-0") for index in range(len(SETUPS))}
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if len(outputs) != 1:
            raise SystemExit("the setups wrote different tasks")
        print(f"all setups wrote the same tasks: {len(outputs.pop()) / words:.0f} bytes of task JSON per input word")


if __name__ == "__main__":
    main()

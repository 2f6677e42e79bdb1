"""The dask engine on one two-worker LocalCluster (127.0.0.1), shared by the module.

The tests use the default config where they can, so the workers load their pipeline once.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import dask
import pytest
from conftest import ROOT, SEEDS, read_jsonl, run_cli

from eventcoder.cli import main
from eventcoder.extractors.llm.cache import ResponseCache
from eventcoder.extractors.llm.cluster import (
    ShardedCache,
    merge_shards,
    request_slot,
    shard_folder,
    shared_llm,
)
from eventcoder.extractors.llm.testing import FakeLLMServer
from eventcoder.run.engines.cluster import connect
from eventcoder.run.extract import ExtractConfig, extract
from eventcoder.run.manifest import MANIFEST
from eventcoder.run.partitioned import extract_parts

CORPUS = [json.loads(line) for line in (ROOT / "corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def client():
    """A client of the engine's own local cluster: two one-thread workers on 127.0.0.1."""
    with connect(None, 2) as connected:
        yield connected


@pytest.fixture(scope="module")
def scheduler(client) -> str:
    return client.scheduler.address


def write_news(path: Path, count: int) -> str:
    path.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in CORPUS[:count]), encoding="utf-8")
    return str(path)


def parts_in_order(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.jsonl")))


def test_two_workers_write_what_one_process_writes(scheduler, tmp_path):
    inputs = [write_news(tmp_path / "news.jsonl", 20), str(SEEDS)]
    config = ExtractConfig()
    extract(inputs, str(tmp_path / "one.jsonl"), config)
    stats = extract_parts(inputs, f"{tmp_path}/out/", config, engine="dask", scheduler=scheduler, part_size=6)
    single = read_jsonl(tmp_path / "one.jsonl")
    parted = [json.loads(line) for line in parts_in_order(tmp_path / "out").splitlines()]
    assert [(t["_input_hash"], t["_task_hash"]) for t in parted] == [(t["_input_hash"], t["_task_hash"]) for t in single]
    assert parted == single and stats.parts == 5 and stats.tasks == len(single)
    again = extract_parts(inputs, f"{tmp_path}/out/", config, engine="dask", scheduler=scheduler, part_size=6)
    assert (again.resumed, again.tasks) == (5, stats.tasks)  # the workers found every part intact

    # A single-file output goes through OUTPUT.parts/, then is the same file.
    extract_parts(inputs, str(tmp_path / "two.jsonl"), config, engine="dask", scheduler=scheduler, part_size=6)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.jsonl", "one.jsonl", "out", "two.jsonl"]


def test_the_engine_starts_a_loopback_cluster_of_one_thread_workers(client, scheduler):
    assert scheduler.startswith("tcp://127.0.0.1:")
    assert sorted(client.nthreads().values()) == [1, 1]
    assert all(address.startswith("tcp://127.0.0.1:") for address in client.nthreads())
    settings = client.run(lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")))
    assert set(settings.values()) == {(None, False)}
    # The periodic self-checks run slower in the workers and the scheduler (docs/scale.md): ms.
    def periodic(server) -> dict:
        return {name: server.periodic_callbacks[name].callback_time for name in ("tick", "monitor")}

    assert client.run_on_scheduler(lambda dask_scheduler: periodic(dask_scheduler)) == {"tick": 1000, "monitor": 5000}
    workers = client.run(lambda dask_worker: {**periodic(dask_worker), "memory": dask_worker.periodic_callbacks["memory_monitor"].callback_time})
    assert list(workers.values()) == [{"tick": 1000, "monitor": 5000, "memory": 1000}] * 2


def test_cli_joins_a_cluster_quietly(scheduler, tmp_path, capsys):
    out = tmp_path / "out"
    result = run_cli("extract", str(SEEDS), "-o", f"{out}/", "--engine", "dask", "--scheduler", scheduler)
    assert result.returncode == 0, result.stderr
    tasks = len(read_jsonl(out / "part-000001.jsonl"))
    # The boilerplate count comes back from the cluster's workers too.
    summary = f"2 documents -> {tasks} tasks in {out}/ (1 part, 0 done by an earlier run); 5 boilerplate units skipped"
    assert result.stderr.splitlines() == [summary]
    with pytest.raises(SystemExit) as exit:
        main(["extract", str(SEEDS), "-o", f"{out}/", "--scheduler", scheduler])
    assert exit.value.code == 2 and "Invalid value for --scheduler: needs --engine dask" in capsys.readouterr().err


def test_a_worker_killed_mid_run_is_survived(scheduler, client, tmp_path):
    """SIGKILL a busy worker: the scheduler reruns its part; every line lands exactly once."""
    src = write_news(tmp_path / "news.jsonl", 120)
    out = tmp_path / "out"
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items() if keys]
            if busy and (out / MANIFEST).exists() and len(read_jsonl(out / MANIFEST)) >= 2:
                killed.append(pids[busy[0]])
                os.kill(killed[0], signal.SIGKILL)
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    stats = extract_parts([src], f"{out}/", engine="dask", scheduler=scheduler, part_size=4)
    killer.join()
    assert killed, "no worker was killed"
    lines = [t["meta"]["line"] for t in (json.loads(x) for x in parts_in_order(out).splitlines())]
    assert lines == list(range(1, 121)) and stats.parts == 30 and stats.documents == 120
    assert not list(out.glob(".*"))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert killed[0] not in client.run(os.getpid).values()


def _hold_slot(spec: list, seconds: float) -> tuple[float, float]:
    with request_slot(spec):
        start = time.time()
        time.sleep(seconds)
        return start, time.time()


def test_llm_requests_share_one_budget_across_workers(client, tmp_path):
    with shared_llm({"llm_concurrency": 1, "llm_no_cache": True}) as options:
        spec = options["llm_semaphore"]
        futures = [client.submit(_hold_slot, spec, 0.15, pure=False) for _ in range(4)]
        spans = sorted(client.gather(futures))
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))  # never two at once


def test_llm_extraction_on_the_cluster_keeps_budget_and_cache(scheduler, tmp_path):
    """Two workers, --llm-concurrency 2: at most 2 requests in flight; a re-run sends none."""
    cache = tmp_path / "llm.sqlite3"
    latency = 0.1
    with FakeLLMServer(latency=latency) as server:
        # One request per unit (not packed), so the two workers have many to send at once.
        options = {"base_url": server.base_url, "model": "test", "cache": str(cache), "concurrency": 2,
                   "batch_sentences": 1}
        config = ExtractConfig(extractors=("llm",), options={"llm": options})

        def run():
            return extract_parts([str(SEEDS)], f"{tmp_path}/out/", config, engine="dask",
                                 scheduler=scheduler, part_size=1, overwrite=True)

        stats = run()
        arrivals = sorted(request["time"] for request in server.requests)
        assert stats.parts == 2 and len(arrivals) >= 6 and all(r["outcome"] == 200 for r in server.requests)
        in_flight = max(sum(1 for t in arrivals if t <= now < t + latency - 0.01) for now in arrivals)
        assert in_flight <= 2
        merged = ResponseCache(cache)
        assert len(merged) == len(arrivals) and not list(shard_folder(cache).glob("*"))
        merged.close()
        run()
        assert len(server.requests) == len(arrivals)  # every answer came from the cache
    events = [e for t in read_jsonl(tmp_path / "out" / "part-000001.jsonl") for e in t["events"]]
    assert events and all(e["extractors"] == ["llm"] for e in events)


def test_worker_caches_are_merged_into_the_main_cache(tmp_path):
    main = tmp_path / "cache.sqlite3"
    seeded = ResponseCache(main)
    seeded.put("old", "answered before")
    seeded.close()
    merge_shards(main)  # a run starts: the main cache is checkpointed for lock-free readers
    workers = [ShardedCache(main, shard_folder(main)) for _ in range(2)]
    assert workers[0].get("old") == "answered before" and workers[1].get("new") is None
    workers[0].put("a", "A", "m")
    workers[1].put("b", "B", "m")
    assert workers[0].get("a") == "A" and workers[1].get("a") is None  # shards are private until merged
    for worker in workers:
        worker.close()
    with open(workers[1].path, "a", encoding="utf-8") as shard:
        shard.write('{"key": "torn')  # a worker killed mid-line
    assert merge_shards(main) == 2 and not list(shard_folder(main).iterdir())
    merged = ResponseCache(main)
    assert (merged.get("old"), merged.get("a"), merged.get("b"), len(merged)) == ("answered before", "A", "B", 3)
    merged.close()

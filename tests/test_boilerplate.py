"""--skip-boilerplate: share lines, datelines, bylines and verbless fragments make no task,
are counted, are recorded in a parts manifest, and never cost a unit that holds a gold event."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import httpx
import pytest
import spacy
from conftest import ROOT, SEEDS, read_jsonl, run_cli
from test_review_api import payload

from eventcoder.core.errors import UserError
from eventcoder.pipeline.boilerplate import is_boilerplate, looks_like_boilerplate
from eventcoder.run.extract import ExtractConfig, extract
from eventcoder.run.manifest import MANIFEST
from eventcoder.run.partitioned import extract_parts

CORPUS = ROOT / "corpus"
#: One news page, one line a paragraph: two news lines among page furniture.
LINES = (
    "Lavrov met Makei in Moscow on Wednesday.",
    "- Share on Facebook",
    "Follow us on Twitter",
    "10:21, 15 June",
    "By Anna Petrova, BelTA",
    "Photo: Reuters",
    "Minsk and Vilnius signed an agreement on border trade.",
)
PAGE = "\n".join(LINES)
NEWS = [LINES[0], LINES[-1]]
FURNITURE = 5


@pytest.mark.parametrize("line", [
    "- Share on Facebook", "Share on VK", "• Tweet this", "Email this article", "Follow us on Twitter",
    "Join our Telegram channel", "10:21, 15 June", "15 June 2021", "Updated: 2021-06-15 14:02 MSK", "June 15, 2021",
    "By Anna Petrova", "By Anna Petrova and Ivan Sidorov | Reuters", "By Jane Doe, BelTA",
])
def test_share_follow_lines_bylines_and_datelines_look_like_boilerplate(line):
    assert looks_like_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Share prices fell after the talks collapsed.", "Follow-up talks will be held in Minsk.",
    "Post-Soviet states met in Minsk.", "By Friday, Minsk and Vilnius had agreed.",
    "By the end of June the ministers will meet again.", "On 15 June Lavrov met Makei.",
    "Makei said on Wednesday that Belarus is ready for a dialogue with the EU over the migration crisis.",
])
def test_news_that_starts_like_boilerplate_does_not(line):
    assert not looks_like_boilerplate(line)


def test_a_verbless_or_tiny_unit_is_boilerplate_unless_an_event_was_proposed_in_it(nlp):
    source = nlp("Source: Anadolu Agency")[:]
    assert is_boilerplate(source, proposed=False)
    assert not is_boilerplate(source, proposed=True)
    headline = nlp("Belarus ‘ready’ for dialogue about migration crisis")[:]  # verbless, holds a gold MEETING
    assert is_boilerplate(headline, proposed=False) and not is_boilerplate(headline, proposed=True)
    assert is_boilerplate(nlp("Read more")[:], proposed=False)  # a verb, but under MIN_LETTERS
    assert not is_boilerplate(nlp("Prices rose.")[:], proposed=False)
    # A share line goes whatever was proposed in it.
    assert is_boilerplate(nlp("- Share on Facebook")[:], proposed=True)


def test_without_a_tagger_no_verb_is_not_no_verb():
    untagged = spacy.blank("en")("Source: Anadolu Agency")[:]
    assert not is_boilerplate(untagged, proposed=False)


def _covered(tasks: list[dict]) -> dict[str, list[tuple[int, int]]]:
    ranges: dict[str, list[tuple[int, int]]] = {}
    for task in tasks:
        start = task["meta"]["offset"]
        ranges.setdefault(task["meta"]["doc"], []).append((start, start + len(task["text"])))
    return ranges


def _lost_gold(gold: list[dict], tasks: list[dict]) -> list[str]:
    """Gold events whose trigger lies in no task."""
    covered = _covered(tasks)
    lost = []
    for record in gold:
        doc = record.get("doc") or record["meta"]["id"]
        for event in record["events"]:
            trigger = event["trigger"]
            if not any(a <= trigger["start"] and trigger["end"] <= b for a, b in covered.get(doc, [])):
                lost.append(f"{doc}: {event['label']} {trigger['text']!r}")
    return lost


@pytest.mark.parametrize("unit", ["paragraph", "sentence"])
def test_no_seed_gold_event_is_in_a_skipped_unit(tmp_path, unit):
    out = tmp_path / "tasks.jsonl"
    stats = extract([str(SEEDS)], str(out), ExtractConfig(unit=unit))
    tasks = read_jsonl(out)
    assert stats.boilerplate == FURNITURE and len(tasks) == stats.tasks
    texts = {task["text"] for task in tasks}
    assert not texts & {"10:21, 15 June", "- Share on Facebook", "- Share on VK", "- Share on Twitter", "Source: Anadolu Agency"}
    assert _lost_gold(read_jsonl(SEEDS / "gold.jsonl"), tasks) == []


@pytest.mark.parametrize("split", ["dev", "test", "train"])
def test_no_corpus_gold_event_is_in_a_skipped_unit(tmp_path, split):
    out = tmp_path / "tasks.jsonl"
    extract([str(CORPUS / f"{split}.jsonl")], str(out), ExtractConfig())
    gold = read_jsonl(CORPUS / f"{split}.jsonl")
    assert sum(len(record["events"]) for record in gold) > 0
    assert _lost_gold(gold, read_jsonl(out)) == []


def test_the_summary_counts_them_and_no_skip_boilerplate_keeps_them(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "tasks.jsonl"
    result = run_cli("extract", str(page), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"1 document -> 2 tasks in {out}; {FURNITURE} boilerplate units skipped"
    assert [task["text"] for task in read_jsonl(out)] == NEWS
    result = run_cli("extract", str(page), "-o", str(out), "--no-skip-boilerplate")
    assert result.stderr.strip() == f"1 document -> 7 tasks in {out}"
    assert [task["text"] for task in read_jsonl(out)] == list(LINES)


def test_parts_count_them_and_a_resume_with_the_other_setting_is_refused(tmp_path):
    page = tmp_path / "pages.jsonl"
    page.write_text("".join(json.dumps({"text": PAGE, "id": f"p{n}"}) + "\n" for n in range(3)), encoding="utf-8")
    folder = str(tmp_path / "out") + "/"
    stats = extract_parts([str(page)], folder, ExtractConfig(), part_size=2)
    assert (stats.tasks, stats.boilerplate) == (6, 3 * FURNITURE)
    lines = [json.loads(line) for line in (tmp_path / "out" / MANIFEST).read_text().splitlines()]
    assert lines[0]["config"]["skip_boilerplate"] is True
    assert [entry["boilerplate"] for entry in lines[1:]] == [2 * FURNITURE, FURNITURE]
    resumed = extract_parts([str(page)], folder, ExtractConfig(), part_size=2)
    assert (resumed.resumed, resumed.boilerplate) == (2, 3 * FURNITURE)
    with pytest.raises(UserError, match=r"config\.skip_boilerplate differ.*--overwrite"):
        extract_parts([str(page)], folder, ExtractConfig(skip_boilerplate=False), part_size=2)


def _review(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "eventcoder", "review", *args, "--port", "0"],
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    for line in process.stderr:
        if found := re.search(r"open (http://\S+)", line):
            return process, found.group(1).rstrip("/")
    process.wait(10)
    raise AssertionError("the server did not start")


@pytest.mark.parametrize("keep", [False, True])
def test_review_serves_no_boilerplate_and_says_how_much_it_skipped(tmp_path, keep):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    server, url = _review(str(page), "--dataset", "ds", "--db", str(tmp_path / "a.db"),
                          *(["--no-skip-boilerplate"] if keep else []))
    served = []
    try:
        with httpx.Client(base_url=url) as client:
            while (task := client.get("/api/next", params={"client": "c1"}).json()["task"]) is not None:
                served.append(task["text"])
                assert client.post("/api/answer", json=payload(task, "accept")).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        rest = server.stderr.read()
        server.wait(10)
    assert served == (list(LINES) if keep else NEWS)
    assert ("boilerplate" in rest) is not keep
    if not keep:
        assert f"eventcoder review: {FURNITURE} boilerplate units skipped" in rest


def test_the_recipes_skip_them_and_keep_them_on_request(tmp_path):
    from eventcoder.annotation.prodigy.recipes import events_correct, events_manual

    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    for recipe in (events_manual, events_correct):
        assert [t["text"] for t in recipe("set", str(page))["stream"]] == NEWS
        assert [t["text"] for t in recipe("set", str(page), no_skip_boilerplate=True)["stream"]] == list(LINES)


def test_extract_and_review_offer_the_option():
    for command in ("extract", "review"):
        assert "--no-skip-boilerplate" in run_cli(command, "--help").stdout


def test_a_skipped_dateline_still_dates_the_document(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Lavrov and Makei meet in Minsk\n10:21, 15 June 2021\nLavrov met Makei in Minsk on Wednesday.\n",
                    encoding="utf-8")
    tasks, records = tmp_path / "tasks.jsonl", tmp_path / "events.jsonl"
    assert run_cli("extract", str(page), "-o", str(tasks)).returncode == 0
    assert [task["meta"]["dateline"] for task in read_jsonl(tasks)] == ["10:21, 15 June 2021"] * 2
    assert run_cli("events", str(tasks), "-o", str(records)).returncode == 0
    # Wednesday before Tuesday 15 June 2021: the dateline's date, though its line made no task.
    assert [record["date"] for record in read_jsonl(records)] == ["2021-06-09", "2021-06-09"]

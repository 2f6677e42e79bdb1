"""Review order (``eventcoder.annotation.ordering``): the priority formula, the bounded reorderer, and the
``--order`` option of the recipes and the review app."""

from __future__ import annotations

import json

import pytest

from eventcoder.annotation.ordering import (
    EMPTY_DOUBT,
    MODALITY_DOUBT,
    event_doubt,
    ordered,
    priority,
    reorder,
    task_disagreement,
    task_doubt,
)
from eventcoder.core.errors import UserError


def event(score=1.0, agreement=None, modality="asserted") -> dict:
    found = {"label": "MEETING", "modality": modality, "score": score,
             "trigger": {"start": 0, "end": 3, "text": "met"}, "arguments": []}
    if agreement is not None:
        found["agreement"] = agreement
    return found


def task(n: int, *events: dict) -> dict:
    return {"text": f"text {n}", "n": n, "events": list(events), "_task_hash": n, "_input_hash": n}


class Counted:
    """An iterator that counts what was read from it."""

    def __init__(self, items):
        self.items, self.read = iter(items), 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.items)
        self.read += 1
        return item


def test_event_doubt_follows_the_documented_formula():
    assert event_doubt(event()) == pytest.approx(MODALITY_DOUBT["asserted"])
    assert event_doubt(event(score=0.6, agreement=0.5, modality="negated")) == pytest.approx(1 - 0.6 * 0.5 * (1 - MODALITY_DOUBT["negated"]))
    assert event_doubt(event(score=0.9, modality="planned")) < event_doubt(event(score=0.9, modality="negated"))
    assert event_doubt({"label": "MEETING"}) == pytest.approx(MODALITY_DOUBT["asserted"])  # defaults: score 1, one extractor
    assert event_doubt(event(score=7)) == event_doubt(event(score=1.0))  # clamped to 0..1


def test_task_priorities_take_the_worst_event_and_define_empty_tasks():
    assert task_doubt(task(0, event(0.9), event(0.3))) == event_doubt(event(0.3))
    assert task_doubt(task(0)) == EMPTY_DOUBT
    assert task_disagreement(task(0)) == 0.0
    assert task_disagreement(task(0, event(agreement=1.0), event(agreement=0.25))) == 0.75
    assert priority(task(0, event(0.5, 0.75)), "uncertain") == (task_doubt(task(0, event(0.5, 0.75))), 0.25)
    assert priority(task(0, event(0.5, 0.75)), "disagreement")[0] == 0.25


def test_uncertain_order_puts_the_lowest_score_first_from_a_stream_longer_than_the_buffer():
    buffer, warmup = 16, 8
    scores = [0.9] * 100
    scores[37] = 0.2  # the one a reviewer should see first
    scores[5] = 0.5
    source = Counted(task(n, event(s)) for n, s in enumerate(scores))
    stream = ordered(source, "uncertain", buffer, warmup=warmup)
    out, read_when_out = [], {}
    for item in stream:
        out.append(item)
        read_when_out[item["n"]] = source.read
        # bounded memory: with k tasks out, at most k + buffer were read
        assert source.read <= len(out) + buffer
    assert sorted(t["n"] for t in out) == list(range(100))  # nothing lost or repeated
    assert out[0]["n"] == 5 and read_when_out[5] == warmup  # the best of the warm-up window, at once
    assert read_when_out[37] - 38 <= 1  # out as soon as it is read (or one read later, while the window grows)
    whole = list(ordered((task(n, event(s)) for n, s in enumerate(scores)), "uncertain", buffer=1000, warmup=1000))
    assert [t["n"] for t in whole[:2]] == [37, 5]  # a window as large as the stream sorts it all


def test_the_first_task_leaves_after_the_warmup_window_and_the_window_grows_to_the_buffer():
    source = Counted(range(1000))
    stream = reorder(source, lambda n: (n, 0), buffer=64, warmup=4)
    assert next(stream) == 3 and source.read == 4  # not 64 reads before the first task
    out = [next(stream) for _ in range(200)]
    assert source.read - (len(out) + 1) == 64  # the window has grown to the whole buffer
    assert out[-1] == source.read - 1  # and serves the best (here: newest) task within it
    assert next(reorder(iter(range(5)), lambda n: (n, 0), buffer=3, warmup=50)) == 3  # warm-up capped by the buffer


def test_reorder_never_holds_more_than_the_buffer_and_keeps_stream_order_on_ties():
    source = Counted(range(50))
    out = []
    for item in reorder(source, lambda n: (0.0, 0.0), buffer=8):
        out.append(item)
        assert source.read - len(out) <= 8
    assert out == list(range(50))
    assert source.read == 50
    assert next(reorder(iter([3, 1, 2]), lambda n: (n, 0), buffer=2)) == 3


def test_disagreement_order_puts_disputed_events_first():
    tasks = [
        task(0, event(0.2, 1.0)),            # doubtful, but every extractor agrees
        task(1, event(1.0, 0.5)),            # one of two extractors proposed it
        task(2),                             # nothing proposed
        task(3, event(0.9, 0.75), event(1.0, 1.0)),
        task(4, event(0.6, 0.5)),            # as disputed as 1, and less sure
    ]
    assert [t["n"] for t in ordered(tasks, "disagreement", 10)] == [4, 1, 3, 0, 2]
    assert [t["n"] for t in ordered(tasks, "uncertain", 10)] == [0, 4, 1, 3, 2]
    assert [t["n"] for t in ordered(tasks, "stream")] == [0, 1, 2, 3, 4]


def test_bad_order_or_buffer_is_a_user_error():
    with pytest.raises(UserError, match="order must be one of"):
        ordered([], "random")
    with pytest.raises(UserError, match="buffer must be at least 1"):
        ordered([], "uncertain", 0)


def write_tasks(path, tasks) -> str:
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def task_file(tmp_path_factory, nlp, registry):
    """Six valid tasks; the fourth holds the least sure event, the fifth the most disputed one."""
    from annotation_helpers import build_task

    specs = [(0.9, None), (0.9, None), (0.9, 1.0), (0.3, None), (0.8, 0.5), (0.9, None)]
    tasks = []
    for n, (score, agreement) in enumerate(specs):
        built = build_task(nlp, registry, f"Makei met Lavrov {n} times.", [("MEETING", "met", [("participant", "Makei")])], doc=f"d{n}")
        for span in built["spans"]:
            if span["label"] == "MEETING":
                span["score"] = score
                if agreement is not None:
                    span["agreement"] = agreement
        for item in built["events"]:
            item["score"] = score
            if agreement is not None:
                item["agreement"] = agreement
        tasks.append(built)
    return write_tasks(tmp_path_factory.mktemp("order") / "tasks.jsonl", tasks)


def test_recipes_serve_tasks_in_the_order_asked(task_file):
    from eventcoder.annotation.prodigy import recipes

    def first(order, **options):
        components = recipes.events_correct("set", task_file, order=order, **options)
        return [t["text"] for t in components["stream"]][:2]

    assert first("stream") == ["Makei met Lavrov 0 times.", "Makei met Lavrov 1 times."]
    assert first("uncertain", buffer=6) == ["Makei met Lavrov 3 times.", "Makei met Lavrov 4 times."]
    assert first("disagreement", buffer=6)[0] == "Makei met Lavrov 4 times."
    # a window of 2 sees 3 only after letting 0 out
    assert first("uncertain", buffer=2) == ["Makei met Lavrov 0 times.", "Makei met Lavrov 3 times."]
    llm = recipes.events_llm_correct("set", task_file, order="uncertain", buffer=6)
    assert next(llm["stream"])["text"] == "Makei met Lavrov 3 times."
    with pytest.raises(UserError):
        recipes.events_correct("set", task_file, order="loudest")


def test_review_server_serves_the_most_doubtful_task_first(task_file, tmp_path):
    from eventcoder.annotation.webapp.server import ReviewOptions, open_review

    review = open_review(ReviewOptions(source=task_file, dataset="d", annotator="anna", db=str(tmp_path / "r.db"),
                                       order="uncertain", buffer=4))
    try:
        assert review.queue.next("tab")["text"] == "Makei met Lavrov 3 times."
        assert review.queue.total == 6
    finally:
        review.store.close()


def test_review_cli_refuses_an_unknown_order(task_file):
    from conftest import run_cli

    result = run_cli("review", task_file, "--dataset", "d", "--order", "loudest")
    assert result.returncode == 2
    assert "'--order'" in result.stderr and "'loudest' is not one of 'uncertain', 'disagreement', 'stream'" in result.stderr

"""``eventcoder agreement``: trigger and argument F1 between annotator pairs, checked by hand."""

from __future__ import annotations

import json

import pytest
from annotation_helpers import as_answer, build_task
from conftest import run_cli

from eventcoder.annotation.agreement import agreement
from eventcoder.annotation.answers import answers_of
from eventcoder.core.errors import InputError, UserError

MET = "Makei met Lavrov in Moscow."
SAID = "Lavrov said the talks were useful."
REFUSED = "Belarus refused to attend the summit."


@pytest.fixture
def answers(nlp, registry):
    def task(text, *events):
        return build_task(nlp, registry, text, list(events))

    return [
        as_answer(task(MET, ("MEETING", "met", [("participant", "Makei"), ("participant", "Lavrov"), ("place", "Moscow")])), who="alice", ts=1),
        as_answer(task(MET, ("MEETING", "met", [("participant", "Makei")], "negated")), who="bob", ts=5),  # superseded
        as_answer(task(MET, ("MEETING", "met", [("participant", "Makei"), ("participant", "Lavrov")])), who="bob", ts=9),
        as_answer(task(SAID, ("STATEMENT", "said", [("speaker", "Lavrov")]), ("MEETING", "talks", [])), who="alice", ts=2),
        as_answer(task(SAID, ("STATEMENT", "said", [("speaker", "Lavrov"), ("content", "the talks were useful")])), who="bob", ts=3),
        as_answer(task(REFUSED, ("REFUSAL", "refused", [("refuser", "Belarus")])), who="alice", ts=4),
        as_answer(task(REFUSED, ("REFUSAL", "refused", [("refuser", "Belarus"), ("refused", "to attend the summit")])),
                  who="carol", ts=6, session_only=True),
        as_answer(task(MET), "reject", who="carol", ts=7),  # not an accept: not compared
    ]


def prf(scores):
    return scores["precision"], scores["recall"], scores["f1"]


def test_pairs_match_hand_computed_scores(answers, registry):
    result = agreement(answers, registry)
    assert result["annotators"] == ["events-alice", "events-bob", "events-carol"]
    assert result["inputs"] == 3
    pairs = {(p["reference"], p["annotator"]): p for p in result["pairs"]}
    assert list(pairs) == [("events-alice", "events-bob"), ("events-alice", "events-carol"), ("events-bob", "events-carol")]

    # alice vs bob share MET and SAID. Triggers: met and said match, alice's "talks" is missed.
    # Arguments: met 2 of alice's 3; said 1 shared plus bob's extra content.
    ab = pairs[("events-alice", "events-bob")]
    assert ab["shared_inputs"] == 2
    assert list(ab["per_type"]) == ["MEETING", "STATEMENT"]
    assert prf(ab["per_type"]["MEETING"]["triggers"]) == (1.0, 0.5, 0.6667)
    assert prf(ab["per_type"]["MEETING"]["arguments"]) == (1.0, 0.6667, 0.8)
    assert prf(ab["per_type"]["STATEMENT"]["triggers"]) == (1.0, 1.0, 1.0)
    assert prf(ab["per_type"]["STATEMENT"]["arguments"]) == (0.5, 1.0, 0.6667)
    assert prf(ab["triggers"]) == (1.0, 0.6667, 0.8)
    assert prf(ab["arguments"]) == (0.75, 0.75, 0.75)
    assert ab["irrealis"]["tp"] + ab["irrealis"]["fp"] + ab["irrealis"]["fn"] == 0  # bob's negated answer was superseded

    # alice vs carol (carol known by _session_id only) share REFUSED: carol adds the refused topic.
    ac = pairs[("events-alice", "events-carol")]
    assert ac["shared_inputs"] == 1
    assert prf(ac["per_type"]["REFUSAL"]["triggers"]) == (1.0, 1.0, 1.0)
    assert prf(ac["per_type"]["REFUSAL"]["arguments"]) == (0.5, 1.0, 0.6667)

    bc = pairs[("events-bob", "events-carol")]
    assert bc["shared_inputs"] == 0 and bc["triggers"]["f1"] is None  # nothing shared: n/a


def test_cli_prints_json_and_a_table(answers, tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in answers))
    result = run_cli("agreement", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(p["reference"], p["annotator"], p["shared_inputs"], p["triggers"]["f1"]) for p in data["pairs"]] == [
        ("events-alice", "events-bob", 2, 0.8), ("events-alice", "events-carol", 1, 1.0), ("events-bob", "events-carol", 0, None),  # nothing shared: n/a
    ]
    table = run_cli("agreement", str(path), env={"COLUMNS": "200"})
    assert table.returncode == 0, table.stderr
    assert "events-alice / events-bob" in table.stdout and "all (micro)" in table.stdout


def test_anonymous_answers_and_single_annotators_are_errors(answers, registry):
    anonymous = [*answers[:1], {**answers[2], "_annotator_id": None, "_session_id": None}]
    with pytest.raises(InputError, match=r"^<answers>:2: no \"_annotator_id\" or \"_session_id\""):
        agreement(answers_of(anonymous), registry)
    with pytest.raises(UserError, match="two annotators or more; found events-alice"):
        agreement(answers_of([answers[0], answers[3]]), registry)

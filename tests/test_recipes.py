"""The events.* Prodigy recipes, run without Prodigy: recipe dicts, streams, validate_answer, before_db."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from itertools import islice

import pytest
from annotation_helpers import TEXT, build_task, fake_extractor, recipes  # noqa: F401 - fixtures
from conftest import ROOT, read_jsonl
from jsonschema import Draft202012Validator

from eventcoder.pipeline.validate import line_errors

TASK_SCHEMA = Draft202012Validator(json.loads((ROOT / "schemas" / "task.schema.json").read_text()))
PRODIGY_VIEWS = ["relations", "choice", "text_input", "llm_io", "html", "text", "spans_manual", "ner_manual"]
#: Prodigy's documented components dict; callables and the stream are checked apart.
COMPONENTS_SCHEMA = Draft202012Validator({
    "type": "object",
    "required": ["dataset", "stream", "view_id", "config", "exclude", "before_db", "validate_answer"],
    "additionalProperties": False,
    "properties": {
        "dataset": {"type": "string"},
        "stream": {},
        "view_id": {"const": "blocks"},
        "exclude": {"type": ["array", "null"], "items": {"type": "string"}},
        "before_db": {},
        "validate_answer": {},
        "config": {
            "type": "object",
            "required": ["labels", "relations_span_labels", "blocks", "keymap_by_label", "batch_size", "exclude_by"],
            "properties": {
                "keymap_by_label": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[a-z]$"}},
                "batch_size": {"type": "integer", "minimum": 1},
                "labels": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "relations_span_labels": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "wrap_relations": {"type": "boolean"},
                "choice_style": {"enum": ["single", "multiple"]},
                "exclude_by": {"enum": ["task", "input"]},
                "blocks": {"type": "array", "minItems": 2, "items": {
                    "type": "object", "required": ["view_id"], "properties": {"view_id": {"enum": PRODIGY_VIEWS}},
                }},
            },
        },
    },
})
TEXTS = [{"text": TEXT, "meta": {"id": "n1"}}, {"text": "Lavrov said nothing. Makei met him.", "meta": {"id": "n2"}}]


def all_recipes(recipes, source, extractor):
    """Each recipe's components; ``source()`` gives each recipe its own input."""
    return {
        "events.manual": recipes.events_manual("set", source(), batch_size=1),
        "events.correct": recipes.events_correct("set", source(), extractor=extractor, batch_size=1, exclude="old,older"),
        "events.llm.correct": recipes.events_llm_correct("set", source(), extractor=extractor, batch_size=1),
    }


def assert_valid_task(task, registry):
    assert sorted(e.message for e in TASK_SCHEMA.iter_errors(task)) == []
    assert line_errors(task, "task", registry) == []


def test_recipes_are_plain_functions_without_prodigy(recipes):
    if importlib.util.find_spec("prodigy") is not None:
        pytest.skip("Prodigy is installed: the recipes are registered with it")
    from eventcoder.annotation.prodigy import components

    for name in ("events_manual", "events_correct", "events_llm_correct", "events_llm_fetch"):
        function = getattr(recipes, name)
        assert function.__module__ == "eventcoder.annotation.prodigy.recipes" and not hasattr(function, "__wrapped__")
    assert recipes.events_manual("set", iter([{"text": "Makei met Lavrov."}]))["view_id"] == components.VIEW_ID


def test_recipe_dicts_follow_prodigys_contract(recipes, registry, fake_extractor):
    for name, components in all_recipes(recipes, lambda: iter(TEXTS), fake_extractor).items():
        assert sorted(e.message for e in COMPONENTS_SCHEMA.iter_errors(components)) == [], name
        assert callable(components["before_db"]) and callable(components["validate_answer"])
        config = components["config"]
        assert config["labels"] == registry.role_labels()
        assert set(config["relations_span_labels"]) == {*registry.types, *registry.kinds}
        views = [block["view_id"] for block in config["blocks"]]
        assert views[0] == "relations" and "text_input" in views
        assert ("choice" in views) == (name != "events.manual")  # overlapping arguments, modality
        assert ("llm_io" in views) == (name == "events.llm.correct")
    assert all_recipes(recipes, lambda: iter(TEXTS), fake_extractor)["events.correct"]["exclude"] == ["old", "older"]


def test_label_keys_leave_number_keys_to_the_choice_options_and_prodigys_own_keys_alone(recipes, registry, fake_extractor):
    for name, components in all_recipes(recipes, lambda: iter(TEXTS), fake_extractor).items():
        config = components["config"]
        keymap = config["keymap_by_label"]
        assert set(keymap) == {*config["labels"], *config["relations_span_labels"]}, name  # every label has a key
        assert len(set(keymap.values())) == len(keymap), name  # no two labels share one
        assert not set(keymap.values()) & {"a", "x", "i"}, name  # accept, reject, ignore
        assert not any(key.isdigit() for key in keymap.values()), name  # 1-9 pick choice options


def test_docs_list_the_keys_the_recipes_set(recipes, fake_extractor):
    keymap = recipes.events_correct("set", iter(TEXTS), extractor=fake_extractor)["config"]["keymap_by_label"]
    docs = (ROOT / "docs" / "annotation.md").read_text(encoding="utf-8")
    assert [label for label, key in keymap.items() if f"`{key}` {label}" not in docs] == []


def test_batch_size_is_set_and_small_for_the_llm_recipe(recipes, fake_extractor):
    sizes = {name: c["config"]["batch_size"] for name, c in all_recipes(recipes, lambda: iter(TEXTS), fake_extractor).items()}
    assert sizes["events.llm.correct"] < sizes["events.correct"] and sizes["events.llm.correct"] <= 2
    assert sizes["events.manual"] == sizes["events.correct"]


def test_exclude_by_defaults_to_input_and_refuses_other_values(recipes, fake_extractor):
    from eventcoder.core.errors import UserError

    for components in all_recipes(recipes, lambda: iter(TEXTS), fake_extractor).values():
        assert components["config"]["exclude_by"] == "input"
    assert recipes.events_correct("set", iter(TEXTS), extractor=fake_extractor, exclude_by="task")["config"]["exclude_by"] == "task"
    with pytest.raises(UserError, match="--exclude-by must be one of input, task, not 'text'"):
        recipes.events_manual("set", iter(TEXTS), exclude_by="text")


def test_streamed_tasks_are_valid_tasks(recipes, registry, fake_extractor):
    for name, components in all_recipes(recipes, lambda: iter(TEXTS), fake_extractor).items():
        tasks = list(components["stream"])
        assert len(tasks) == 2, name
        for task in tasks:
            assert_valid_task(task, registry)
            assert task["_view_id"] == "blocks"
        if name == "events.manual":
            assert all(t["spans"] == [] and t["relations"] == [] for t in tasks)
        else:
            first = tasks[0]
            assert [e["label"] for e in first["events"]] == ["MEETING", "STATEMENT", "REFUSAL"]
            assert len(first["overlapping_relations"]) == 1  # the content clause
            assert "arg:0" in first["accept"] and "mod:6:9:asserted" in first["accept"]


def test_streams_are_lazy(recipes, fake_extractor):
    def news():
        yield TEXTS[0]
        raise RuntimeError("the stream read past the first batch")

    for components in all_recipes(recipes, news, fake_extractor).values():
        assert next(iter(components["stream"]))["text"] == TEXT


def test_large_file_starts_serving_at_once(recipes, tmp_path, fake_extractor):
    big = tmp_path / "big.jsonl"
    with big.open("w") as handle:
        for i in range(20000):
            handle.write(json.dumps({"text": TEXT, "meta": {"id": f"n{i}"}}) + "\n")
    stream = recipes.events_correct("set", str(big), extractor=fake_extractor, batch_size=2)["stream"]
    assert [t["meta"]["doc"] for t in islice(stream, 3)] == ["n0", "n1", "n2"]


def test_task_files_are_served_as_they_are(recipes, registry, nlp, tmp_path):
    task = build_task(nlp, registry, TEXT, [("MEETING", "met", [("participant", "Makei")], "planned")])
    task["meta"]["llm_io"] = {"prompt": "Find events in: ...", "response": '{"events": []}'}
    path = tmp_path / "proposals.jsonl"
    path.write_text(json.dumps(task) + "\n")
    served = next(iter(recipes.events_llm_correct("set", str(path), extractor="no-such-extractor")["stream"]))
    assert served["spans"] == task["spans"] and served["events"] == task["events"]
    assert served["llm"] == task["meta"]["llm_io"]  # where Prodigy's llm_io view reads it
    assert "llm_io" not in served["meta"]  # not on the card, nor twice in every answer
    [stored] = recipes.events_llm_correct("set", str(path))["before_db"]([{**served, "answer": "accept"}])
    assert stored["llm"] == task["meta"]["llm_io"] and "llm_io" not in stored["meta"]  # kept once
    assert "mod:6:9:planned" in served["accept"]
    assert_valid_task(served, registry)


def test_llm_correct_works_with_any_extractor(recipes, registry, fake_extractor):
    task = next(iter(recipes.events_llm_correct("set", iter(TEXTS[:1]), extractor=fake_extractor)["stream"]))
    assert task["events"] and set(task["llm"]) == {"prompt", "response"}
    assert "no LLM prompt" in task["llm"]["prompt"]
    components = recipes.events_llm_correct("set", iter(TEXTS[:1]), extractor=fake_extractor)
    [stored] = components["before_db"]([{**next(iter(components["stream"])), "answer": "accept"}])
    assert "llm" not in stored  # the placeholder is not stored


def test_llm_fetch_writes_tasks_to_review_later(recipes, registry, tmp_path, fake_extractor):
    news = tmp_path / "news.jsonl"
    news.write_text("".join(json.dumps(t) + "\n" for t in TEXTS))
    out = tmp_path / "proposals.jsonl"
    assert recipes.events_llm_fetch(str(news), str(out), extractor=fake_extractor) is None
    tasks = read_jsonl(out)
    assert len(tasks) == 2 and tasks[0]["events"]
    for task in tasks:
        assert_valid_task(task, registry)
    served = list(recipes.events_llm_correct("set", str(out))["stream"])
    assert [t["_input_hash"] for t in served] == [t["_input_hash"] for t in tasks]


def test_bad_task_file_names_file_and_line(recipes, registry, nlp, tmp_path):
    from eventcoder.core.errors import InputError

    task = build_task(nlp, registry, TEXT, [("MEETING", "met", [("participant", "Makei")])])
    broken = copy.deepcopy(task)
    broken["spans"][1]["token_end"] = 7
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(task) + "\n" + json.dumps(broken) + "\n")
    stream = iter(recipes.events_correct("set", str(path))["stream"])
    next(stream)
    with pytest.raises(InputError, match=r"tasks\.jsonl:2: "):
        next(stream)


# --- validate_answer and before_db -----------------------------------------------------------

@pytest.fixture
def proposal(recipes, fake_extractor):
    """The correct recipe's components and its first task, as the annotator first sees it."""
    components = recipes.events_correct("set", iter(TEXTS[:1]), extractor=fake_extractor)
    return components, next(iter(components["stream"]))


def span_at(task, text):
    return next(s for s in task["spans"] if task["text"][s["start"]:s["end"]] == text)


def relation(task, head, child, role):
    h, c = span_at(task, head), span_at(task, child)
    plain = lambda s: {k: s[k] for k in ("start", "end", "token_start", "token_end", "label")}  # noqa: E731
    return {"head": h["token_end"], "child": c["token_end"], "head_span": plain(h), "child_span": plain(c), "label": role}


def test_validate_answer_accepts_good_answers(proposal):
    components, task = proposal
    components["validate_answer"]({**task, "answer": "accept"})
    edited = copy.deepcopy(task)
    edited["relations"].append(relation(edited, "will not send", "Minsk", "refuser"))  # a duplicate is harmless
    edited["event_edits"] = "met: planned"
    components["validate_answer"]({**edited, "answer": "accept"})


@pytest.mark.parametrize("edit, message", [
    (lambda t: t["relations"].append(relation(t, "Makei", "Lavrov", "participant")), 'starts at "Makei" (ACTOR), not at a trigger'),
    (lambda t: t["relations"].append(relation(t, "met", "Minsk", "speaker")), '"met" is a MEETING, which has no role "speaker"'),
    (lambda t: t["relations"].append(relation(t, "said", "Makei", "speaker")), '"said" has 2 "speaker" arguments'),
    (lambda t: t.update(event_edits="met -> date: Wednesday"), 'MEETING has no role "date"'),
    (lambda t: t.update(event_edits="talks: planned"), 'no trigger "talks"'),
    (lambda t: t["accept"].append("mod:6:9:negated"), "several modalities ticked"),
])
def test_validate_answer_rejects_bad_answers(proposal, edit, message):
    components, task = proposal
    answer = {**copy.deepcopy(task), "answer": "accept"}
    edit(answer)
    with pytest.raises(ValueError, match=re.escape(message)):
        components["validate_answer"](answer)
    components["validate_answer"]({**answer, "answer": "reject"})  # a rejected answer is not checked


def test_before_db_folds_edits_into_plain_tasks(proposal, registry):
    components, task = proposal
    answer = {**copy.deepcopy(task), "answer": "accept", "_annotator_id": "set-alice"}
    answer["accept"] = [i for i in answer["accept"] if i not in ("arg:0", "mod:48:52:asserted")] + ["mod:48:52:hypothetical"]
    answer["event_edits"] = "said -> content: Minsk will not send any officials\nwill not send: planned"
    [stored] = components["before_db"]([answer])
    assert not {"options", "accept", "event_edits", "llm"} & set(stored)
    assert stored["answer"] == "accept" and stored["_annotator_id"] == "set-alice"
    assert stored["_task_hash"] == task["_task_hash"]
    said, refusal = stored["events"][1], stored["events"][2]
    assert (said["modality"], refusal["modality"]) == ("hypothetical", "planned")
    assert ("content", "Minsk will not send any officials") in [(a["role"], a["text"]) for a in said["arguments"]]
    assert_valid_task(stored, registry)
    assert components["before_db"]([stored]) == [stored]  # idempotent

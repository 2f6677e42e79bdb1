"""The recipes under Prodigy's command line: radicli builds each command from the decorator's
plac tuples and the function's hints (tests/prodigy_stub stands in for ``prodigy.recipe``)."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from itertools import islice
from pathlib import Path

import pytest

pytest.importorskip("radicli")

from annotation_helpers import TEXT, build_task, fake_extractor  # noqa: F401 - fixture
from conftest import ROOT, read_jsonl
from test_recipes import COMPONENTS_SCHEMA, TEXTS, assert_valid_task

STUB = Path(__file__).parent / "prodigy_stub"
RECIPES = ("events.manual", "events.correct", "events.llm.correct", "events.llm.fetch")
#: Modules that must be imported afresh for ``prodigy.recipe`` to be the stub's.
FRESH = ("prodigy", "eventcoder.annotation.prodigy.recipes")


@pytest.fixture(params=["converter", "signature"])
def prodigy(request, monkeypatch):
    """The stub ``prodigy`` converting tuples one way, and recipes/events.py loaded under it."""
    import eventcoder.annotation.prodigy as package

    saved = {name: sys.modules.pop(name) for name in FRESH if name in sys.modules}
    monkeypatch.syspath_prepend(str(STUB))
    monkeypatch.setattr(package, "recipes", saved.get(FRESH[1]), raising=False)
    try:
        import prodigy

        assert prodigy.__file__.startswith(str(STUB)), "a real Prodigy is installed: this test needs the stub"
        prodigy.reset(request.param)
        spec = importlib.util.spec_from_file_location("events_recipes_under_prodigy", ROOT / "recipes" / "events.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # what -F recipes/events.py does
        prodigy.recipes = module
        yield prodigy
    finally:
        for name in FRESH:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


@pytest.fixture
def news(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in TEXTS))
    return path


def served(prodigy, argv: list[str]) -> dict:
    """Parse ``prodigy NAME ARGS...`` as Prodigy does and call the recipe with the values."""
    command = prodigy.cli.commands[argv[0]]
    values = prodigy.cli.parse(argv[1:], command)
    return command.func(**values)


def test_every_recipe_is_registered_with_prodigy(prodigy):
    assert sorted(prodigy.registry) == sorted(RECIPES)  # the fallback decorator registers nothing
    assert prodigy.registry["events.correct"] is prodigy.recipes.events_correct
    for function in prodigy.registry.values():
        hints = [p.annotation for p in inspect.signature(function).parameters.values()]
        assert not [h for h in hints if isinstance(h, str)], f"{function.__name__} has string annotations"


def check_components(components: dict, dataset: str, registry, n: int = 2) -> list[dict]:
    assert sorted(e.message for e in COMPONENTS_SCHEMA.iter_errors(components)) == []
    assert components["dataset"] == dataset
    tasks = list(islice(components["stream"], n))
    assert tasks, "nothing served"
    for task in tasks:
        assert_valid_task(task, registry)
    return tasks


def test_events_correct_parses_and_serves(prodigy, news, registry):
    components = served(prodigy, ["events.correct", "my_set", str(news), "-x", "rules", "-o", "uncertain", "-ob", "50"])
    tasks = check_components(components, "my_set", registry)
    assert components["config"]["exclude_by"] == "input"
    assert components["exclude"] is None  # an Optional option left out is None, not a string
    assert any(task["events"] for task in tasks)  # the rules proposed something
    assert all("accept" in task and "options" in task for task in tasks)


def test_events_manual_parses_and_serves(prodigy, news, registry):
    components = served(prodigy, ["events.manual", "my_set", str(news), "-u", "sentence", "-b", "2", "-e", "old,older",
                                  "-eb", "task"])
    tasks = check_components(components, "my_set", registry, n=3)
    assert components["exclude"] == ["old", "older"] and components["config"]["exclude_by"] == "task"
    assert [t["text"] for t in tasks][:2] == ["Makei met Lavrov in Moscow on Wednesday.", "Lavrov said Minsk will not send any officials."]


def test_events_llm_correct_serves_fetched_proposals(prodigy, registry, nlp, tmp_path):
    task = build_task(nlp, registry, TEXT, [("MEETING", "met", [("participant", "Makei")], "planned")])
    task["meta"]["llm_io"] = {"prompt": "Find events in: ...", "response": '{"events": []}'}
    proposals = tmp_path / "proposals.jsonl"
    proposals.write_text(json.dumps(task) + "\n")
    components = served(prodigy, ["events.llm.correct", "my_set", str(proposals), "-o", "disagreement", "-ob", "8",
                                  "-lc", str(tmp_path / "cache.jsonl")])
    [first] = check_components(components, "my_set", registry)
    assert first["llm"] == {"prompt": "Find events in: ...", "response": '{"events": []}'}
    assert "llm_io" not in first["meta"]
    assert "llm_io" in [block["view_id"] for block in components["config"]["blocks"]]


def test_events_llm_fetch_runs_from_the_command_line(prodigy, news, registry, tmp_path, fake_extractor, capsys):
    out = tmp_path / "proposals.jsonl"
    prodigy.cli.run(["prodigy", "events.llm.fetch", str(news), str(out), "-x", fake_extractor, "-n", "1", "-b", "2"])
    assert "2 documents -> 2 tasks" in capsys.readouterr().out
    tasks = read_jsonl(out)
    assert tasks and tasks[0]["events"]
    for task in tasks:
        assert_valid_task(task, registry)


def test_a_bad_option_value_is_a_parse_error(prodigy, news):
    with pytest.raises(SystemExit):
        served(prodigy, ["events.correct", "my_set", str(news), "-ob", "many"])


def test_extractor_options_repeat_under_prodigys_command_line(prodigy, news, registry, tmp_path):
    from eventcoder.core.errors import UserError

    builtin = ROOT / "src" / "eventcoder" / "extractors" / "rules" / "patterns"
    empty = tmp_path / "empty"
    empty.mkdir()
    command = prodigy.cli.commands["events.correct"]
    values = prodigy.cli.parse(["my_set", str(news), "-O", f"rules.patterns={builtin}", "-O", f"rules.patterns={empty}"],
                               command)
    assert values["option"] == [f"rules.patterns={builtin}", f"rules.patterns={empty}"]
    tasks = check_components(command.func(**values), "my_set", registry)
    assert any(task["events"] for task in tasks)
    with pytest.raises(UserError, match="extractor 'rules' has no option 'colour'"):
        served(prodigy, ["events.correct", "my_set", str(news), "-O", "rules.colour=red"])


def test_no_skip_boilerplate_is_a_flag_under_prodigys_command_line(prodigy, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Lavrov met Makei in Moscow.\n- Share on Facebook\n", encoding="utf-8")
    default = served(prodigy, ["events.manual", "my_set", str(page)])
    kept = served(prodigy, ["events.manual", "my_set", str(page), "--no-skip-boilerplate"])
    assert [t["text"] for t in default["stream"]] == ["Lavrov met Makei in Moscow."]
    assert [t["text"] for t in kept["stream"]] == ["Lavrov met Makei in Moscow.", "- Share on Facebook"]


def test_min_score_parses_as_a_number_and_filters(prodigy, registry, nlp, tmp_path):
    from test_rules_score import check_filtered, scored_task

    task = scored_task(nlp, registry)
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(task) + "\n")
    for recipe in ("events.correct", "events.llm.correct"):
        [served_task] = check_components(served(prodigy, [recipe, "my_set", str(path), "-ms", "0.6"]), "my_set", registry)
        check_filtered(served_task, task, registry)
    news = tmp_path / "news.txt"
    news.write_text(task["text"])

    def fetched(cut: str) -> list[float]:
        out = tmp_path / f"fetched{cut}.jsonl"
        prodigy.cli.run(["prodigy", "events.llm.fetch", str(news), str(out), "-x", "rules", "--min-score", cut])
        return sorted(e["score"] for t in read_jsonl(out) for e in t["events"])

    every = fetched("0")
    cut = (every[0] + every[-1]) / 2
    assert every[0] < cut and fetched(f"{cut:.6f}") == [s for s in every if s >= cut]
    with pytest.raises(SystemExit):
        served(prodigy, ["events.correct", "my_set", str(path), "-ms", "high"])

"""The plugin system: built-in plugins, installed ones, broken ones, and every hook."""

from __future__ import annotations

import json

import pytest
from conftest import read_jsonl, run_cli, run_script
from example_plugin import install_plugin, readme_plugin_source

from eventcoder.core.vocabulary import ArgumentKind, EventType, Role
from eventcoder.hookspecs import hookimpl
from eventcoder.plugins import build_registry, make_plugin_manager

BROKEN_IMPORT = "raise RuntimeError('this plugin is broken on purpose')\n"

DUPLICATE_TYPE = """
from eventcoder import hookimpl, EventType, Role

@hookimpl
def register_event_types(register):
    register(EventType("MEETING", "again", (Role("participant", "ACTOR", repeats=True),)))
"""

UNKNOWN_KIND = """
from eventcoder import hookimpl, EventType, Role

@hookimpl
def register_event_types(register):
    register(EventType("RIOT", "a riot", (Role("rioter", "CROWD"),)))
"""


def _env(site):
    return {"PYTHONPATH": str(site)}


def test_builtin_types_match_guidelines(registry):
    expected = {
        "MEETING": {"participant": True, "place": False, "time": False, "topic": False},
        "STATEMENT": {"speaker": False, "addressee": True, "content": False, "place": False, "time": False},
        "AGREEMENT": {"party": True, "topic": False, "place": False, "time": False},
        "REFUSAL": {"refuser": False, "refused": False, "place": False, "time": False},
    }
    got = {name: {r.name: r.repeats for r in etype.roles} for name, etype in registry.types.items()}
    assert got == expected
    assert registry.kinds["CONTENT"].may_overlap and not registry.kinds["ACTOR"].may_overlap
    assert "rules" in registry.extractors


def test_default_plugins_register_like_outside_ones(registry):
    assert set(registry.provided) >= {"eventcoder.default_plugins.event_types", "eventcoder.default_plugins.rules"}


def test_plugins_load_lazily_and_once(tmp_path):
    """Importing eventcoder loads no plugin; the first registry loads each entry point once."""
    site = install_plugin(tmp_path / "site", "eventcoder_protest", readme_plugin_source())
    (site / "eventcoder_protest.py").write_text(
        "import os\nwith open(os.environ['LOADS'], 'a') as f:\n    f.write('loaded\\n')\n"
        + readme_plugin_source(), encoding="utf-8")
    loads = tmp_path / "loads.txt"
    script = (
        "import sys, eventcoder\n"
        "assert 'eventcoder_protest' not in sys.modules and 'eventcoder.plugins' not in sys.modules\n"
        "from eventcoder.plugins import get_registry\n"
        "assert 'eventcoder_protest' not in sys.modules\n"
        "first, second = get_registry(), get_registry()\n"
        "print(sorted(first.extractors), first is second)\n"
    )
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(site), "LOADS": str(loads)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['llm', 'model', 'protests', 'rules'] True"
    assert loads.read_text(encoding="utf-8") == "loaded\n"


def test_installed_readme_plugin_adds_type_role_and_extractor(tmp_path):
    site = install_plugin(tmp_path / "site", "eventcoder_protest", readme_plugin_source())
    result = run_script("types", "--json", env=_env(site))
    assert result.returncode == 0, result.stderr
    types = {t["name"]: t for t in json.loads(result.stdout)}
    assert [r["name"] for r in types["PROTEST"]["roles"]] == ["protester", "place", "time"]
    assert "mediator" in [r["name"] for r in types["MEETING"]["roles"]]

    listed = json.loads(run_script("plugins", "--json", env=_env(site)).stdout)
    mine = next(p for p in listed["plugins"] if p["name"] == "eventcoder_protest")
    assert "type PROTEST" in mine["registered"] and "extractor protests" in mine["registered"]

    text = tmp_path / "news.txt"
    text.write_text("Thousands protested in Minsk on Sunday. Prices rose.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_script("extract", str(text), "-o", str(out), "--extractor", "protests", env=_env(site))
    assert result.returncode == 0, result.stderr
    (task,) = read_jsonl(out)
    assert [(e["label"], e["trigger"]["text"]) for e in task["events"]] == [("PROTEST", "protested")]
    assert run_script("validate", str(out), env=_env(site)).returncode == 0


def test_the_readme_plugin_takes_its_option_locally_and_on_dask(tmp_path):
    site = install_plugin(tmp_path / "site", "eventcoder_protest", readme_plugin_source())
    listed = json.loads(run_script("extractors", "--json", env=_env(site)).stdout)
    (mine,) = [e for e in listed if e["name"] == "protests"]
    assert mine["plugin"] == "eventcoder_protest"
    assert [(o["name"], o["type"], o["default"]) for o in mine["options"]] == [("lemma", "TEXT", "protest")]

    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"text": "Thousands demonstrated in Minsk. Others protested."}) + "\n", encoding="utf-8")
    option = ["--extractor", "protests", "-O", "protests.lemma=demonstrate"]
    out = tmp_path / "out.jsonl"
    result = run_script("extract", str(news), "-o", str(out), *option, env=_env(site))
    assert result.returncode == 0, result.stderr
    (task,) = read_jsonl(out)
    assert [e["trigger"]["text"] for e in task["events"]] == ["demonstrated"]

    folder = tmp_path / "parts"
    result = run_script("extract", str(news), "-o", f"{folder}/", *option, "--engine", "dask", "--n-process", "1",
                        env=_env(site))
    assert result.returncode == 0, result.stderr
    (part,) = folder.glob("part-*.jsonl")
    assert read_jsonl(part) == [task]
    header = json.loads((folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert header["config"]["options"] == {"protests": {"lemma": "demonstrate"}}
    resumed = run_script("extract", str(news), "-o", f"{folder}/", "--extractor", "protests", env=_env(site))
    assert resumed.returncode == 2 and "config.options differ" in resumed.stderr


@pytest.mark.parametrize(
    "option, message",
    [
        ("protests.colour=red", "-O protests.colour: extractor 'protests' has no option 'colour' (its options: lemma)"),
        ("protests.lemma", "-O protests.lemma: expected NAME.FIELD=VALUE"),
        ("rules.patterns=x", "-O rules.*: extractor 'rules' is not selected (--extractor protests)"),
        ("riots.lemma=x", "-O riots.*: unknown extractor 'riots'"),
    ],
)
def test_a_bad_extractor_option_is_one_line_and_exit_2(plugin_site, tmp_path, option, message):
    install_plugin(plugin_site, "eventcoder_protest", readme_plugin_source())
    news = tmp_path / "news.txt"
    news.write_text("Thousands protested.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(news), "-o", str(out), "--extractor", "protests", "-O", option)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"eventcoder: {message}")
    assert not out.exists()


@pytest.mark.parametrize(
    "source, message",
    [
        (BROKEN_IMPORT, "failed to load"),
        (DUPLICATE_TYPE, "duplicate event type 'MEETING'"),
        (UNKNOWN_KIND, "unknown argument kind 'CROWD'"),
    ],
)
def test_broken_plugin_is_named_and_others_still_load(plugin_site, source, message):
    install_plugin(plugin_site, "eventcoder_broken", source)
    install_plugin(plugin_site, "eventcoder_protest", readme_plugin_source())
    result = run_cli("plugins", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    (error,) = listed["errors"]
    assert error["name"] == "eventcoder_broken" and message in error["error"]
    assert any(p["name"] == "eventcoder_protest" for p in listed["plugins"])
    types = run_cli("types", "--json")
    assert "eventcoder_broken" in types.stderr  # every command names the skipped plugin
    assert {t["name"] for t in json.loads(types.stdout)} == {"MEETING", "STATEMENT", "AGREEMENT", "REFUSAL", "PROTEST"}


def test_env_var_blocks_outside_plugins(plugin_site, monkeypatch):
    from eventcoder.plugins import DISABLE_ENV, reset

    install_plugin(plugin_site, "eventcoder_protest", readme_plugin_source())
    for value, present in (("1", False), ("eventcoder_protest", False), ("someone_else", True)):
        monkeypatch.setenv(DISABLE_ENV, value)
        reset()  # the variable is read when the registry is built, as at a process's start
        result = run_cli("types", "--json")
        assert ("PROTEST" in {t["name"] for t in json.loads(result.stdout)}) is present


class _Plugin:
    """An in-process plugin object, to test each hook's checks directly."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            setattr(self, name, hookimpl(fn))


def _registry_with(*plugins):
    pm = make_plugin_manager(errors={})
    for i, plugin in enumerate(plugins):
        pm.register(plugin, name=f"test_plugin_{i}")
    return build_registry(pm)


def test_register_argument_kinds_hook():
    reg = _registry_with(_Plugin(register_argument_kinds=lambda register: register(ArgumentKind("WEAPON"))))
    assert "WEAPON" in reg.kinds and "kind WEAPON" in reg.provided["test_plugin_0"]
    dup = _registry_with(_Plugin(register_argument_kinds=lambda register: register(ArgumentKind("ACTOR"))))
    assert "duplicate argument kind 'ACTOR'" in dup.errors["test_plugin_0"]


def test_register_event_types_hook():
    strike = EventType("STRIKE", "workers strike", (Role("striker", "ACTOR", repeats=True),), ("strike",))
    reg = _registry_with(_Plugin(register_event_types=lambda register: register(strike)))
    assert reg.types["STRIKE"] == strike and "type STRIKE" in reg.provided["test_plugin_0"]
    wrong = _registry_with(_Plugin(register_event_types=lambda register: register("STRIKE")))
    assert "register_event_types expects EventType" in wrong.errors["test_plugin_0"]


def test_register_roles_hook_and_its_errors():
    ok = _registry_with(_Plugin(register_roles=lambda register: register("AGREEMENT", Role("mediator", "ACTOR", repeats=True))))
    assert ok.types["AGREEMENT"].role("mediator").repeats
    unknown = _registry_with(_Plugin(register_roles=lambda register: register("WAR", Role("side", "ACTOR"))))
    assert "unknown event type 'WAR'" in unknown.errors["test_plugin_0"]
    again = _registry_with(_Plugin(register_roles=lambda register: register("MEETING", Role("place", "PLACE"))))
    assert "already has a role 'place'" in again.errors["test_plugin_0"]


def test_failed_plugin_registers_nothing():
    def types(register):
        register(EventType("SANCTION", "sanctions", (Role("target", "ACTOR"),)))
        register(EventType("SANCTION", "twice", ()))

    reg = _registry_with(_Plugin(register_event_types=types))
    assert "SANCTION" not in reg.types and "test_plugin_0" in reg.errors


def test_register_extractors_hook_checks_factory():
    reg = _registry_with(_Plugin(register_extractors=lambda register: register("bad", "not callable")))
    assert "not callable" in reg.errors["test_plugin_0"] and "bad" not in reg.extractors


def test_register_patterns_hook(tmp_path):
    reg = _registry_with(_Plugin(register_patterns=lambda register: register(tmp_path)))
    assert reg.pattern_dirs == [tmp_path]
    missing = _registry_with(_Plugin(register_patterns=lambda register: register(tmp_path / "nope")))
    assert "does not exist" in missing.errors["test_plugin_0"]

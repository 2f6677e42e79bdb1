"""Extractor options: declared by each extractor as a pydantic model, set with -O, recorded in
the manifest; the built-in extractors declare theirs the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, read_jsonl, run_cli
from pydantic import Field

from eventcoder.core.errors import UserError
from eventcoder.core.extractor_options import (
    ExtractorOptions,
    describe_options,
    parse_option_args,
    resolve_options,
)
from eventcoder.extractors.llm.options import LLMOptions
from eventcoder.hookspecs import hookimpl
from eventcoder.plugins import build_registry, make_plugin_manager
from eventcoder.run.extract import ExtractConfig
from eventcoder.run.manifest import run_header


class Tuning(ExtractorOptions):
    threshold: float = Field(0.5, ge=0, le=1, description="Minimum score.")
    words: list[str] = Field([], description="Extra trigger words.")
    strict: bool = False
    cache: Path | None = None
    run_only = frozenset({"cache"})


class Seen:
    """An extractor that remembers the options its factory got."""

    name = "tuned"
    seen: list = []

    def __init__(self, options):
        Seen.seen.append(options)

    def extract(self, docs):
        for _ in docs:
            yield []


class Plugin:
    @hookimpl
    def register_extractors(self, register):
        register("tuned", lambda context: Seen(context.options), "test extractor", options=Tuning)


@pytest.fixture
def registry():
    pm = make_plugin_manager(errors={})
    pm.register(Plugin(), name="tuning-plugin")
    return build_registry(pm)


def test_values_are_parsed_by_the_models_types(registry):
    raw = parse_option_args(["tuned.threshold=0.25", "tuned.words=summit", "tuned.words=parley", "tuned.strict=true"])
    ((name, options),) = resolve_options(registry, ["tuned"], raw)
    assert name == "tuned" and isinstance(options, Tuning)
    assert (options.threshold, options.words, options.strict) == (0.25, ["summit", "parley"], True)
    ((_, single),) = resolve_options(registry, ["tuned"], parse_option_args(["tuned.words=summit"]))
    assert single.words == ["summit"]  # one -O for a list field is a list of one


@pytest.mark.parametrize(
    "arg, message",
    [
        ("tuned.threshold=high", "-O tuned.threshold='high': Input should be a valid number"),
        ("tuned.threshold=2", "-O tuned.threshold='2': Input should be less than or equal to 1"),
        ("tuned.strict=perhaps", "-O tuned.strict='perhaps': Input should be a valid boolean"),
        ("tuned.colour=red", "-O tuned.colour: extractor 'tuned' has no option 'colour' (its options: threshold, words, strict, cache)"),
        ("tuned=1", "-O tuned=1: expected NAME.FIELD=VALUE"),
        ("rules.patterns=x", "-O rules.*: extractor 'rules' is not selected (--extractor tuned)"),
    ],
)
def test_a_bad_value_names_extractor_field_and_what_is_allowed(registry, arg, message):
    with pytest.raises(UserError) as caught:
        resolve_options(registry, ["tuned"], parse_option_args([arg]))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    if "Input should" in message:
        assert "(extractor 'tuned', option" in str(caught.value)


def test_registering_options_that_are_not_a_model_names_the_plugin():
    class Bad:
        @hookimpl
        def register_extractors(self, register):
            register("bad", lambda context: Seen(context.options), options=dict)

    pm = make_plugin_manager(errors={})
    pm.register(Bad(), name="bad-plugin")
    registry = build_registry(pm)
    assert "bad" not in registry.extractors
    assert "options must be a pydantic model class" in registry.errors["bad-plugin"]


def test_descriptions_give_plain_types_defaults_and_help():
    described = {field["name"]: field for field in describe_options(Tuning)}
    assert (described["threshold"]["type"], described["threshold"]["default"], described["threshold"]["help"]) == (
        "FLOAT", 0.5, "Minimum score.")
    assert described["words"]["type"] == "TEXT..." and described["cache"]["type"] == "PATH"
    assert described["cache"]["run_only"] and not described["strict"]["run_only"]


def test_the_manifest_records_options_but_not_run_only_ones(registry, monkeypatch):
    monkeypatch.setattr("eventcoder.run.config.get_registry", lambda: registry)
    config = ExtractConfig(extractors=("tuned",), options={"tuned": {"threshold": "0.7", "cache": "/tmp/x"}})
    recorded = run_header(config, ["news.jsonl"], 10)["config"]["options"]
    assert recorded == {"tuned": {"threshold": 0.7, "words": [], "strict": False}}
    other_cache = ExtractConfig(extractors=("tuned",), options={"tuned": {"threshold": "0.7", "cache": "/tmp/y"}})
    assert run_header(other_cache, ["news.jsonl"], 10) == run_header(config, ["news.jsonl"], 10)


def test_builtin_extractors_declare_their_options_like_outside_ones():
    from eventcoder.plugins import get_registry

    registry = get_registry()
    fields = {name: [f["name"] for f in describe_options(registry.extractor_options[name])] for name in ("rules", "llm", "model")}
    assert fields["rules"] == ["patterns"] and fields["model"] == ["path"]
    assert {"model", "base_url", "config", "examples", "cache", "no_cache", "concurrency"} <= set(fields["llm"])
    assert {"cache", "no_cache", "concurrency"} <= LLMOptions.run_only and "model" not in LLMOptions.run_only


def test_old_flags_are_aliases_of_the_options(tmp_path):
    patterns = Path(__file__).resolve().parent.parent / "src/eventcoder/extractors/rules/patterns"
    by_flag, by_option = tmp_path / "flag", tmp_path / "option"
    text = str(SEEDS / "000_9233deb33e69fbd9.txt")
    assert run_cli("extract", text, "-o", f"{by_flag}/", "--patterns", str(patterns)).returncode == 0
    assert run_cli("extract", text, "-o", f"{by_option}/", "-O", f"rules.patterns={patterns}").returncode == 0
    header = json.loads((by_flag / "manifest.jsonl").read_text().splitlines()[0])
    assert header["config"]["options"] == {"rules": {"patterns": [str(patterns)]}}
    assert header == json.loads((by_option / "manifest.jsonl").read_text().splitlines()[0])
    assert read_jsonl(next(by_flag.glob("part-*"))) == read_jsonl(next(by_option.glob("part-*")))


def test_the_extractors_command_lists_every_extractor_with_its_options():
    result = run_cli("extractors", "--json")
    assert result.returncode == 0, result.stderr
    listed = {item["name"]: item for item in json.loads(result.stdout)}
    assert {"rules", "llm", "model"} <= set(listed)
    concurrency = next(f for f in listed["llm"]["options"] if f["name"] == "concurrency")
    assert concurrency["type"] == "INTEGER" and concurrency["run_only"]
    text = run_cli("extractors")
    assert "-O llm.base_url=TEXT" in text.stdout and "-O model.path=PATH" in text.stdout

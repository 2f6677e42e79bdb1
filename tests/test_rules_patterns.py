"""Pattern files: the documented format, loading errors, --patterns, plugin folders, fast matching."""

from __future__ import annotations

import json
import re
import types
from pathlib import Path

import pytest
from conftest import ROOT, read_jsonl, run_cli
from spacy.matcher import Matcher

from eventcoder import hookimpl
from eventcoder.core.errors import UserError
from eventcoder.extractors import ExtractorContext
from eventcoder.extractors.rules.extractor import RuleExtractor
from eventcoder.extractors.rules.matching import IndexedMatcher
from eventcoder.extractors.rules.options import RulesOptions
from eventcoder.extractors.rules.patterns import BUILTIN_DIR, load_patterns
from eventcoder.plugins import build_registry, make_plugin_manager

DOC_EXAMPLE = re.search(r"```json\n(.*?)```", (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8"), re.S).group(1)
GOOD_ENTRY = {"id": "p", "type": "MEETING", "pattern": [{"LEMMA": "meet"}], "slots": {"subject": "participant"}}


def write_patterns(folder: Path, data, name: str = "patterns.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory) -> Path:
    return write_patterns(tmp_path_factory.mktemp("example"), DOC_EXAMPLE, "example.json")


def test_the_documented_example_loads_and_finds_what_the_doc_says(example_dir, registry, nlp):
    rules = RuleExtractor.from_context(ExtractorContext(registry, nlp, RulesOptions(patterns=[example_dir])))
    assert [p.id for p in rules.patterns.patterns] == ["example-sit-down-with", "example-shake-hands"]
    assert "mull" in rules.patterns.cues.hypothetical_governors
    assert "envoy" in rules.patterns.lexicon["actor_nouns"]
    (event,) = rules.events(nlp("The envoys sat down with Taliban leaders in Doha on Tuesday."))
    assert (event.label, event.trigger.text, event.modality) == ("MEETING", "sat down", "asserted")
    roles = {(a.role, a.text) for a in event.arguments}
    assert roles == {("participant", "The envoys"), ("participant", "Taliban leaders"), ("place", "Doha"), ("time", "Tuesday")}
    (event,) = rules.events(nlp("Putin shook hands with Biden."))
    assert (event.label, event.trigger.text) == ("MEETING", "shook hands")
    # only the given folder is loaded: the built-in "met" pattern is gone
    assert rules.events(nlp("Putin met Biden in Geneva.")) == []


def test_builtin_patterns_load(registry):
    patterns = load_patterns([BUILTIN_DIR], registry)
    assert {p.type for p in patterns.patterns} == {"MEETING", "STATEMENT", "AGREEMENT", "REFUSAL"}
    assert len({p.id for p in patterns.patterns}) == len(patterns.patterns)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"patterns": [', "invalid JSON"),
        ({"patterns": [{**GOOD_ENTRY, "type": "PARADE"}]}, "unknown event type 'PARADE'"),
        ({"patterns": [{**GOOD_ENTRY, "slots": {"subject": "speaker"}}]}, "MEETING has no role 'speaker'"),
        ({"patterns": [{**GOOD_ENTRY, "slots": {"subjekt": "participant"}}]}, "unknown slot 'subjekt'"),
        ({"patterns": [{**GOOD_ENTRY, "exclude": {"object|objekt": ["x"]}}]}, "unknown slot 'objekt'"),
        ({"patterns": [{**GOOD_ENTRY, "require": {"frobnicate": ["x"]}}]}, "unknown slot 'frobnicate'"),
        ({"patterns": [{**GOOD_ENTRY, "colour": "red"}]}, "colour"),
        ({"patterns": [{**GOOD_ENTRY, "anchor": 3}]}, "not a token index"),
        ({"patterns": [{"id": "p", "type": "MEETING"}]}, "exactly one of 'pattern' and 'dep_pattern'"),
        ({"patterns": [GOOD_ENTRY, GOOD_ENTRY]}, "pattern id 'p' also used"),
        ({"patterns": [GOOD_ENTRY], "modality_cues": {"maybe_words": ["x"]}}, "unknown cue list 'maybe_words'"),
        ({"patterns": [GOOD_ENTRY], "lexicon": {"colours": ["red"]}}, "unknown word list 'colours'"),
        ({"patterns": []}, "no patterns found"),
    ],
)
def test_loading_errors_name_the_file(tmp_path, registry, content, message):
    folder = write_patterns(tmp_path / "bad", content, "broken.json")
    with pytest.raises(UserError) as caught:
        load_patterns([folder], registry)
    assert message in str(caught.value)
    assert "broken.json" in str(caught.value) or message == "no patterns found"


def test_invalid_json_names_the_line(tmp_path, registry):
    folder = write_patterns(tmp_path / "bad", '{\n  "patterns": [\n    {"id": "x",,}\n  ]\n}\n', "broken.json")
    with pytest.raises(UserError, match=r"broken\.json:3: invalid JSON"):
        load_patterns([folder], registry)


def test_a_pattern_spacy_rejects_names_the_file(tmp_path, registry, nlp):
    folder = write_patterns(tmp_path / "bad", {"patterns": [{**GOOD_ENTRY, "pattern": [{"LEMMA": {"INN": ["meet"]}}]}]}, "spacy.json")
    with pytest.raises(UserError, match=r"spacy\.json:[1-9]\d*: pattern 'p': invalid spaCy pattern"):
        RuleExtractor.from_context(ExtractorContext(registry, nlp, RulesOptions(patterns=[folder])))


def test_missing_folder(tmp_path, registry):
    with pytest.raises(UserError, match="pattern folder does not exist"):
        load_patterns([tmp_path / "nowhere"], registry)


def test_cli_patterns_replace_the_builtins(tmp_path, example_dir):
    source = tmp_path / "news.txt"
    source.write_text("The envoys sat down with Taliban leaders in Doha. Putin met Biden in Geneva.", encoding="utf-8")
    out = tmp_path / "tasks.jsonl"
    result = run_cli("extract", str(source), "-o", str(out), "--unit", "doc", "--patterns", str(example_dir))
    assert result.returncode == 0, result.stderr
    (task,) = read_jsonl(out)
    assert [(e["label"], e["trigger"]["text"]) for e in task["events"]] == [("MEETING", "sat down")]
    broken = write_patterns(tmp_path / "broken", "{", "bad.json")
    result = run_cli("extract", str(source), "-o", str(out), "--patterns", str(broken))
    assert result.returncode == 2
    assert "bad.json:1: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plugin_pattern_folder_is_loaded_after_the_builtins(tmp_path, nlp):
    folder = write_patterns(tmp_path / "plugin", DOC_EXAMPLE, "example.json")
    plugin = types.SimpleNamespace(register_patterns=hookimpl(lambda register: register(folder)))
    pm = make_plugin_manager()
    pm.register(plugin, name="example-plugin")
    registry = build_registry(pm)
    assert registry.pattern_dirs == [folder]
    rules = RuleExtractor.from_context(ExtractorContext(registry, nlp, RulesOptions()))
    ids = [p.id for p in rules.patterns.patterns]
    assert ids[-2:] == ["example-sit-down-with", "example-shake-hands"] and len(ids) > 2
    labels = [(e.label, e.trigger.text) for e in rules.events(nlp("The envoys sat down with Taliban leaders, and Putin met Biden."))]
    assert ("MEETING", "sat down") in labels and ("MEETING", "met") in labels


def test_indexed_matching_finds_what_spacys_matcher_finds(registry, nlp):
    """The speed-up in rules/matching.py must not change any match of the built-in patterns."""
    patterns = [p for p in load_patterns([BUILTIN_DIR], registry).patterns if p.pattern is not None]
    reference, indexed = Matcher(nlp.vocab), IndexedMatcher(nlp.vocab)
    for entry in patterns:
        reference.add(entry.id, [entry.pattern], greedy="LONGEST")
        indexed.add(entry.id, entry.pattern)
    texts = [line["text"] for line in read_jsonl(ROOT / "seeds" / "gold.jsonl")]
    texts += [
        "The Paris Agreement was signed by the parties, who also reached a deal and expressed deep concern.",
        "Talks between Serbia and Kosovo in Brussels were cancelled; a plenary session and a phone call followed.",
    ]
    for doc in nlp.pipe(texts):
        expected = sorted((m, s, e) for m, s, e in reference(doc))
        assert sorted((m, s, e) for m, s, e, _ in indexed(doc)) == expected

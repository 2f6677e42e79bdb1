"""The spacy-llm task in spaCy pipelines, config files, any spacy-llm model, long docs, schema, ensemble."""

from __future__ import annotations

import json
from typing import Iterable

import jsonschema
import pytest
import spacy
from conftest import ROOT
from spacy_llm.registry import registry as llm_registry
from spacy_llm.util import assemble

import eventcoder.extractors.llm.registry  # noqa: F401  (registers eventcoder's spacy-llm functions)
from eventcoder.core.errors import UserError
from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors import ExtractorContext, build_extractors
from eventcoder.extractors.ensemble import merge_events
from eventcoder.extractors.llm.options import LLMOptions
from eventcoder.extractors.llm.response_schema import published_schemas, response_schema
from eventcoder.extractors.llm.tasks.events.examples import (
    DEFAULT_EXAMPLES,
    EventsExample,
    read_gold_examples,
    render_example,
)
from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY
from eventcoder.extractors.llm.tasks.events.sharding import estimate_tokens
from eventcoder.extractors.llm.testing import FakeLLMServer, keyword_responder

TEXT = "Makei met Lavrov in Moscow on Wednesday. Lavrov said the talks were useful."


@pytest.fixture
def server():
    with FakeLLMServer() as fake:
        yield fake


def labels_of(events) -> list[tuple[str, str]]:
    return [(e["label"], e["trigger"]["text"]) for e in events]


def test_the_task_runs_in_a_plain_spacy_pipeline(server):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("llm", config={
        "task": {"@llm_tasks": "eventcoder.Events.v1", "labels": "MEETING,STATEMENT"},
        "model": {"@llm_models": "eventcoder.OpenAICompatible.v1", "name": "test", "base_url": server.base_url,
                  "response_format": {"@llm_misc": "eventcoder.EventsResponseFormat.v1", "labels": ["MEETING", "STATEMENT"]}},
    })
    doc = nlp(TEXT)
    result = doc.user_data[RESULT_KEY]
    assert labels_of(result["events"]) == [("MEETING", "met"), ("STATEMENT", "said"), ("MEETING", "talks")]
    assert result["events"][0]["arguments"] == [{"role": "participant", "start": 0, "end": 5, "text": "Makei"}]
    assert result["dropped"] == []
    sent_format = server.requests[0]["body"]["response_format"]["json_schema"]["schema"]
    assert len(sent_format["properties"]["events"]["items"]["anyOf"]) == 2
    assert doc.to_bytes()  # what the task stores is serialisable


def test_the_example_config_assembles_and_runs(server):
    nlp = assemble(ROOT / "docs" / "examples" / "llm.cfg", overrides={
        "components.llm.model.base_url": server.base_url, "components.llm.model.name": "test"})
    doc = nlp(TEXT)
    assert labels_of(doc.user_data[RESULT_KEY]["events"]) == [("MEETING", "met"), ("STATEMENT", "said"), ("MEETING", "talks")]
    assert "response_format" in server.requests[0]["body"]
    assert doc.user_data["llm_io"]["llm"]["response"] == [keyword_responder(server.requests[0]["body"])]  # per shard


class CannedModel:
    """A spacy-llm model of the tests' own: keyword answers, counting calls."""

    prompts: list[str] = []
    context_length = 100_000

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        for doc_prompts in prompts:
            doc_prompts = list(doc_prompts)
            CannedModel.prompts.extend(doc_prompts)
            yield [keyword_responder({"messages": [{"content": p}]}) for p in doc_prompts]


@llm_registry.llm_models("test.CannedModel.v1")
def make_canned_model() -> CannedModel:
    return CannedModel()


CANNED_CONFIG = """
[nlp]
lang = "en"
pipeline = ["llm"]

[components]

[components.llm]
factory = "llm"

[components.llm.task]
@llm_tasks = "eventcoder.Events.v1"

[components.llm.model]
@llm_models = "test.CannedModel.v1"
"""


def test_llm_config_runs_any_spacy_llm_model_behind_the_cache(tmp_path, registry, nlp):
    config = tmp_path / "canned.cfg"
    config.write_text(CANNED_CONFIG)
    options = LLMOptions(config=config, cache=tmp_path / "cache.sqlite3")
    docs = list(nlp.pipe([TEXT, "Nothing happened."]))
    CannedModel.prompts = []
    [llm] = build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": options})
    first = list(llm.extract(docs))
    assert labels_of(e.model_dump() for e in first[0]) == [("MEETING", "met"), ("STATEMENT", "said"), ("MEETING", "talks")]
    assert first[1] == [] and len(CannedModel.prompts) == 2
    assert docs[0].user_data["eventcoder.task_meta"]["llm"]["model"] == "test.CannedModel.v1"
    [again] = build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": options})
    assert list(again.extract(docs)) == first and len(CannedModel.prompts) == 2  # all cached
    with pytest.raises(UserError, match="--llm-model only apply to eventcoder.OpenAICompatible.v1"):
        build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": options.model_copy(update={"model": "x"})})


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "bad.cfg:0: no such LLM config"),
        ("[nlp\nlang=", "bad.cfg:1: cannot read --llm-config"),
        (CANNED_CONFIG.replace('"llm"]', '"other"]'), 'no component with factory = "llm"'),
        (CANNED_CONFIG.replace("eventcoder.Events.v1", "spacy.NER.v3"), "task must be @llm_tasks"),
        (CANNED_CONFIG.replace("test.CannedModel.v1", "test.Missing.v1"), "cannot build the LLM pipeline"),
    ],
)
def test_bad_configs_are_one_line_user_errors(content, problem, tmp_path, registry, nlp):
    config = tmp_path / "bad.cfg"
    if content is not None:
        config.write_text(content)
    with pytest.raises(UserError, match=problem) as caught:
        build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": LLMOptions(config=config, no_cache=True)})
    assert "\n" not in str(caught.value)


def test_long_docs_are_split_on_sentences_and_merged_at_doc_offsets(server, registry, nlp, tmp_path):
    text = " ".join(f"Minister {i} met envoy {i} in Geneva and said talks went well." for i in range(40))
    config = tmp_path / "small.cfg"  # a model with a small context, so this doc needs shards
    config.write_text((ROOT / "docs" / "examples" / "llm.cfg").read_text().replace("8192", "3600"))
    options = LLMOptions(config=config, base_url=server.base_url, model="test", no_cache=True)
    [llm] = build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": options})
    doc = nlp(text)
    [events] = list(llm.extract([doc]))
    shards = len(server.requests)
    assert shards > 1
    for record in server.requests:  # each prompt fits with room for the answer
        assert estimate_tokens(record["body"]["messages"][0]["content"]) * 1.1 + 1024 <= 3600
    assert [text[e.trigger.start:e.trigger.end] for e in events] == ["met", "said", "talks"] * 40
    assert sorted({e.trigger.start for e in events}) == [e.trigger.start for e in events]
    for event in events:
        for arg in event.arguments:
            assert text[arg.start:arg.end] == arg.text
    io = doc.user_data["eventcoder.task_meta"]["llm_io"]
    assert io["prompt"].count("----- next shard -----") == shards - 1


def test_schema_file_is_in_sync_and_example_answers_fit_it(registry):
    path = ROOT / "schemas" / "llm_response.schema.json"
    assert json.loads(path.read_text()) == published_schemas()["llm_response.schema.json"], "run: eventcoder schemas --write schemas/"
    schema = response_schema(registry)
    for record in read_gold_examples(DEFAULT_EXAMPLES):
        rendered = render_example(EventsExample(**record), list(registry.types))
        jsonschema.validate(json.loads(rendered["answer"]), schema)


def test_bad_example_files_name_file_and_line(tmp_path):
    bad = tmp_path / "examples.jsonl"
    record = json.loads(DEFAULT_EXAMPLES.read_text().splitlines()[0])
    record["events"][0]["trigger"]["start"] += 1
    bad.write_text("\n" + json.dumps(record) + "\n")
    with pytest.raises(UserError, match=r"examples.jsonl:2: MEETING mention 'met' is not at"):
        read_gold_examples(bad)


def event(label, trigger, args, extractor):
    return ProposedEvent(label=label, trigger={"start": trigger[0], "end": trigger[1], "text": "x"},
                         arguments=[{"role": r, "start": s, "end": e, "text": "x"} for r, s, e in args],
                         extractors=[extractor])


def test_agreement_reflects_trigger_and_argument_agreement():
    rules = [event("MEETING", (6, 9), [("participant", 0, 5), ("place", 20, 26)], "rules"),
             event("STATEMENT", (40, 44), [], "rules")]
    llm = [event("MEETING", (6, 9), [("participant", 0, 5), ("time", 30, 39), ("place", 60, 66)], "llm"),
           event("AGREEMENT", (50, 55), [("party", 45, 49)], "llm")]
    meeting, statement, agreement = merge_events([rules, llm])
    assert meeting.extractors == ["rules", "llm"]
    assert [(a.role, a.start) for a in meeting.arguments] == [("participant", 0), ("place", 20), ("time", 30)]
    assert meeting.agreement == round((1 + 1 + 0.5 + 0.5) / 4, 4)
    assert statement.agreement == 0.5 and agreement.agreement == 0.5
    assert merge_events([[event("MEETING", (6, 9), [("participant", 0, 5)], "a")]] * 2)[0].agreement == 1.0

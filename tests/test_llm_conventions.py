"""spacy-llm conventions: the events task is a labelled task (add_label, nlp.pipe_labels), and a
cache set in the user's --llm-config is honoured, or refused with a clear message."""

from __future__ import annotations

import pytest
from spacy_llm.ty import LabeledTask
from spacy_llm.util import assemble
from test_llm_pipeline import (  # registers test.CannedModel.v1
    CANNED_CONFIG,
    TEXT,
    CannedModel,
)

from eventcoder.core.errors import UserError
from eventcoder.extractors import ExtractorContext, build_extractors
from eventcoder.extractors.llm.options import LLMOptions
from eventcoder.extractors.llm.pipeline import build_component

TWO_TYPES = CANNED_CONFIG.replace('@llm_tasks = "eventcoder.Events.v1"', '@llm_tasks = "eventcoder.Events.v1"\nlabels = "MEETING,STATEMENT"')
#: The canned model behind a response cache the user configured.
CACHED_CONFIG = CANNED_CONFIG.replace('[components.llm.model]\n@llm_models = "test.CannedModel.v1"', '''[components.llm.model]
@llm_models = "eventcoder.CachedModel.v1"
identity = "canned"

[components.llm.model.model]
@llm_models = "test.CannedModel.v1"

[components.llm.model.cache]
@llm_misc = "eventcoder.ResponseCache.v1"
path = "{path}"''')


def write(tmp_path, text: str, name: str = "llm.cfg") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_the_events_task_reports_its_labels_like_spacy_llms_labelled_tasks(tmp_path, registry):
    nlp = assemble(write(tmp_path, TWO_TYPES))
    llm = nlp.get_pipe("llm")
    assert isinstance(llm.task, LabeledTask)
    assert nlp.pipe_labels["llm"] == ["MEETING", "STATEMENT"]
    assert llm.add_label("agreement", "Parties sign or reach a deal.") == 1 and llm.add_label("AGREEMENT") == 0
    assert nlp.pipe_labels["llm"] == ["MEETING", "STATEMENT", "AGREEMENT"]
    prompt = next(iter(llm.task.generate_prompts([nlp.make_doc(TEXT)])))
    assert "Parties sign or reach a deal." in str(prompt)  # the definition reaches the prompt
    with pytest.raises(ValueError, match="'PARADE' is not a registered event type"):
        llm.add_label("PARADE")
    llm.clear()
    assert nlp.pipe_labels["llm"] == []
    llm.task.initialize(lambda: [], nlp)
    assert list(nlp.pipe_labels["llm"]) == list(registry.types)  # back to every registered type


def test_a_cache_set_in_the_config_is_honoured(tmp_path, registry, nlp):
    cache = tmp_path / "mine.sqlite3"
    options = {"llm": LLMOptions(config=write(tmp_path, CACHED_CONFIG.format(path=cache)))}
    docs = list(nlp.pipe([TEXT]))
    CannedModel.prompts = []
    [llm] = build_extractors(["llm"], ExtractorContext(registry, nlp), options)
    first = list(llm.extract(docs))
    assert cache.exists() and len(CannedModel.prompts) == 1
    [again] = build_extractors(["llm"], ExtractorContext(registry, nlp), options)
    assert list(again.extract(docs)) == first and len(CannedModel.prompts) == 1  # answered from the user's cache


@pytest.mark.parametrize("options, message", [
    ({"llm_cache": "other.sqlite3"}, "sets the model's cache and --llm-cache sets another: keep one"),
    ({"llm_no_cache": True}, "sets the model's cache and --no-cache sets another: keep one"),
    ({"llm_cache": "main.sqlite3", "llm_cache_shards": "shards"}, "dask workers cannot share"),
])
def test_a_configured_cache_is_never_replaced_silently(tmp_path, options, message):
    config = write(tmp_path, CACHED_CONFIG.format(path=tmp_path / "mine.sqlite3"))
    with pytest.raises(UserError, match=message) as caught:
        build_component({"llm_config": config, **options})
    assert "\n" not in str(caught.value)


def test_spacy_llms_own_cache_is_refused_with_the_way_out(tmp_path):
    config = write(tmp_path, CANNED_CONFIG + '\n[components.llm.cache]\n@llm_misc = "spacy.BatchCache.v1"\npath = "cache"\n')
    with pytest.raises(UserError, match=r"spacy-llm's cache \(path = cache\) is not supported.*pass --llm-cache"):
        build_component({"llm_config": config})

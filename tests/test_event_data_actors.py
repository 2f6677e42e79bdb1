"""Actor resolution and coding on the seeds, the actor table, and the register_actors hook."""

from __future__ import annotations

import json
import types

import pytest
from conftest import SEEDS

from eventcoder.default_plugins.actors import ACTOR_DATA
from eventcoder.eventdata.actors import build_table
from eventcoder.eventdata.coding import code_actor
from eventcoder.eventdata.resolve import DocumentResolver
from eventcoder.hookspecs import hookimpl
from eventcoder.plugins import build_registry, make_plugin_manager

PRONOUNS = {"he", "she", "we", "him", "her", "us"}
#: who each pronoun of the seed gold stands for, by document and offset
EXPECTED = {
    ("000_9233deb33e69fbd9.txt", 260): "Yuri Ambrazevich",
    ("000_9233deb33e69fbd9.txt", 1049): "Yuri Ambrazevich",
    ("000_9233deb33e69fbd9.txt", 2758): "Yuri Ambrazevich",
    ("002_99050ffb7e7addba.txt", 655): "Vladimir Makei",
    ("002_99050ffb7e7addba.txt", 682): "Vladimir Makei",
    ("002_99050ffb7e7addba.txt", 1079): "Vladimir Makei",
    ("002_99050ffb7e7addba.txt", 2064): "Vladimir Makei",
    ("002_99050ffb7e7addba.txt", 2615): "Sergey Lavrov",
    ("002_99050ffb7e7addba.txt", 3869): "Sergey Lavrov",
    ("002_99050ffb7e7addba.txt", 4308): "Sergey Lavrov",
}
CODES = {"Yuri Ambrazevich": ("BLR", "GOV"), "Vladimir Makei": ("BLR", "GOV"), "Sergey Lavrov": ("RUS", "GOV")}


@pytest.fixture(scope="module")
def table():
    return build_table([ACTOR_DATA])


@pytest.fixture(scope="module")
def gold_docs(nlp, table):
    docs = []
    for line in (SEEDS / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        docs.append((record, DocumentResolver(nlp(record["text"]), table)))
    return docs


def test_each_pronoun_of_the_seed_gold_is_named_and_coded(gold_docs, registry, table):
    seen = set()
    for record, resolver in gold_docs:
        for event in record["events"]:
            for arg in event["arguments"]:
                if registry.kind_of(event["label"], arg["role"]) != "ACTOR" or arg["text"].lower() not in PRONOUNS:
                    continue
                key = (record["doc"], arg["start"])
                found = resolver.resolve(arg["start"], arg["end"])
                assert found.name == EXPECTED[key], (key, arg["text"], found)
                coding = code_actor([arg["text"], *found.coding_texts], table)
                assert (coding.code, coding.sector) == CODES[found.name], (key, coding)
                seen.add(key)
    assert seen == set(EXPECTED)


def test_names_take_their_longest_form_and_titles_resolve(gold_docs):
    (first, r1), (second, r2) = gold_docs
    makei = second["text"].index("Makei said at")
    assert r2.resolve(makei, makei + 5).name == "Vladimir Makei"
    diplomat = first["text"].index("The Belarusian diplomat")
    assert r1.resolve(diplomat, diplomat + len("The Belarusian diplomat")).name == "Yuri Ambrazevich"
    ministry = first["text"].index("the ministry said")
    assert "Ministry of Foreign Affairs" in r1.resolve(ministry, ministry + len("the ministry")).name


@pytest.mark.parametrize("text, expected", [
    ("Minsk", ("BLR", "GOV", "BLRGOV")),
    ("Moscow", ("RUS", "GOV", "RUSGOV")),
    ("Belarus", ("BLR", None, "BLR")),
    ("the Belarusian Ministry of Foreign Affairs", ("BLR", "GOV", "BLRGOV")),
    ("the UN", ("IGO", None, "IGOUNO")),
    ("the representatives of the OHCHR", ("IGO", None, "IGOUNOHRI")),
    ("NATO", ("IGO", None, "IGOWSTNAT")),
    ("Polish police", ("POL", "COP", "POLCOP")),
    ("Russian Federation", ("RUS", None, "RUS")),
])
def test_coding_from_countries_capitals_demonyms_and_organisations(table, text, expected):
    assert tuple(code_actor([text], table)) == expected


@pytest.mark.parametrize("text", ["Zorblax Quennington", "the committee", "un plan", "they"])
def test_unknown_actors_stay_uncoded(table, text):
    assert tuple(code_actor([text], table)) == (None, None, None)


def test_register_actors_hook_adds_actor_data(tmp_path):
    data = tmp_path / "mine.json"
    data.write_text(json.dumps({"people": {"Zorblax Quennington": {"code": "FRA", "sector": "MIL"}},
                                "organisations": [{"names": ["Blue Forum"], "code": "NGO", "cameo": "NGOBLU"}]}))
    pm = make_plugin_manager(errors={})
    pm.register(types.SimpleNamespace(register_actors=hookimpl(lambda register: register(data))), name="mine")
    reg = build_registry(pm)
    assert reg.actor_data[-1] == data and f"actors {data}" in reg.provided["mine"]
    table = build_table(reg.actor_data)
    assert tuple(code_actor(["Zorblax Quennington"], table)) == ("FRA", "MIL", "FRAMIL")
    assert code_actor(["the Blue Forum"], table).cameo == "NGOBLU"
    pm = make_plugin_manager(errors={})
    pm.register(types.SimpleNamespace(register_actors=hookimpl(lambda register: register(tmp_path / "nope.json"))), name="bad")
    assert "neither a folder nor a .json file" in build_registry(pm).errors["bad"]

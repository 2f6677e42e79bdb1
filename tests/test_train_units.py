"""The parts of ``eventcoder.learn``: the gold converter, the suggester, the role classifier."""

from __future__ import annotations

import json

import numpy
import pytest
import spacy
from conftest import ROOT
from spacy.tokens import Span

from eventcoder.learn.convert import (
    ARGUMENTS_KEY,
    EVENTS_KEY,
    gold_to_docbin,
    read_gold,
)

DEV = ROOT / "corpus" / "dev.jsonl"


def test_converter_keeps_every_gold_span_and_role(registry):
    records = read_gold(DEV, registry)
    docs = list(gold_to_docbin(records, registry).get_docs(spacy.blank("en").vocab))
    assert len(docs) == len(records)
    for record, doc in zip(records, docs):
        assert doc.text == record["text"]
        triggers = {(s.start_char, s.end_char, s.label_) for s in doc.spans[EVENTS_KEY]}
        mentions = {(s.start_char, s.end_char, s.label_) for s in doc.spans[ARGUMENTS_KEY]}
        for event in record["events"]:
            assert (event["trigger"]["start"], event["trigger"]["end"], event["label"]) in triggers
            for arg in event["arguments"]:
                kind = registry.kind_of(event["label"], arg["role"])
                assert (arg["start"], arg["end"], kind) in mentions
        # roles and modality as in the gold (msgpack gives tuples for lists)
        assert json.loads(json.dumps(doc.user_data[EVENTS_KEY])) == record["events"]


def test_argument_suggester_offers_parse_phrases(nlp):
    from eventcoder.extractors.model.suggesters import (
        build_argument_suggester,
        suggest_spans,
    )

    doc = nlp("Makei said that Minsk and Moscow would sign an agreement on visas in Geneva on Friday.")
    found = {doc[s:e].text for s, e in suggest_spans(doc, [1], 60)}
    assert {"Minsk and Moscow would sign an agreement on visas in Geneva on Friday",  # content, no "that"
            "Minsk", "Moscow", "an agreement on visas", "visas", "Geneva", "Friday"} <= found
    ragged = build_argument_suggester(sizes=[1, 2], max_length=60)([doc, nlp.make_doc("No parse here")])
    assert ragged.dataXd.shape[1] == 2 and list(ragged.lengths)[1] == 3 + 2  # n-grams only without a parse


@pytest.fixture(scope="module")
def role_model():
    from spacy.ml.models import MaxoutWindowEncoder, MultiHashEmbed, build_Tok2Vec_model

    from eventcoder.extractors.model.role_model import build_role_classifier

    tok2vec = build_Tok2Vec_model(
        MultiHashEmbed(width=16, attrs=["NORM", "SHAPE"], rows=[100, 50], include_static_vectors=False),
        MaxoutWindowEncoder(width=16, window_size=1, maxout_pieces=2, depth=1),
    )
    model = build_role_classifier(tok2vec, hidden_width=8, feature_width=4, feature_rows=64, nO_roles=3, nO_modality=4)
    return model


def _batch(docs, pairs, triggers):
    from eventcoder.extractors.model.role_model import FeatureBag, RoleBatch

    spans = numpy.asarray([(0, 1, 2), (0, 0, 1), (0, 2, 3), (1, 0, 2)], dtype="int32")
    return RoleBatch(
        docs=docs, spans=spans,
        pairs=numpy.asarray(pairs, dtype="int32").reshape(-1, 2),
        pair_features=FeatureBag.of([[1, 2, 3] for _ in pairs]),
        triggers=numpy.asarray(triggers, dtype="int32"),
        trigger_features=FeatureBag.of([[4, 5] for _ in triggers]),
    )


def test_role_classifier_forward_and_backprop_shapes(role_model):
    nlp = spacy.blank("en")
    docs = [nlp("Makei met Lavrov."), nlp("Talks ended.")]
    batch = _batch(docs, pairs=[(0, 1), (0, 2), (3, 0)], triggers=[0, 3])
    role_model.initialize(X=batch)
    for output in ("role_output", "modality_output"):  # thinc's Softmax starts at zero: no gradient to pass on
        layer = role_model.get_ref(output)
        layer.set_param("W", numpy.random.default_rng(0).normal(size=layer.get_param("W").shape).astype("f"))
    (roles, modality), backprop = role_model.begin_update(batch)
    assert roles.shape == (3, 3) and modality.shape == (2, 4)
    assert numpy.allclose(roles.sum(axis=1), 1.0) and numpy.allclose(modality.sum(axis=1), 1.0)
    for node in role_model.walk():
        for name in node.param_names:
            if node.has_grad(name):
                node.set_grad(name, node.ops.alloc(node.get_param(name).shape))
    assert backprop((roles - 0.5, modality - 0.25)) is docs
    embed = role_model.get_ref("pair_embed")
    assert embed.get_grad("E").shape == embed.get_param("E").shape and numpy.abs(embed.get_grad("E")).sum() > 0
    tok2vec_grads = [numpy.abs(node.get_grad(n)).sum() for node in role_model.get_ref("tok2vec").walk()
                     for n in node.param_names if node.has_grad(n)]
    assert tok2vec_grads and max(tok2vec_grads) > 0  # the gradient reaches the token vectors

    (roles, modality), backprop = role_model.begin_update(_batch(docs, pairs=[], triggers=[]))
    assert roles.shape == (0, 3) and modality.shape == (0, 4)
    backprop((roles, modality))


def test_decoding_keeps_the_schema(registry):
    from eventcoder.extractors.model.roles import (
        EventRoles,
        Instances,
        make_event_roles,
    )

    nlp = spacy.blank("en")
    pipe = make_event_roles(nlp, "event_roles", _dummy_model(), "events", "arguments", None, True, None)
    assert isinstance(pipe, EventRoles)
    pipe.cfg["schema"] = {"STATEMENT": {"speaker": {"kind": "ACTOR", "repeats": False},
                                        "addressee": {"kind": "ACTOR", "repeats": True}}}
    for label in ("speaker", "addressee", "participant"):
        pipe.add_label(label)
    doc = nlp("Makei and Lavrov told Guterres and Ban")
    said = Span(doc, 3, 4, label="STATEMENT")
    candidates = [Span(doc, start, end) for start, end in ((0, 1), (2, 3), (4, 5), (6, 7), (4, 7), (0, 3))]
    instances = Instances(triggers=[said], trigger_scores=[0.9], arguments=candidates,
                          pairs=[(0, a) for a in range(len(candidates))])
    columns = pipe.columns  # NONE, speaker, addressee, participant
    roles = numpy.zeros((len(candidates), len(columns)), dtype="f")
    roles[0, columns.index("speaker")] = 0.8  # two speakers: the likelier one stays
    roles[1, columns.index("speaker")] = 0.6
    roles[2, columns.index("addressee")] = 0.7  # addressees repeat ...
    roles[3, columns.index("addressee")] = 0.8
    roles[4, columns.index("addressee")] = 0.95  # ... one by one: not "Guterres and Ban"
    roles[5, columns.index("participant")] = 0.9  # STATEMENT has no participant; NONE beats speaker
    roles[5, 0] = 0.1
    modality = numpy.asarray([[0.1, 0.7, 0.1, 0.1]], dtype="f")
    [event] = pipe._decode(instances, roles, modality)
    assert event["modality"] == "planned" and event["score"] == 0.9
    assert [(a["role"], a["text"]) for a in event["arguments"]] == [
        ("speaker", "Makei"), ("addressee", "Guterres"), ("addressee", "Ban")]


def _dummy_model():
    from thinc.api import Model

    return Model("dummy", lambda model, X, is_train: (X, lambda dY: dY))

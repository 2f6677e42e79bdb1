"""The ``eventcoder_roles`` pipeline component: triggers + argument candidates -> events.

It reads the triggers the trigger classifier found (``doc.spans["events"]``, labelled with
the event type), takes as argument candidates the argument classifier's spans
(``doc.spans["arguments"]``) plus, with a parse, the noun chunks and entities, labels every
(trigger, candidate) pair in one sentence with a role or NONE and every trigger with a
modality (``eventcoder.RoleClassifier.v1``), and writes the events in the gold format, plus
``score`` (the trigger's probability), to ``doc.user_data["events"]``.

Training pairs the gold triggers of each example with its gold mentions and the same parse
candidates, so the classifier learns roles while the span classifiers still learn to find
spans, and learns to turn down the noun phrases that fill no role. Decoding keeps only roles
the event type has (the schema is stored with the model at initialization, from the plugin
registry), one filler for roles that do not repeat, and no two overlapping fillers of a role.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, set_dropout_rate

from eventcoder.core.vocabulary import MODALITIES
from eventcoder.extractors.model.features import pair_features, trigger_features
from eventcoder.extractors.model.role_model import FeatureBag, RoleBatch
from eventcoder.extractors.model.scorer import make_event_scorer  # noqa: F401 - registers the default scorer
from eventcoder.pipeline.docbin import ARGUMENTS_KEY, EVENTS_KEY

NONE = "NONE"
FACTORY = "eventcoder_roles"

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "eventcoder.RoleClassifier.v1"
hidden_width = 128
feature_width = 64
feature_rows = 20000
dropout = 0.1

[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 96
rows = [5000, 1000, 2500, 1000]
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
window_size = 1
maxout_pieces = 3
depth = 4
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


@Language.factory(
    FACTORY,
    assigns=["doc.user_data"],
    requires=["doc.spans"],
    default_config={
        "model": DEFAULT_MODEL,
        "triggers_key": EVENTS_KEY,
        "arguments_key": ARGUMENTS_KEY,
        "threshold": None,
        "parse_candidates": True,
        "scorer": {"@scorers": "eventcoder.event_scorer.v1"},
    },
    default_score_weights={
        "events_trigger_f": 0.4,
        "events_argument_f": 0.4,
        "events_irrealis_f": 0.2,
        "events_modality_acc": 0.0,
    },
)
def make_event_roles(
    nlp: Language, name: str, model: Model, triggers_key: str, arguments_key: str,
    threshold: Optional[float], parse_candidates: bool, scorer: Optional[Callable],
) -> "EventRoles":
    """Roles of argument mentions and modality of triggers, from the spans in ``doc.spans``."""
    return EventRoles(nlp.vocab, model, name, triggers_key=triggers_key, arguments_key=arguments_key,
                      threshold=threshold, parse_candidates=parse_candidates, scorer=scorer)


@dataclass
class Instances:
    """The triggers, mentions and candidate pairs of one doc (with gold labels when training)."""

    triggers: List[Span] = field(default_factory=list)
    trigger_scores: List[float] = field(default_factory=list)
    arguments: List[Span] = field(default_factory=list)
    #: (trigger index, argument index) of each pair.
    pairs: List[tuple] = field(default_factory=list)
    roles: List[str] = field(default_factory=list)
    modalities: List[str] = field(default_factory=list)


def _sentence_ids(doc: Doc) -> numpy.ndarray:
    """Sentence number of each token (all 0 when the doc has no sentence boundaries)."""
    ids = numpy.zeros(len(doc), dtype="int32")
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        for k, sent in enumerate(doc.sents):
            ids[sent.start : sent.end] = k
    return ids


def _add_pairs(instances: Instances, doc: Doc) -> None:
    sentence = _sentence_ids(doc)
    for ti, trigger in enumerate(instances.triggers):
        for ai, argument in enumerate(instances.arguments):
            same_span = (argument.start, argument.end) == (trigger.start, trigger.end)
            if not same_span and sentence[argument.start] == sentence[trigger.start] == sentence[argument.end - 1]:
                instances.pairs.append((ti, ai))


def _parts(span: Span, found: list) -> int:
    """How many other spans of ``found`` lie inside ``span`` without overlapping each other."""
    inside = sorted((other for _, other in found if other is not span and span.start <= other.start
                     and other.end <= span.end), key=lambda other: other.end)
    count, end = 0, -1
    for other in inside:
        if other.start >= end:
            count, end = count + 1, other.end
    return count


class EventRoles(TrainablePipe):
    """Labels (trigger, mention) pairs with roles and triggers with a modality."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "event_roles", *, triggers_key: str = EVENTS_KEY,
                 arguments_key: str = ARGUMENTS_KEY, threshold: Optional[float] = None, parse_candidates: bool = True,
                 scorer: Optional[Callable] = None):
        self.vocab, self.model, self.name, self.scorer = vocab, model, name, scorer
        self.cfg = {"labels": [], "schema": {}, "triggers_key": triggers_key, "arguments_key": arguments_key,
                    "threshold": threshold, "parse_candidates": parse_candidates}

    @property
    def labels(self) -> tuple:
        """The role labels (NONE, the first output column, is not one of them)."""
        return tuple(self.cfg["labels"])

    @property
    def columns(self) -> List[str]:
        return [NONE, *self.labels]

    def add_label(self, label: str) -> int:
        if label in self.labels:
            return 0
        self._allow_extra_label()
        self.cfg["labels"].append(label)
        return 1

    # -- instances -----------------------------------------------------------------------

    def _candidates(self, doc: Doc) -> Dict[tuple, Span]:
        """Argument candidates by (start, end): the argument classifier's spans, and with a
        parse the noun chunks and entities (the classifier misses names it should not)."""
        found = {(span.start, span.end): span for span in doc.spans.get(self.cfg["arguments_key"], [])}
        if self.cfg["parse_candidates"] and doc.has_annotation("DEP"):
            for span in (*doc.noun_chunks, *doc.ents):
                found.setdefault((span.start, span.end), span)
        return found

    def _predicted_instances(self, doc: Doc) -> Instances:
        """Instances from the spans the span classifiers predicted."""
        triggers = doc.spans.get(self.cfg["triggers_key"], [])
        scores = numpy.ravel(triggers.attrs.get("scores", [])) if len(triggers) else []
        found = {}
        for k, span in enumerate(triggers):
            found.setdefault((span.start, span.end), (span, float(scores[k]) if k < len(scores) else 1.0))
        ordered = [found[key] for key in sorted(found)]
        candidates = self._candidates(doc)
        instances = Instances(
            triggers=[span for span, _ in ordered],
            trigger_scores=[score for _, score in ordered],
            arguments=[candidates[key] for key in sorted(candidates)],
        )
        _add_pairs(instances, doc)
        return instances

    def _gold_instances(self, example: Example) -> Instances:
        """Instances from the gold events of ``example``, on its predicted doc's tokens: the
        gold triggers, paired with the gold mentions and the candidates prediction would see."""
        doc = example.predicted
        triggers: dict = {}
        candidates = self._candidates(doc)
        roles: dict = {}
        for event in example.reference.user_data.get(EVENTS_KEY, []):
            trigger = doc.char_span(event["trigger"]["start"], event["trigger"]["end"], label=event["label"], alignment_mode="expand")
            if trigger is None or (trigger.start, trigger.end) in triggers:
                continue
            triggers[trigger.start, trigger.end] = (trigger, event.get("modality", "asserted"))
            for arg in event.get("arguments", []):
                span = doc.char_span(arg["start"], arg["end"], alignment_mode="expand")
                if span is None:
                    continue
                candidates.setdefault((span.start, span.end), span)
                roles.setdefault((trigger.start, trigger.end, span.start, span.end), arg["role"])
        instances = Instances(
            triggers=[triggers[key][0] for key in sorted(triggers)],
            trigger_scores=[1.0] * len(triggers),
            arguments=[candidates[key] for key in sorted(candidates)],
            modalities=[triggers[key][1] for key in sorted(triggers)],
        )
        _add_pairs(instances, doc)
        for ti, ai in instances.pairs:
            trigger, argument = instances.triggers[ti], instances.arguments[ai]
            instances.roles.append(roles.get((trigger.start, trigger.end, argument.start, argument.end), NONE))
        return instances

    def _batch(self, docs: List[Doc], per_doc: List[Instances]) -> RoleBatch:
        spans, pairs, triggers, pair_bags, trigger_bags = [], [], [], [], []
        for d, (doc, instances) in enumerate(zip(docs, per_doc)):
            parsed = doc.has_annotation("DEP")
            first = len(spans)
            spans += [(d, span.start, span.end) for span in instances.triggers]
            triggers += range(first, len(spans))
            first_argument = len(spans)
            spans += [(d, span.start, span.end) for span in instances.arguments]
            pairs += [(first + ti, first_argument + ai) for ti, ai in instances.pairs]
            pair_bags += [pair_features(instances.triggers[ti], instances.arguments[ai], parsed) for ti, ai in instances.pairs]
            trigger_bags += [trigger_features(span, parsed) for span in instances.triggers]
        return RoleBatch(
            docs=docs,
            spans=numpy.asarray(spans, dtype="int32").reshape(-1, 3),
            pairs=numpy.asarray(pairs, dtype="int32").reshape(-1, 2),
            pair_features=FeatureBag.of(pair_bags),
            triggers=numpy.asarray(triggers, dtype="int32"),
            trigger_features=FeatureBag.of(trigger_bags),
        )

    # -- prediction ----------------------------------------------------------------------

    def predict(self, docs: Iterable[Doc]):
        """Instances per doc and the (role, modality) probabilities of their pairs and triggers."""
        docs = list(docs)
        per_doc = [self._predicted_instances(doc) for doc in docs]
        if not any(instances.triggers for instances in per_doc):
            return per_doc, None
        roles, modality = self.model.predict(self._batch(docs, per_doc))
        return per_doc, (self.model.ops.to_numpy(roles), self.model.ops.to_numpy(modality))

    def set_annotations(self, docs: Iterable[Doc], predictions) -> None:
        """Write each doc's events, in the gold format with a score, to ``user_data["events"]``."""
        per_doc, outputs = predictions
        pair_row = trigger_row = 0
        for doc, instances in zip(docs, per_doc):
            events = []
            if outputs is not None:
                roles = outputs[0][pair_row : pair_row + len(instances.pairs)]
                modality = outputs[1][trigger_row : trigger_row + len(instances.triggers)]
                events = self._decode(instances, roles, modality)
            pair_row += len(instances.pairs)
            trigger_row += len(instances.triggers)
            doc.user_data[EVENTS_KEY] = events

    def _decode(self, instances: Instances, roles: numpy.ndarray, modality: numpy.ndarray) -> List[dict]:
        column = {label: k for k, label in enumerate(self.columns)}
        threshold = self.cfg["threshold"]
        fillers: dict = defaultdict(lambda: defaultdict(list))
        for row, (ti, ai) in enumerate(instances.pairs):
            allowed = [column[r] for r in self.cfg["schema"].get(instances.triggers[ti].label_, {}) if r in column]
            if not allowed:
                continue
            best = max(allowed, key=lambda k: roles[row, k])
            # the best role of the type fills when it beats NONE, or reaches the threshold if set
            if roles[row, best] >= (roles[row, 0] if threshold is None else threshold):
                fillers[ti][self.columns[best]].append((float(roles[row, best]), instances.arguments[ai]))
        events = []
        for ti, trigger in enumerate(instances.triggers):
            schema = self.cfg["schema"].get(trigger.label_, {})
            arguments = []
            for role, found in fillers[ti].items():
                repeats = schema[role]["repeats"]
                if repeats:  # coordinated actors fill a repeating role one by one
                    found = [(p, span) for p, span in found if _parts(span, found) < 2]
                kept: List[Span] = []
                # the likeliest first; of two about as likely, the longer (the whole noun phrase)
                for _, span in sorted(found, key=lambda item: (-round(item[0], 2), -len(item[1]))):
                    if kept and not repeats:
                        break
                    if not any(span.start < k.end and k.start < span.end for k in kept):
                        kept.append(span)
                arguments += [{"role": role, "start": s.start_char, "end": s.end_char, "text": s.text} for s in kept]
            events.append({
                "label": trigger.label_,
                "modality": MODALITIES[int(modality[ti].argmax())],
                "trigger": {"start": trigger.start_char, "end": trigger.end_char, "text": trigger.text},
                "arguments": sorted(arguments, key=lambda a: (a["start"], a["end"])),
                "score": round(instances.trigger_scores[ti], 4),
            })
        return events

    # -- training ------------------------------------------------------------------------

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd=None, losses: Optional[dict] = None) -> dict:
        """Learn from the gold triggers, mentions, roles and modality of ``examples``."""
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        validate_examples(examples, "EventRoles.update")
        per_doc = [self._gold_instances(example) for example in examples]
        if not any(instances.triggers for instances in per_doc):
            return losses
        set_dropout_rate(self.model, drop)
        outputs, backprop = self.model.begin_update(self._batch([eg.predicted for eg in examples], per_doc))
        loss, gradients = self._loss(per_doc, outputs)
        backprop(gradients)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples: Iterable[Example], outputs) -> tuple:
        """Cross-entropy of roles and modality against the gold of ``examples``, and its gradient."""
        return self._loss([self._gold_instances(example) for example in examples], outputs)

    def _loss(self, per_doc: List[Instances], outputs) -> tuple:
        ops = self.model.ops
        column = {label: k for k, label in enumerate(self.columns)}
        gold_roles = [column.get(role, 0) for instances in per_doc for role in instances.roles]
        gold_modality = [MODALITIES.index(m) for instances in per_doc for m in instances.modalities]
        loss, gradients = 0.0, []
        for probs, gold in zip(outputs, (gold_roles, gold_modality)):
            truth = ops.alloc2f(*probs.shape)
            if len(gold):
                truth[numpy.arange(len(gold)), numpy.asarray(gold)] = 1.0
                loss += float(-ops.xp.log(ops.xp.clip(probs[truth > 0], 1e-9, 1.0)).sum())
            gradients.append(probs - truth)
        return loss, tuple(gradients)

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
                   labels: Optional[List[str]] = None) -> None:
        """Roles from the data (or ``labels``), the schema from the plugin registry, the model's sizes."""
        from eventcoder.plugins import (
            get_registry,  # the registry loads only when training starts
        )

        validate_examples(get_examples(), "EventRoles.initialize")
        registry_ = get_registry()
        self.cfg["schema"] = {
            etype.name: {role.name: {"kind": role.kind, "repeats": role.repeats} for role in etype.roles}
            for etype in registry_.types.values()
        }
        if labels is None:
            seen = {arg["role"] for eg in get_examples() for event in eg.reference.user_data.get(EVENTS_KEY, [])
                    for arg in event.get("arguments", [])}
            labels = [role for role in registry_.role_labels() if role in seen]
        for label in labels:
            self.add_label(label)
        self.model.get_ref("role_output").set_dim("nO", len(self.columns))
        self.model.get_ref("modality_output").set_dim("nO", len(MODALITIES))
        sample = [eg for _, eg in zip(range(10), get_examples())]
        self.model.initialize(X=self._batch([eg.predicted for eg in sample], [self._gold_instances(eg) for eg in sample]))

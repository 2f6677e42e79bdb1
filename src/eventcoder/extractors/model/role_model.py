"""The role and modality classifier: a thinc model over trigger and argument spans.

Input is a :class:`RoleBatch`: docs, the spans that matter in them (triggers and argument
mentions), the (trigger, argument) pairs to label, and a bag of hashed features per pair and
per trigger (event type, argument kind, direction and distance, the dependency path; see
``features``). Each span is represented by its first, last and mean token vectors from
``tok2vec``; a pair is its two span vectors plus its summed feature embeddings.

Output is two probability tables: roles per pair (column 0 is NONE, no role) and modality
per trigger. Registered as ``eventcoder.RoleClassifier.v1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

import numpy
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Dropout, HashEmbed, LayerNorm, Maxout, Model, Softmax, chain
from thinc.types import Floats2d, Ints1d, Ints2d

SPAN_PARTS = 3  # first, last, mean


@dataclass
class FeatureBag:
    """Hashed feature ids of several instances: ``lengths[i]`` ids per instance, in order."""

    ids: numpy.ndarray  # uint64
    lengths: numpy.ndarray  # int32

    @classmethod
    def of(cls, bags: List[List[int]]) -> "FeatureBag":
        ids = [key for bag in bags for key in bag]
        return cls(numpy.asarray(ids, dtype="uint64"), numpy.asarray([len(bag) for bag in bags], dtype="int32"))


@dataclass
class RoleBatch:
    """What the classifier looks at for a batch of docs."""

    docs: List[Doc]
    #: (doc index, start token, end token) of every span used below.
    spans: Ints2d
    #: (trigger span, argument span) row indices into ``spans``.
    pairs: Ints2d
    pair_features: FeatureBag
    #: row indices into ``spans`` of the triggers, for modality.
    triggers: Ints1d
    trigger_features: FeatureBag


RoleOutput = Tuple[Floats2d, Floats2d]


@registry.architectures("eventcoder.RoleClassifier.v1")
def build_role_classifier(
    tok2vec: Model[List[Doc], List[Floats2d]],
    hidden_width: int = 128,
    feature_width: int = 64,
    feature_rows: int = 20000,
    dropout: float = 0.1,
    nO_roles: Optional[int] = None,
    nO_modality: Optional[int] = None,
) -> Model[RoleBatch, RoleOutput]:
    """Roles of (trigger, argument) pairs and modality of triggers, from pooled token vectors.

    ``nO_roles`` (NONE included) and ``nO_modality`` are set by the pipe from its labels.
    """
    pair_embed = HashEmbed(feature_width, feature_rows, seed=11)
    trigger_embed = HashEmbed(feature_width, feature_rows, seed=13)
    role_output = Softmax(nO=nO_roles, nI=hidden_width)
    modality_output = Softmax(nO=nO_modality, nI=hidden_width)
    role_hidden, modality_hidden = Maxout(hidden_width), Maxout(hidden_width)
    role_head = chain(role_hidden, LayerNorm(hidden_width), Dropout(dropout), role_output)
    modality_head = chain(modality_hidden, LayerNorm(hidden_width), Dropout(dropout), modality_output)
    return Model(
        "role_classifier",
        _forward,
        init=_init,
        layers=[tok2vec, pair_embed, trigger_embed, role_head, modality_head],
        refs={
            "tok2vec": tok2vec,
            "pair_embed": pair_embed,
            "trigger_embed": trigger_embed,
            "role_head": role_head,
            "modality_head": modality_head,
            "role_hidden": role_hidden,
            "modality_hidden": modality_hidden,
            "role_output": role_output,
            "modality_output": modality_output,
        },
        dims={"feature_width": feature_width},
    )


def _span_width(model: Model) -> int:
    return SPAN_PARTS * model.get_ref("tok2vec").get_dim("nO")


def _init(model: Model, X: Optional[RoleBatch] = None, Y: Optional[RoleOutput] = None) -> None:
    model.get_ref("tok2vec").initialize(X=X.docs if X is not None else None)
    span, features = _span_width(model), model.get_dim("feature_width")
    model.get_ref("pair_embed").initialize()
    model.get_ref("trigger_embed").initialize()
    # Heads see concatenations whose widths are known; set them so no sample is needed.
    model.get_ref("role_hidden").set_dim("nI", 2 * span + features)
    model.get_ref("modality_hidden").set_dim("nI", span + features)
    model.get_ref("role_head").initialize()
    model.get_ref("modality_head").initialize()


def _embed_bags(model: Model, bag: FeatureBag, is_train: bool) -> Tuple[Floats2d, Callable]:
    ops = model.ops
    lengths = ops.asarray1i(bag.lengths)
    vectors, backprop_vectors = model(ops.asarray(bag.ids, dtype="uint64"), is_train)
    summed = ops.reduce_sum(vectors, lengths) if len(lengths) else ops.alloc2f(0, model.get_dim("nO"))

    def backprop(d_summed: Floats2d) -> None:
        if len(lengths):
            backprop_vectors(ops.backprop_reduce_sum(d_summed, lengths))

    return summed, backprop


def _head(model: Model, X: Floats2d, is_train: bool) -> Tuple[Floats2d, Callable]:
    if X.shape[0] == 0:  # no instances in this batch: nothing to score, nothing to learn
        return model.ops.alloc2f(0, model.layers[-1].get_dim("nO")), lambda dY: model.ops.alloc2f(*X.shape)
    return model(X, is_train)


def _forward(model: Model, batch: RoleBatch, is_train: bool) -> Tuple[RoleOutput, Callable]:
    ops = model.ops
    tokvecs, backprop_tokvecs = model.get_ref("tok2vec")(batch.docs, is_train)
    lengths = [len(vecs) for vecs in tokvecs]
    width = model.get_ref("tok2vec").get_dim("nO")
    flat = ops.flatten(tokvecs) if tokvecs else ops.alloc2f(0, width)
    doc_starts = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]]).astype("int32") if lengths else numpy.zeros(0, "int32")

    spans = numpy.asarray(batch.spans, dtype="int32").reshape(-1, 3)
    starts = doc_starts[spans[:, 0]] + spans[:, 1]
    ends = doc_starts[spans[:, 0]] + spans[:, 2]
    span_lengths = ops.asarray1i(ends - starts)
    inside = ops.asarray1i(numpy.concatenate([numpy.arange(s, e) for s, e in zip(starts, ends)]) if len(starts) else [])
    firsts, lasts = ops.asarray1i(starts), ops.asarray1i(ends - 1)
    span_vectors = ops.xp.hstack(
        [flat[firsts], flat[lasts], ops.reduce_mean(flat[inside], span_lengths) if len(starts) else ops.alloc2f(0, width)]
    )

    pairs = ops.asarray2i(numpy.asarray(batch.pairs, dtype="int32").reshape(-1, 2))
    triggers = ops.asarray1i(numpy.asarray(batch.triggers, dtype="int32"))
    pair_features, backprop_pair_features = _embed_bags(model.get_ref("pair_embed"), batch.pair_features, is_train)
    trigger_features, backprop_trigger_features = _embed_bags(model.get_ref("trigger_embed"), batch.trigger_features, is_train)
    pair_input = ops.xp.hstack([span_vectors[pairs[:, 0]], span_vectors[pairs[:, 1]], pair_features])
    trigger_input = ops.xp.hstack([span_vectors[triggers], trigger_features])
    roles, backprop_roles = _head(model.get_ref("role_head"), pair_input, is_train)
    modality, backprop_modality = _head(model.get_ref("modality_head"), trigger_input, is_train)

    def backprop(d_output: RoleOutput) -> List[Doc]:
        d_roles, d_modality = d_output
        span_width = span_vectors.shape[1]
        d_spans = ops.alloc2f(*span_vectors.shape)
        d_pair_input = backprop_roles(d_roles)
        ops.scatter_add(d_spans, pairs[:, 0], ops.as_contig(d_pair_input[:, :span_width]))
        ops.scatter_add(d_spans, pairs[:, 1], ops.as_contig(d_pair_input[:, span_width : 2 * span_width]))
        backprop_pair_features(ops.as_contig(d_pair_input[:, 2 * span_width :]))
        d_trigger_input = backprop_modality(d_modality)
        ops.scatter_add(d_spans, triggers, ops.as_contig(d_trigger_input[:, :span_width]))
        backprop_trigger_features(ops.as_contig(d_trigger_input[:, span_width:]))
        d_flat = ops.alloc2f(*flat.shape)
        ops.scatter_add(d_flat, firsts, ops.as_contig(d_spans[:, :width]))
        ops.scatter_add(d_flat, lasts, ops.as_contig(d_spans[:, width : 2 * width]))
        if len(starts):
            d_means = ops.backprop_reduce_mean(ops.as_contig(d_spans[:, 2 * width :]), span_lengths)
            ops.scatter_add(d_flat, inside, d_means)
        backprop_tokvecs(ops.unflatten(d_flat, ops.asarray1i(lengths)) if lengths else [])
        return batch.docs

    return (roles, modality), backprop

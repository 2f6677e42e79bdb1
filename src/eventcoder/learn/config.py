"""The ``config.cfg`` that ``eventcoder train`` writes and spaCy trains from.

The pipeline: the base pipeline's tok2vec, tagger, parser, attribute ruler, lemmatizer and
NER sourced and frozen (they still annotate during training: the argument suggester and the
role features read the parse), then a fresh ``events_tok2vec`` shared by the new
components through listeners:

* ``event_triggers``: ``spancat_singlelabel`` over 1-4-grams, spans key ``events``, labels
  the event types, no overlaps;
* ``event_arguments``: ``spancat`` over ``eventcoder.argument_suggester.v1`` candidates,
  spans key ``arguments``, labels the argument kinds;
* ``event_roles``: ``eventcoder_roles``, roles of (trigger, mention) pairs and modality.

``--from-scratch`` drops the sourced components (and the parse features) for a sentencizer.
The base pipeline's ``lexeme_norm`` table comes too (see ``vocab``), so the sourced
components see the words they were trained on. The partial config below is completed with spaCy's defaults, as ``spacy init fill-config``
does, so the file lists every setting.
"""

from __future__ import annotations

from pathlib import Path

from spacy import util

from eventcoder.core.atomic import atomic_writer

#: Components sourced (frozen, annotating) from the base pipeline, when it has them.
SOURCED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
OWN = ("events_tok2vec", "event_triggers", "event_arguments", "event_roles")
#: Token attributes the fresh tok2vec embeds; the base pipeline's annotations come too.
LEXICAL_ATTRS = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
LEXICAL_ROWS = (5000, 1000, 2500, 1000)
PARSE_ATTRS = ("LEMMA", "TAG", "DEP", "ENT_TYPE")
PARSE_ROWS = (5000, 400, 400, 200)
#: Defaults for the corpus of a few hundred sentences; --max-steps overrides max_steps.
MAX_STEPS = 2000
EVAL_FREQUENCY = 100
PATIENCE = 800

TEMPLATE = """
[paths]
train = null
dev = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "en"
pipeline = {pipeline}
batch_size = 64

[components]
{sourced}

[components.events_tok2vec]
factory = "tok2vec"

[components.events_tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.events_tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${{components.events_tok2vec.model.encode.width}}
attrs = {attrs}
rows = {rows}
include_static_vectors = false

[components.events_tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3

[components.event_triggers]
factory = "spancat_singlelabel"
spans_key = "events"
allow_overlap = false
negative_weight = 1.0

[components.event_triggers.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.event_triggers.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.event_triggers.model.scorer]
@layers = "Softmax.v2"

[components.event_triggers.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.events_tok2vec.model.encode.width}}
upstream = "events_tok2vec"

[components.event_triggers.suggester]
@misc = "spacy.ngram_suggester.v1"
sizes = [1, 2, 3, 4]

[components.event_arguments]
factory = "spancat"
spans_key = "arguments"
threshold = 0.1
max_positive = 1

[components.event_arguments.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.event_arguments.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.event_arguments.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.event_arguments.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.events_tok2vec.model.encode.width}}
upstream = "events_tok2vec"

[components.event_arguments.suggester]
@misc = "eventcoder.argument_suggester.v1"
sizes = [1, 2, 3]
max_length = 60

[components.event_roles]
factory = "eventcoder_roles"

[components.event_roles.model]
@architectures = "eventcoder.RoleClassifier.v1"
hidden_width = 128
feature_width = 64
feature_rows = 20000
dropout = 0.1

[components.event_roles.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.events_tok2vec.model.encode.width}}
upstream = "events_tok2vec"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}

[training]
seed = ${{system.seed}}
max_steps = {max_steps}
eval_frequency = {eval_frequency}
patience = {patience}
dropout = 0.1
frozen_components = {frozen}
annotating_components = {frozen}

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.logger]
@loggers = "spacy.ConsoleLogger.v3"
progress_bar = "eval"

{initialize}
[training.score_weights]
events_trigger_f = 0.4
events_argument_f = 0.4
events_irrealis_f = 0.2
events_modality_acc = 0.0
spans_events_f = 0.0
spans_arguments_f = 0.0
"""

HEADER = """\
# eventcoder event extractor, generated by `eventcoder train` (docs/training.md).
# Edit and re-run with spaCy itself:
#   spacy train {config} --output {output} --paths.train {train} --paths.dev {dev} --code {code}
"""


def _list(values) -> str:
    return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values) + "]"


def partial_config(base: str | None, sourced_names=SOURCED, *, seed: int = 0, max_steps: int = MAX_STEPS,
                   eval_frequency: int = EVAL_FREQUENCY, patience: int = PATIENCE) -> str:
    """The config before auto-fill: ``sourced_names`` sourced from pipeline ``base``, or from
    scratch if ``base`` is None."""
    initialize = ""
    if base is None:
        sourced, frozen = '[components.sentencizer]\nfactory = "sentencizer"', []
        attrs, rows = LEXICAL_ATTRS, LEXICAL_ROWS
        pipeline = ["sentencizer", *OWN]
    else:
        sourced = "\n\n".join(f'[components.{name}]\nsource = "{base}"' for name in sourced_names)
        frozen = list(sourced_names)
        attrs, rows = LEXICAL_ATTRS + PARSE_ATTRS, LEXICAL_ROWS + PARSE_ROWS
        pipeline = [*sourced_names, *OWN]
        initialize = f'[initialize]\n\n[initialize.lookups]\n@misc = "eventcoder.base_lookups.v1"\npipeline = "{base}"\n'
    return TEMPLATE.format(
        seed=seed, pipeline=_list(pipeline), sourced=sourced, attrs=_list(attrs), rows=_list(rows),
        max_steps=max_steps, eval_frequency=eval_frequency, patience=patience, frozen=_list(frozen),
        initialize=initialize,
    )


def write_config(path: Path, base: str | None, sourced_names, header: dict, **settings) -> Path:
    """Write the filled config to ``path``; ``header`` fills the re-run command shown on top."""
    from eventcoder.extractors.model import register  # noqa: F401 - our components must be known to fill the config

    config = util.load_config_from_str(partial_config(base, sourced_names, **settings))
    nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
    filled = nlp.config
    # Sourced components come back with their whole config; keep them as "source" lines.
    filled["components"].update(util.get_sourced_components(config))
    # Auto-fill adds the frozen components' scores; they never change, so leave them out.
    ours = config["training"]["score_weights"]
    filled["training"]["score_weights"] = {key: ours.get(key) for key in filled["training"]["score_weights"]}
    with atomic_writer(path) as handle:
        handle.write(HEADER.format(**header) + filled.to_str())
    return path

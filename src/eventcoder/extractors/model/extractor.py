"""The ``model`` extractor: events from a pipeline trained with ``eventcoder train``.

The trained pipeline loads once per process. Its first components (tok2vec, tagger, parser,
...) are usually the very ones of the shared pipeline that already parsed the docs: then
only its own components run, on a copy of each parsed doc, and nothing is parsed twice.
Otherwise (another ``--spacy-model``, a ``--from-scratch`` model) it runs whole on the text.
Offsets are characters into the text either way.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Iterable, Iterator

from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from eventcoder.core.errors import UserError
from eventcoder.core.formats import Argument, Mention, ProposedEvent
from eventcoder.extractors import ExtractorContext
from eventcoder.pipeline.docbin import EVENTS_KEY

NAME = "model"


def resolve_model_path(path: str | Path) -> Path:
    """The pipeline folder: ``PATH/model-best`` for an ``eventcoder train`` output, else PATH."""
    path = Path(path)
    for candidate in (path / "model-best", path):
        if (candidate / "meta.json").is_file() and (candidate / "config.cfg").is_file():
            return candidate
    raise UserError(f"no trained pipeline at {path} (expected the output folder of eventcoder train, or a spaCy pipeline folder)")


@functools.cache
def load_trained(path: str) -> Language:
    """The trained pipeline at ``path`` (see :func:`resolve_model_path`), once per process."""
    import spacy

    from eventcoder.extractors.model import register  # noqa: F401 - our components must be registered to load

    folder = resolve_model_path(path)
    try:
        return spacy.load(folder)
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"cannot load trained pipeline {folder}: {exc}") from None


def _fingerprint(component) -> str:
    return hashlib.sha1(component.to_bytes(exclude=["vocab"])).hexdigest()


def shared_prefix(trained: Language, shared: Language) -> list[str]:
    """The leading components of ``trained`` that ``shared`` also runs, with the same weights."""
    running = dict(shared.pipeline)
    prefix = []
    for name, component in trained.pipeline:
        other = running.get(name)
        if other is None or not hasattr(component, "to_bytes") or _fingerprint(component) != _fingerprint(other):
            break
        prefix.append(name)
    return prefix


#: What the shared components set, copied onto the trained pipeline's doc (heads give sentences).
PARSE_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]


def copy_parsed(doc: Doc, vocab) -> Doc:
    """``doc`` in ``vocab`` with its tags, lemmas, parse, entities and tensor (listeners read
    it). Arrays are copied, not bytes: serializing each doc took longer than the components."""
    strings = vocab.strings
    for token in doc:
        for value in (token.tag_, token.lemma_, token.dep_, token.ent_type_, str(token.morph)):
            strings.add(value)
    copy = Doc(vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    copy.from_array(PARSE_ATTRS, doc.to_array(PARSE_ATTRS))
    copy.tensor = doc.tensor
    return copy


class ModelExtractor:
    """Runs the trained pipeline and turns ``doc.user_data["events"]`` into ProposedEvents."""

    name = NAME

    def __init__(self, trained: Language, shared: Language | None = None, batch_size: int = 64):
        self.trained, self.batch_size = trained, batch_size
        reused = shared_prefix(trained, shared) if shared is not None else []
        # What follows the shared components runs on a copy of the shared doc, tensor included
        # (listeners read it), and overwrites whatever the shared pipeline did differently.
        self.own = trained.pipeline[len(reused):]
        self.reuse = bool(reused)

    @classmethod
    def from_context(cls, context: ExtractorContext) -> "ModelExtractor":
        path = context.options.path
        if not path:
            raise UserError("the model extractor needs -O model.path=DIR (or --model-path DIR): the output folder of eventcoder train")
        return cls(load_trained(str(path)), context.nlp)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        if not self.reuse:
            return list(self.trained.pipe((doc.text for doc in docs), batch_size=self.batch_size))
        copies = [copy_parsed(doc, self.trained.vocab) for doc in docs]
        for _, component in self.own:
            copies = list(component.pipe(copies, batch_size=self.batch_size)) if hasattr(component, "pipe") else [component(d) for d in copies]
        return copies

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]:
        docs = list(docs)
        for annotated in self._annotate(docs):
            yield [_proposed(event) for event in annotated.user_data.get(EVENTS_KEY, [])]


def _proposed(event: dict) -> ProposedEvent:
    return ProposedEvent(
        label=event["label"],
        trigger=Mention(**event["trigger"]),
        arguments=[Argument(**arg) for arg in event["arguments"]],
        modality=event["modality"],
        score=min(1.0, max(0.0, event["score"])),
        extractors=[NAME],
    )

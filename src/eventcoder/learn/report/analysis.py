"""What the report shows beyond ``evaluate``'s scores: confusions and each document's errors.

* **Type confusion**: gold triggers and predicted triggers paired one to one by overlap
  (largest first) whatever their type and modality; a gold trigger left alone counts in
  its type's ``none`` column (missed), a predicted one in the ``none`` row (spurious).
* **Modality confusion**: gold modality against predicted modality of triggers paired
  with the same type, whatever their modality.
* **Errors** per document, as ``evaluate`` counts them: triggers paired by type within real
  and within irrealis events (unpaired ones are misses and false positives), and the
  arguments of paired real events by role.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from eventcoder.core.scoring import match, same_role, same_type, triggers
from eventcoder.core.vocabulary import MODALITIES, REAL_MODALITIES
from eventcoder.learn.evaluate import Aligned

NONE = "none"
HIT, MISS, FALSE_POSITIVE = "hit", "miss", "false positive"


@dataclass(frozen=True)
class Mark:
    """A trigger to highlight: a gold one found (hit) or missed, or a false positive."""

    start: int
    end: int
    label: str
    kind: str
    modality: str
    #: For a hit whose modality is wrong: the predicted one.
    predicted_modality: str | None = None


@dataclass
class DocumentErrors:
    key: str
    text: str | None
    marks: list[Mark] = field(default_factory=list)
    #: Argument errors of paired events: (kind, trigger text, role, argument text).
    arguments: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(m.kind != HIT for m in self.marks) + len(self.arguments)


@dataclass
class Analysis:
    types: list[str]
    type_confusion: Counter = field(default_factory=Counter)
    modality_confusion: Counter = field(default_factory=Counter)
    documents: list[DocumentErrors] = field(default_factory=list)

    def worst(self, n: int) -> list[DocumentErrors]:
        """The ``n`` documents with the most errors (ties in file order), errorless ones never."""
        ranked = sorted((d for d in self.documents if d.errors), key=lambda d: -d.errors)
        return ranked[:n]


def _modality(event: dict) -> str:
    return event.get("modality", "asserted")


def _confusions(doc: Aligned, analysis: Analysis) -> None:
    pairs = match(triggers(doc.pred), triggers(doc.gold))
    for i, j in pairs:
        analysis.type_confusion[doc.gold[j]["label"], doc.pred[i]["label"]] += 1
    paired_p, paired_g = {i for i, _ in pairs}, {j for _, j in pairs}
    analysis.type_confusion.update((g["label"], NONE) for j, g in enumerate(doc.gold) if j not in paired_g)
    analysis.type_confusion.update((NONE, p["label"]) for i, p in enumerate(doc.pred) if i not in paired_p)
    for i, j in match(triggers(doc.pred), triggers(doc.gold), same_type):
        analysis.modality_confusion[_modality(doc.gold[j]), _modality(doc.pred[i])] += 1


def _text(doc: Aligned, item: dict) -> str:
    if doc.text is not None:
        return doc.text[item["start"] : item["end"]]
    return item.get("text", "")


def document_errors(doc: Aligned) -> DocumentErrors:
    """Hits, misses and false positives of one document's triggers, and its argument errors."""
    found = DocumentErrors(doc.key, doc.text)
    for real in (True, False):
        gold = [e for e in doc.gold if (_modality(e) in REAL_MODALITIES) == real]
        pred = [e for e in doc.pred if (_modality(e) in REAL_MODALITIES) == real]
        pairs = match(triggers(pred), triggers(gold), same_type)
        paired_p, paired_g = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, j in pairs:
            g, p = gold[j], pred[i]
            wrong = _modality(p) if _modality(p) != _modality(g) else None
            found.marks.append(Mark(g["trigger"]["start"], g["trigger"]["end"], g["label"], HIT, _modality(g), wrong))
            if not real:
                continue
            p_args, g_args = p.get("arguments", []), g.get("arguments", [])
            arg_pairs = match(p_args, g_args, same_role)
            right_p, right_g = {k for k, _ in arg_pairs}, {k for _, k in arg_pairs}
            trigger = _text(doc, g["trigger"])
            found.arguments += [(MISS, trigger, a["role"], _text(doc, a)) for k, a in enumerate(g_args) if k not in right_g]
            found.arguments += [(FALSE_POSITIVE, trigger, a["role"], _text(doc, a))
                                for k, a in enumerate(p_args) if k not in right_p]
        found.marks += [Mark(e["trigger"]["start"], e["trigger"]["end"], e["label"], MISS, _modality(e))
                        for j, e in enumerate(gold) if j not in paired_g]
        found.marks += [Mark(e["trigger"]["start"], e["trigger"]["end"], e["label"], FALSE_POSITIVE, _modality(e))
                        for i, e in enumerate(pred) if i not in paired_p]
    found.marks.sort(key=lambda m: (m.start, m.end, m.kind))
    return found


def analyse(documents: Iterable[Aligned], types: Iterable[str]) -> Analysis:
    """Confusions and errors over ``documents`` (see the module docstring)."""
    analysis = Analysis(list(types))
    for doc in documents:
        _confusions(doc, analysis)
        analysis.documents.append(document_errors(doc))
    seen = {label for pair in analysis.type_confusion for label in pair} - {NONE}
    analysis.types += sorted(seen - set(analysis.types))
    return analysis


def modality_labels(confusion: Counter) -> list[str]:
    """The modalities in their usual order, then any other seen."""
    seen = {m for pair in confusion for m in pair}
    return [*MODALITIES, *sorted(seen - set(MODALITIES))]

"""Matching events and counting P/R/F1: the measure shared by evaluate, agreement and training.

* A trigger matches a trigger of the same type whose span overlaps (one-to-one, largest
  overlap first). Arguments match by role and overlap within matched events; arguments of
  unmatched events count as errors.
* Real events (asserted, planned) are scored apart from irrealis ones (negated,
  hypothetical): a prediction that marks an irrealis gold event asserted or planned is a false
  positive, and ``irrealis_claimed_as_real`` counts them.
* ``per_role`` splits the argument counts of each type by role; they add up to the type's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from eventcoder.core.vocabulary import REAL_MODALITIES, Registry


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Scores:
    triggers: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    arguments: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    #: Argument counts per (type, role).
    roles: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    irrealis: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    irrealis_claimed_as_real: int = 0
    modality_right: int = 0
    modality_total: int = 0
    documents: int = 0


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match(preds: list[dict], golds: list[dict], same=lambda p, g: True) -> list[tuple[int, int]]:
    """One-to-one matches of overlapping items, largest overlap first."""
    candidates = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            size = _overlap(p, g)
            if size and same(p, g):
                candidates.append((-size, i, j))
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_p and j not in used_g:
            used_p.add(i), used_g.add(j), pairs.append((i, j))
    return pairs


def _is_real(event: dict) -> bool:
    return event.get("modality", "asserted") in REAL_MODALITIES


def triggers(events: list[dict]) -> list[dict]:
    """The events' triggers, labelled with their type (what :func:`match` pairs)."""
    return [{**e["trigger"], "label": e["label"]} for e in events]


def same_type(p: dict, g: dict) -> bool:
    return p["label"] == g["label"]


def same_role(p: dict, g: dict) -> bool:
    return p["role"] == g["role"]


def _count_arguments(scores: Scores, label: str, args: Iterable[dict], kind: str) -> None:
    """Add each argument to ``kind`` (tp, fp or fn) of ``label`` and of ``label``'s role."""
    for arg in args:
        for counts in (scores.arguments[label], scores.roles[label, arg["role"]]):
            setattr(counts, kind, getattr(counts, kind) + 1)


def score_document(golds: list[dict], preds: list[dict], scores: Scores) -> None:
    for real in (True, False):
        gold = [e for e in golds if _is_real(e) == real]
        pred = [e for e in preds if _is_real(e) == real]
        pairs = match(triggers(pred), triggers(gold), same_type)
        table = scores.triggers if real else scores.irrealis
        for i, j in pairs:
            table[gold[j]["label"]].tp += 1
        matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, event in enumerate(pred):
            if i not in matched_p:
                table[event["label"]].fp += 1
        for j, event in enumerate(gold):
            if j not in matched_g:
                table[event["label"]].fn += 1
        if not real:
            continue
        for i, j in pairs:
            scores.modality_total += 1
            scores.modality_right += pred[i].get("modality", "asserted") == gold[j].get("modality", "asserted")
            p_args, g_args = pred[i].get("arguments", []), gold[j].get("arguments", [])
            arg_pairs = match(p_args, g_args, same_role)
            label, right_p, right_g = gold[j]["label"], {a for a, _ in arg_pairs}, {b for _, b in arg_pairs}
            _count_arguments(scores, label, (g_args[b] for b in right_g), "tp")
            _count_arguments(scores, label, (a for k, a in enumerate(p_args) if k not in right_p), "fp")
            _count_arguments(scores, label, (a for k, a in enumerate(g_args) if k not in right_g), "fn")
        for i, event in enumerate(pred):
            if i not in matched_p:
                _count_arguments(scores, event["label"], event.get("arguments", []), "fp")
        for j, event in enumerate(gold):
            if j not in matched_g:
                _count_arguments(scores, event["label"], event.get("arguments", []), "fn")
        # real predictions sitting on irrealis gold events: the error users must never see
        unreal = triggers([e for e in golds if not _is_real(e)])
        unmatched = [t for i, t in enumerate(triggers(pred)) if i not in matched_p]
        scores.irrealis_claimed_as_real += len(match(unmatched, unreal, same_type))


def _total(table: dict[str, Counts], labels: Iterable[str]) -> Counts:
    total = Counts()
    for label in labels:
        total.add(table.get(label, Counts()))
    return total


def _or_na(scores: dict) -> dict:
    """``scores`` with P/R/F1 None (n/a) when nothing was there to score: no gold, no prediction."""
    if scores["tp"] + scores["fp"] + scores["fn"] == 0:
        return {**scores, "precision": None, "recall": None, "f1": None}
    return scores


def report(scores: Scores, registry: Registry) -> dict:
    """P/R/F1 with counts, overall, per type and per role; n/a (None) where there was nothing to score."""
    labels = [t for t in registry.types if t in scores.triggers or t in scores.irrealis] or list(registry.types)
    extra = sorted(set(scores.triggers) - set(registry.types))
    labels += extra
    per_type = {
        label: {
            "triggers": _or_na(scores.triggers.get(label, Counts()).as_dict()),
            "arguments": _or_na(scores.arguments.get(label, Counts()).as_dict()),
            "irrealis": _or_na(scores.irrealis.get(label, Counts()).as_dict()),
        }
        for label in labels
    }
    per_role = {}
    for label in labels:
        etype = registry.types.get(label)
        known = [r.name for r in etype.roles] if etype else []
        roles = [r for r in known if (label, r) in scores.roles]
        roles += sorted(r for lab, r in scores.roles if lab == label and r not in known)
        if roles:
            per_role[label] = {role: scores.roles[label, role].as_dict() for role in roles}
    present = [lab for lab in labels if sum(vars(scores.triggers.get(lab, Counts())).values())]
    macro = sum(per_type[lab]["triggers"]["f1"] for lab in present) / len(present) if present else 0.0
    return {
        "documents": scores.documents,
        "triggers": _or_na(_total(scores.triggers, labels).as_dict()),
        "triggers_macro_f1": round(macro, 4),
        "arguments": _or_na(_total(scores.arguments, labels).as_dict()),
        "irrealis": _or_na(_total(scores.irrealis, labels).as_dict()),
        "irrealis_claimed_as_real": scores.irrealis_claimed_as_real,
        "modality_accuracy": round(scores.modality_right / scores.modality_total, 4) if scores.modality_total else None,
        "per_type": per_type,
        "per_role": per_role,
    }

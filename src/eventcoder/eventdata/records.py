"""Event records: each event of a document with its actors named and coded, its date, and
its PLOVER and CAMEO codes, ready for a format writer (plover, cameo, csv).

Source and target follow the roles: STATEMENT speaker -> addressees; MEETING and AGREEMENT
first participant/party (in text order) -> the others; REFUSAL refuser -> the owner of what is
refused (an actor named inside it: "Austria's initiative" -> Austria). A type from a plugin:
its first actor role with mentions is the source, the other actor roles the target.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language

from eventcoder.core.vocabulary import REAL_MODALITIES, Registry
from eventcoder.eventdata import mappings
from eventcoder.eventdata.actors import (
    CAPITAL,
    COUNTRY,
    DEMONYM,
    ORGANISATION,
    ActorTable,
)
from eventcoder.eventdata.coding import code_actor
from eventcoder.eventdata.dates import document_date, event_date
from eventcoder.eventdata.documents import Document, Piece
from eventcoder.eventdata.resolve import DocumentResolver

SOURCE_ROLES = {"STATEMENT": ("speaker",), "REFUSAL": ("refuser",)}
TARGET_ROLES = {"STATEMENT": ("addressee",)}
#: Types whose one repeating role splits into first (source) and the rest (target).
SPLIT_ROLES = {"MEETING": "participant", "AGREEMENT": "party"}


@dataclass
class Context:
    registry: Registry
    nlp: Language
    table: ActorTable


def _actor(resolver: DocumentResolver, table: ActorTable, argument: dict, piece: Piece) -> dict:
    start, end = argument["start"], argument["end"]
    found = resolver.resolve(start, end)
    coding = code_actor([argument["text"], *found.coding_texts], table)
    actor = {
        "actorText": argument["text"],
        "name": found.name,
        "code": coding.code,
        "sector": coding.sector,
        "cameo": coding.cameo,
        "start": start - piece.offset,
        "end": end - piece.offset,
        "role": argument["role"],
        "resolution": found.via,
    }
    corrected = {k: argument[k] for k in ("name", "code", "sector") if argument.get(k) not in (None, "")}
    if corrected:  # a reviewer's correction wins; the CAMEO code follows it
        actor.update(corrected, resolution="corrected by a reviewer")
        if "code" in corrected or "sector" in corrected:
            actor["cameo"] = (actor["code"] or "") + (actor["sector"] or "") or None
    return actor


def _owner(resolver: DocumentResolver, table: ActorTable, argument: dict, piece: Piece) -> list[dict]:
    """The actor named inside a refused thing, if any (a country, organisation or person)."""
    for hit in table.find(argument["text"]):
        if hit.entry.what in (COUNTRY, DEMONYM, CAPITAL, ORGANISATION):
            start = argument["start"] + hit.start
            end = argument["start"] + hit.end
            inner = {"role": "owner", "start": start, "end": end, "text": argument["text"][hit.start : hit.end]}
            return [_actor(resolver, table, inner, piece)]
    for person in resolver.people:
        if argument["start"] <= person.start and person.end <= argument["end"]:
            inner = {"role": "owner", "start": person.start, "end": person.end, "text": person.text}
            return [_actor(resolver, table, inner, piece)]
    return []


def _sides(event: dict, actors: list[dict], registry: Registry) -> tuple[list[dict], list[dict]]:
    label = event["label"]
    if label in SPLIT_ROLES:
        side = [a for a in actors if a["role"] == SPLIT_ROLES[label]]
        return side[:1], side[1:]
    if label in SOURCE_ROLES:
        return ([a for a in actors if a["role"] in SOURCE_ROLES[label]],
                [a for a in actors if a["role"] in TARGET_ROLES.get(label, ())])
    roles = [r.name for r in registry.types[label].roles if r.kind == "ACTOR"] if label in registry.types else []
    present = [r for r in roles if any(a["role"] == r for a in actors)]
    if not present:
        return [], []
    return [a for a in actors if a["role"] == present[0]], [a for a in actors if a["role"] in present[1:]]


def _event_id(doc_key: str, event: dict) -> str:
    raw = f"{doc_key}|{event['label']}|{event['trigger']['start']}|{event['trigger']['end']}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _lemmas(span) -> tuple[str, ...]:
    return tuple(t.lemma_.lower() for t in span) if span is not None else ()


def document_records(document: Document, context: Context, parsed=None) -> Iterator[dict]:
    """One record per event of ``document``, in document order."""
    text = document.text
    doc = parsed if parsed is not None else context.nlp(text)
    resolver = DocumentResolver(doc, context.table)
    base = document_date(document.pieces[0].record, text)
    for piece in document.pieces:
        for event in piece.events:
            yield _record(document, piece, _at_document(event, piece.offset), doc, resolver, base, context)


def _at_document(event: dict, offset: int) -> dict:
    def shift(m: dict) -> dict:
        return {**m, "start": m["start"] + offset, "end": m["end"] + offset}

    return {**event, "trigger": shift(event["trigger"]), "arguments": [shift(a) for a in event.get("arguments", [])]}


def _record(document: Document, piece: Piece, event: dict, doc, resolver, base, context: Context) -> dict:
    registry, table = context.registry, context.table
    label, modality = event["label"], event.get("modality", "asserted")
    trigger = doc.char_span(event["trigger"]["start"], event["trigger"]["end"], alignment_mode="expand")
    sentence = trigger.sent if trigger is not None else None
    lemmas = _lemmas(trigger)
    actors, places, times, refused = [], [], [], ()
    for argument in sorted(event.get("arguments", []), key=lambda a: (a["start"], a["end"])):
        kind = registry.kind_of(label, argument["role"])
        if kind == "ACTOR":
            actors.append(_actor(resolver, table, argument, piece))
        elif kind == "PLACE":
            places.append(argument)
        elif kind == "TIME":
            times.append(argument["text"])
    source, target = _sides(event, actors, registry)
    if label == "REFUSAL":
        refused_args = [a for a in event.get("arguments", []) if a["role"] == "refused"]
        if refused_args:
            span = doc.char_span(refused_args[0]["start"], refused_args[0]["end"], alignment_mode="expand")
            refused = _lemmas(span)
            if not target and registry.kind_of(label, "refused") != "ACTOR":
                target = _owner(resolver, table, refused_args[0], piece)
    in_sentence = [e.text for e in sentence.ents if e.label_ == "DATE"] if sentence is not None else []
    date = event_date([*times, *in_sentence], base, planned=modality == "planned")
    plover = mappings.plover_event(label, lemmas)
    cameo = mappings.cameo_code(label, lemmas, refused)
    place = places[0] if places else None
    place_code = None
    if place is not None:
        hits = [h for h in table.find(place["text"]) if h.entry.what in (COUNTRY, CAPITAL)]
        place_code = hits[0].entry.code if hits else None
    return {
        "id": _event_id(document.key, event),
        "date": date.date,
        "date_source": date.source,
        "date_text": date.text,
        "label": label,
        "modality": modality,
        "real": modality in REAL_MODALITIES,
        "plover": plover,
        "plover_mode": mappings.plover_mode(plover, lemmas),
        "cameo": cameo,
        "source": source,
        "target": target,
        "trigger": {"start": event["trigger"]["start"] - piece.offset, "end": event["trigger"]["end"] - piece.offset,
                    "text": event["trigger"]["text"]},
        "place": None if place is None else {"placeText": place["text"], "code": place_code,
                                             "start": place["start"] - piece.offset, "end": place["end"] - piece.offset},
        "text": piece.record["text"],
        "sentence": sentence.text.strip() if sentence is not None else None,
        "doc": document.key,
        "extractor": ",".join(event.get("extractors") or []) or None,
        "score": event.get("score"),
    }


def annotated_tasks(document: Document, context: Context, parsed=None) -> Iterator[dict]:
    """The document's tasks, each ACTOR span carrying ``name``, ``code`` and ``sector`` (for a
    reviewer to see and correct; a value already on the span, a correction, is kept)."""
    doc = parsed if parsed is not None else context.nlp(document.text)
    resolver = DocumentResolver(doc, context.table)
    for piece in document.pieces:
        task = piece.record
        for span in task.get("spans", []):
            if span.get("label") != "ACTOR":
                continue
            start, end = span["start"] + piece.offset, span["end"] + piece.offset
            found = resolver.resolve(start, end)
            words = task["text"][span["start"] : span["end"]]
            coding = code_actor([words, *found.coding_texts], context.table)
            for key, value in (("name", found.name), ("code", coding.code), ("sector", coding.sector)):
                if span.get(key) in (None, ""):
                    span[key] = value
        yield task


def coded_record(record: dict, event_keys: dict, actor, extra: dict) -> dict:
    """The shape the PLOVER and CAMEO records share: ``event_keys`` (id, date, the code), the
    actors of each side through ``actor``, the sentence, text and place, and an ``eventcoder``
    block with what the coding leaves out (``extra`` added to it)."""
    return {
        **event_keys,
        "source": [actor(a) for a in record["source"]],
        "target": [actor(a) for a in record["target"]],
        "eventText": record["sentence"],
        "text": record["text"],
        "location": record["place"],
        "eventcoder": {
            "label": record["label"], "modality": record["modality"], "trigger": record["trigger"],
            "doc": record["doc"], "extractor": record["extractor"], "score": record["score"],
            "date_source": record["date_source"], **extra,
        },
    }

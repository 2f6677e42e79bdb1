"""Span extents of arguments (docs/guidelines.md, "Span extents"): actor noun phrases, topic
phrases, reported clauses, place and date entities. Every span stays inside the trigger's
sentence (``bounds``) and never runs over the trigger.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from eventcoder.extractors.rules.syntax import (
    SAYING_PARTICIPLES,
    VERBAL,
    children,
    conjuncts,
    coordinated_with,
    prep_objects,
    resolve_relative,
)

QUANTIFIERS = frozenset({"none", "all", "some", "each", "many", "most", "one", "several", "both", "neither", "any", "few"})
#: Prepositional modifiers that belong to an actor's name ("Minister of Foreign Affairs",
#: "officials from Belarus", "Ambassador to the UN", "Secretary for Management").
ACTOR_PREPS = frozenset({"of", "from", "for", "to"})
#: Dependents never part of an actor phrase.
ACTOR_DROP = frozenset({"relcl", "acl", "advcl", "parataxis", "cc", "conj", "punct", "prep", "appos", "ccomp", "xcomp", "mark", "advmod"})
#: Dependents never part of a topic phrase.
TOPIC_DROP = frozenset({"parataxis"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
TIME_ENTS = frozenset({"DATE", "TIME"})
ACTOR_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
EDGE_PUNCT = frozenset("\"'“”‘’«»,.;:—–-()[]!?")
#: Marks a reported clause keeps: "If Beijing is ready, Manila is ready" says something else
#: without its "if" (only "that" goes, docs/guidelines.md "content").
KEPT_MARKS = frozenset({"if", "unless", "whether", "provided", "once", "lest"})
#: Quotation marks: a span keeps a closing (opening) one when it holds the opening (closing) one.
OPENING_QUOTES = frozenset("“‘«")
CLOSING_QUOTES = frozenset("”’»")
STRAIGHT_QUOTES = frozenset("\"")
MAX_TOPIC = 40
MAX_CONTENT = 80


def trimmed(doc: Doc, start: int, end: int, limits: tuple[int, int] | None = None) -> Span | None:
    """``doc[start:end]`` without edge punctuation, spaces, conjunctions and "that" (a
    conditional's "if" stays), but with the quotation mark that closes (or opens) a quote the
    span holds the other mark of ("urged X to handle it “with caution”")."""
    outer = limits or (start, end)
    while start < end and (doc[start].is_space or doc[start].text in EDGE_PUNCT
                           or doc[start].dep_ == "cc" or (doc[start].dep_ == "mark" and doc[start].lower_ not in KEPT_MARKS)):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in EDGE_PUNCT or doc[end - 1].dep_ == "cc"):
        end -= 1
    if start >= end:
        return None
    texts = [t.text for t in doc[start:end]]
    opened = sum(t in OPENING_QUOTES for t in texts) - sum(t in CLOSING_QUOTES for t in texts)
    straight = sum(t in STRAIGHT_QUOTES for t in texts) % 2
    if (opened > 0 or straight) and end < outer[1] and doc[end].text in (CLOSING_QUOTES | STRAIGHT_QUOTES):
        end += 1
    elif (opened < 0 or straight) and start > outer[0] and doc[start - 1].text in (OPENING_QUOTES | STRAIGHT_QUOTES):
        start -= 1
    return doc[start:end]


def clipped(anchor: Token, start: int, end: int, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """[start, end) cut to ``limits`` and to the side of the trigger ``anchor`` lies on."""
    start, end = max(start, limits[0]), min(end, limits[1])
    before = [i for i in trigger if i < anchor.i]
    after = [i for i in trigger if i > anchor.i]
    if before:
        start = max(start, max(before) + 1)
    if after:
        end = min(end, min(after))
    if anchor.i < start or anchor.i >= end:
        return None
    outer = (max(limits[0], max(before) + 1 if before else limits[0]), min(limits[1], min(after) if after else limits[1]))
    return trimmed(anchor.doc, start, end, outer)


def _collect(token: Token, keep, out: list[int]) -> None:
    out.append(token.i)
    for child in token.children:
        if keep(child):
            _collect(child, keep, out)



def _actor_child(child: Token) -> bool:
    if child.dep_ == "prep":
        objects = children(child, ("pobj",))
        return child.lower_ in ACTOR_PREPS and not any(o.ent_type_ in TIME_ENTS for o in objects)
    if child.dep_ == "appos":  # "his counterpart Sergey Lavrov", "The US ambassador, Linda Carver"
        doc = child.doc
        between = doc[child.head.i + 1 : child.left_edge.i]
        # a name in a comma apposition is the actor, whatever entity the tagger made of it
        # ("The EU's top diplomat, Marta Esteban,": docs/guidelines.md prefers the name)
        named = child.ent_type_ == "PERSON" or (child.pos_ == "PROPN" and child.ent_type_ not in TIME_ENTS)
        return child.i > child.head.i and (not any(t.is_punct for t in between) or named)
    return child.dep_ not in ACTOR_DROP


def _modifier_child(child: Token) -> bool:
    """Inside an actor's modifiers coordination stays: "the ministers of Azerbaijan and Kazakhstan"."""
    return child.dep_ in ("cc", "conj") or _actor_child(child)


def actor_head(token: Token) -> Token:
    """The word that names the actor: "who" -> its noun, "None of the officials" -> officials."""
    token = resolve_relative(token)
    if token.lower_ in QUANTIFIERS:
        for prep in children(token, ("prep",)):
            if prep.lower_ == "of":
                objects = children(prep, ("pobj",))
                if objects:
                    return objects[0]
    return token


def actor_span(token: Token, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """The actor noun phrase headed by ``token``: titles and names, no clauses."""
    head = actor_head(token)
    if head.ent_type_ in TIME_ENTS or head.dep_ == "expl" or head.is_punct:
        return None
    found: list[int] = [head.i]
    for child in head.children:
        if _actor_child(child):
            _collect(child, _modifier_child, found)
    end = max(found) + 1
    if head.ent_type_ != "PERSON":
        end = _trailing_name(head, end, limits)
    return clipped(head, min(found), end, limits, trigger)


#: Relations that leave the noun phrase (or go to another actor): a name there is not this one.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "cc"})


def _trailing_name(head: Token, end: int, limits: tuple[int, int]) -> int:
    """Where an actor phrase ends when a person's name closes the title it starts with.

    "Director-General of the UN Office, Secretary General of X and Representative Y Tatyana
    Valovaya" and "Deputy Director General of the IOM (IOM) Amy Pope" name one person: the
    parser hangs the name deep under the titles or outside them, and the name is what a reader
    wants (docs/guidelines.md prefers the appositive name to the title beside it).
    """
    doc = head.doc
    if any(doc[i].ent_type_ == "PERSON" for i in range(head.left_edge.i, end)):
        return end
    inside: list[int] = []
    _collect(head, lambda child: child.dep_ not in CLAUSE_DEPS, inside)
    last = max(max(inside) + 1, end)
    while last < limits[1] and doc[last].text in (")", "]"):
        last += 1
    if doc[last - 1].ent_type_ == "PERSON" and last > end:
        return last if doc[last - 1].i in inside else end
    if last < limits[1] and doc[last].ent_type_ == "PERSON" and doc[last].ent_iob_ == "B":
        name_end = last + 1
        while name_end < limits[1] and doc[name_end].ent_iob_ == "I":
            name_end += 1
        return name_end
    return end


def titles_of_one_person(heads: list[Token]) -> bool:
    """"Director-General of X, Secretary General of Y and Representative Z" is one person.

    The parser coordinates the titles; when only the last conjunct names a person, splitting
    would turn titles into participants.
    """
    if len(heads) < 2 or heads[-1].ent_type_ != "PERSON":
        return False
    return all(h.pos_ == "PROPN" and h.ent_type_ != "PERSON" and h.text[:1].isupper() for h in heads[:-1])


def actor_spans(token: Token, limits: tuple[int, int], trigger: set[int], split: bool) -> list[Span]:
    """One span per coordinated actor when ``split`` (repeatable roles), else one for all."""
    heads = conjuncts(actor_head(token))
    if len(heads) > 1 and (not split or titles_of_one_person(heads)):
        first = actor_span(heads[0], limits, trigger)
        last = actor_span(heads[-1], limits, trigger)
        if first is None or last is None:
            return [s for s in (first, last) if s is not None][:1]
        return [s for s in [clipped(heads[0], first.start, last.end, limits, trigger)] if s is not None]
    spans = []
    for head in heads:
        span = actor_span(head, limits, trigger)
        if span is not None:
            spans.append(span)
    return spans


def subtree_span(token: Token, limits: tuple[int, int], trigger: set[int], drop=TOPIC_DROP, max_len: int = MAX_TOPIC) -> Span | None:
    """``token`` with its dependents (less ``drop`` relations), at most ``max_len`` tokens."""
    found: list[int] = []
    _collect(token, lambda child: child.dep_ not in drop, found)
    start, end = min(found), max(found) + 1
    if end - start > max_len:
        start = max(start, token.i - max_len // 4)
        end = min(end, start + max_len)
    return clipped(token, start, end, limits, trigger)


def parenthetical_content(anchor: Token, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """The quote a reporting clause comments on: "“We are ready,” Makei said"."""
    head = anchor.head
    mine = {t.i for t in anchor.subtree}
    outside = [t.i for t in head.subtree if t.i not in mine]
    if not outside:
        return None
    start, end = min(outside), max(outside) + 1
    if start < min(mine) < end:  # keep the side of the quote that holds its head
        if head.i < min(mine):
            end = min(mine)
        else:
            start = max(mine) + 1
    start, end = max(start, limits[0]), min(end, limits[1])
    if start >= end or end - start > MAX_CONTENT:
        return None
    return trimmed(anchor.doc, start, end)


def entity_of(token: Token, labels: frozenset) -> Span | None:
    """The entity ``token`` is part of, when its label is one of ``labels``."""
    if token.ent_type_ not in labels:
        return None
    doc = token.doc
    start, end = token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    if end - start > 1 and doc[end - 1].tag_ == "POS":  # "next week's summit": the date is "next week"
        end -= 1
    return doc[start:end]


# -- places of occasions ----------------------------------------------------------------------------

#: Prepositions whose object can be the place of an event.
PLACE_PREPS = frozenset({"in", "at"})
#: Nouns for a settlement named by an of-phrase: "the seaside town of Hua Hin" is in Hua Hin.
SETTLEMENT_NOUNS = frozenset({"town", "city", "village", "capital", "port", "resort", "region", "province", "island",
                              "enclave", "district", "oasis"})
#: Occasions whose "to PLACE" is where they happen: "a visit to Beijing".
JOURNEY_NOUNS = frozenset({"visit", "trip", "tour", "journey", "mission"})


def place_of(noun: Token) -> Span | None:
    """The place entity a noun names: "Geneva", or "the Moroccan town of Bouznika"."""
    ent = entity_of(noun, PLACE_ENTS)
    if ent is None and noun.lemma_.lower() in SETTLEMENT_NOUNS:
        for obj in prep_objects([noun], ("of",)):
            # a name there is a place, whatever entity the tagger made of it
            ent = entity_of(obj, PLACE_ENTS) or (entity_of(obj, frozenset({obj.ent_type_})) if obj.pos_ == "PROPN" else None)
            if ent is not None:
                break
    return ent


def occasion(noun: Token) -> list[tuple[str, Span]]:
    """The place and date of an occasion noun ("a news conference in Moscow", "a visit to New
    Delhi on Saturday", "Monday's meeting")."""
    found: list[tuple[str, Span]] = []
    for child in noun.children:
        if child.dep_ == "poss":
            ent = entity_of(child, TIME_ENTS)
            if ent is not None:
                found.append(("time", ent))
        if child.dep_ != "prep":
            continue
        word = child.lower_
        for obj in children(child, ("pobj",)):
            ent = entity_of(obj, TIME_ENTS)
            if ent is not None and word in ("on", "in", "at") and not is_duration(ent):
                found.append(("time", ent))
                continue
            ent = place_of(obj)
            if ent is not None and (word in PLACE_PREPS or (word == "to" and noun.lemma_.lower() in JOURNEY_NOUNS)):
                found.append(("place", ent))
    return found


# -- what is said, agreed, discussed or refused ---------------------------------------------------

#: Where an act of saying may be done through: "discussed X by phone" is how, not what.
MEANS_PREPS = frozenset({"by", "via", "over"})
MEANS_NOUNS = frozenset({"phone", "telephone", "videoconference", "video", "videolink", "link", "call", "letter", "email"})
#: Prepositions of a place or a date that may close a topic phrase the parser hung them on.
TRAILING_PLACE_PREPS = frozenset({"in", "at"})
TRAILING_TIME_PREPS = frozenset({"on", "in", "at"})


#: Participles of saying or appealing that continue the reporting clause (beside syntax's).
CONTINUING_PARTICIPLES = SAYING_PARTICIPLES | {"appeal", "demand", "ask", "blame", "condemn", "criticise", "criticize",
                                               "welcome", "describe", "plead", "press", "warn", "vow", "pledge"}


def _continues_reporting(child: Token) -> bool:
    """A dependent the parser hung inside a reported clause that belongs to the reporting one:
    "said it would boycott X, describing it as ..." and "urged X to be guided by Y and pointed
    to Z" (a finite verb cannot be coordinated with the infinitive before it)."""
    if child.dep_ == "advcl" and child.tag_ == "VBG" and child.lemma_.lower() in CONTINUING_PARTICIPLES:
        return not any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in child.children)
    return child.dep_ == "conj" and child.pos_ in VERBAL and coordinated_with(child).i != child.head.i


def clause_span(token: Token, limits: tuple[int, int], trigger: set[int], max_len: int = MAX_CONTENT) -> Span | None:
    """A reported clause (content): it runs to the end of its clause and no further."""
    found: list[int] = []
    _collect(token, lambda child: not _continues_reporting(child), found)
    start, end = min(found), max(found) + 1
    if end - start > max_len:
        start = max(start, token.i - max_len // 4)
        end = min(end, start + max_len)
    return clipped(token, start, end, limits, trigger)


#: "in protest", "in response to ...": why the event happened, never what it was about.
REASON_NOUNS = frozenset({"protest", "response", "retaliation", "solidarity", "reprisal"})


def _means(prep: Token) -> bool:
    """"by phone", "in protest (at ...)": how or why the event happened."""
    objects = children(prep, ("pobj",))
    if prep.lower_ == "in" and any(o.lemma_.lower() in REASON_NOUNS and not children(o, ("det",)) for o in objects):
        return True
    return prep.lower_ in MEANS_PREPS and any(o.lemma_.lower() in MEANS_NOUNS for o in objects)


def _trailing_adjunct(prep: Token, located: set[str]) -> tuple[str, Span | None] | None:
    """What a prepositional phrase closing a topic is when it is not part of it: ("means", None)
    for "by phone", ("place", Geneva) for "in Geneva", ("time", Tuesday) for "on Tuesday".
    A place stays with a noun for a state of affairs that is where it is ("the war in Sudan")."""
    if _means(prep):
        return "means", None
    objects = children(prep, ("pobj",))
    if len(objects) != 1:
        return None
    obj = objects[0]
    word = prep.lower_
    if word in TRAILING_TIME_PREPS and obj.ent_type_ in TIME_ENTS:
        ent = entity_of(obj, TIME_ENTS)
        if ent is not None and ent.start <= obj.left_edge.i and obj.right_edge.i < ent.end:
            return "time", ent
    if word in TRAILING_PLACE_PREPS and obj.ent_type_ in PLACE_ENTS and prep.head.lemma_.lower() not in located:
        ent = entity_of(obj, PLACE_ENTS)
        if ent is not None and ent.start <= obj.left_edge.i and obj.right_edge.i < ent.end:
            return "place", ent
    return None


def _closing_during(last: Token, top: Token, inside: set[int]) -> Token | None:
    """A "during" phrase that closes the topic phrase: the occasion of the event, not its topic."""
    current = last
    while current.i != top.i and current.i in inside:
        if current.dep_ == "prep" and current.lower_ == "during" and current.right_edge.i == last.i:
            return current
        current = current.head
    return None


def topic_span(token: Token, limits: tuple[int, int], trigger: set[int], located: set[str],
               max_len: int = MAX_TOPIC, split: bool = True) -> tuple[Span | None, list[tuple[str, Span]]]:
    """What was discussed, agreed or refused, and the place and time split off its end.

    The parser often hangs the event's "in Tehran", "on Tuesday" or "by phone" on the last noun
    of the topic ("a treaty on strategic partnership in Tehran"): they locate the event, not the
    topic (docs/guidelines.md: "in/at PLACE" and "by telephone" are not part of a topic). A
    relative clause after a comma adds to the topic rather than naming it, and stays out too.
    Without ``split`` (what a refusal refuses: "declined to attend the summit in Minsk") only
    "by phone" is split off.
    """
    found: list[int] = []
    _collect(token, lambda child: not (child.dep_ == "relcl" and child.doc[child.left_edge.i - 1].text == ",")
             and not _speaker_after(child, limits), found)
    inside = set(found)
    end = max(found) + 1
    adjuncts: list[tuple[str, Span]] = []
    doc = token.doc
    # only what hangs on the topic's own noun: "agreed to meet in April" and "discussed the
    # summit of the SCO in Astana" keep theirs (the meeting's, the summit's)
    heads = set() if token.pos_ in VERBAL else {t.i for t in conjuncts(token)}
    while end - 1 > token.i:
        last = doc[end - 1]
        while last.head.i in inside and last.head.i > token.i and last.dep_ != "prep":
            last = last.head
        if last.dep_ != "prep" or last.right_edge.i != end - 1 or last.i <= token.i:
            break
        during = _closing_during(doc[end - 1], token, inside) if split else None
        if during is not None:  # "a convergence of views on fishing during a phone call on Monday"
            adjuncts += [found_adjunct for obj in children(during, ("pobj",)) for found_adjunct in occasion(obj)]
            end = during.i
            continue
        adjunct = _trailing_adjunct(last, located)
        if adjunct is None or (adjunct[0] != "means" and not (split and last.head.i in heads)):
            break
        if adjunct[1] is not None:
            adjuncts.append(adjunct)
        end = last.i
    kept = [i for i in found if i < end]
    start = min(kept)
    if end - start > max_len:
        start = max(start, token.i - max_len // 4)
        end = min(end, start + max_len)
    return clipped(token, start, end, limits, trigger), adjuncts


def refused_head(token: Token, participation: set[str]) -> Token:
    """What a refusal refuses when it is a verb: "declined to attend the summit" refuses the
    summit, "refused to send a delegation to the talks" the talks (corpus convention 10);
    other verbs stay the verb phrase ("refused to sign the deal")."""
    if token.pos_ not in VERBAL:
        return token
    lemma = token.lemma_.lower()
    objects = children(token, ("dobj",))
    for prep in children(token, ("prep",)) + [p for o in objects for p in children(o, ("prep",))]:
        keys = {f"{lemma} {prep.lower_}", f"{prep.head.lemma_.lower()} {prep.lower_}"}
        if lemma == "take" and any(o.lower_ == "part" for o in objects):
            keys.add(f"part {prep.lower_}")
        # an occasion, not a destination: "refused to send troops to Mali" refuses the sending
        nouns = [o for o in children(prep, ("pobj",)) if o.pos_ in ("NOUN", "PROPN") and o.ent_type_ not in PLACE_ENTS]
        if nouns and keys & participation:
            return nouns[0]
    if lemma in participation and objects and objects[0].pos_ in ("NOUN", "PROPN"):
        return objects[0]
    return token


def without_infinitive_to(span: Span | None, head: Token) -> Span | None:
    """"refused to sign the deal" refuses "sign the deal": the span starts after the "to"."""
    if span is None or head.pos_ not in VERBAL:
        return span
    to = next((c for c in head.children if c.dep_ == "aux" and c.lower_ == "to" and c.i == span.start), None)
    if to is None or span.end - span.start < 2:
        return span
    return span.doc[span.start + 1 : span.end]


#: Units of a length of time, and words that make such a phrase a point in time.
TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "century"})
POINT_WORDS = frozenset({"this", "next", "last", "that", "these", "those", "the", "coming", "previous", "same", "ago", "end",
                         "beginning", "start", "middle", "mid", "early", "late", "later", "earlier", "past", "following"})


def is_duration(span: Span) -> bool:
    """"14 hours", "nine years", "months", "a third day": how long, not when (docs/guidelines.md:
    time is the date phrase). "next week", "two years ago", "the end of the month" are points."""
    root = span.root
    if root.lemma_.lower() not in TIME_UNITS or any(t.lower_ in POINT_WORDS for t in span):
        return False
    return root.tag_ == "NNS" or any(t.like_num or t.lower_ in ("a", "an") or t.dep_ == "nummod" for t in span)


#: What a verb of judging says of its object: "accused X of Y", "blamed X for Y", "described X
#: as Y", "called X 'shameful'".
PREDICATE_PREPS = frozenset({"of", "for", "as"})
#: Verbs whose content is the object with what is said of it; for "condemned X as Y" and
#: "welcomed X as Y" the content is the object alone (corpus convention 10).
JUDGING_VERBS = frozenset({"accuse", "blame", "describe", "call", "dub", "brand", "label", "term", "characterise",
                           "characterize", "portray", "deem"})


def object_content(head: Token, verb: Token, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """The content of a verb of judging that takes its object: the object with what is said of
    it (corpus convention 10: "accused X of Y" -> "X of Y"), when that follows the object, up to
    a comma ("..., Deputy Minister X told reporters" is the reporting clause)."""
    span = clause_span(head, limits, trigger)
    if span is None or head.head.i != verb.i or verb.lemma_.lower() not in JUDGING_VERBS:
        return span
    after = [c for c in verb.children if c.i >= span.end and (c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in PREDICATE_PREPS))]
    if not after:
        return span
    first = min(after, key=lambda c: c.i)
    between = head.doc[span.end : first.left_edge.i]
    if any(not (t.is_punct and t.text in "\"'“”‘’") for t in between):
        return span
    end = first.right_edge.i + 1
    comma = next((t.i for t in head.doc[first.i : end] if t.text in (",", ";")), None)
    return clipped(head, span.start, comma if comma is not None else end, limits, trigger) or span


def _speaker_after(child: Token, limits: tuple[int, int]) -> bool:
    """An apposition that is the speaker of the reporting verb right after it (``trailing_speaker``)."""
    after = child.right_edge.i + 1
    if child.dep_ != "appos" or after >= limits[1]:
        return False
    speaker = trailing_speaker(child.doc[after], limits)
    return speaker is not None and speaker.i == child.i


def trailing_speaker(verb: Token, limits: tuple[int, int]) -> Token | None:
    """"X could block it, a government source in Sofia said": a reporting verb with no subject
    whose speaker the parser hung inside the quote before it (as an apposition of its last
    noun). The speaker is the one phrase between the last comma and the verb."""
    if verb.pos_ != "VERB" or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    doc = verb.doc
    comma = verb.i - 1
    while comma > limits[0] and doc[comma].text != ",":
        comma -= 1
    if comma <= limits[0] or comma >= verb.i - 1 or doc[comma].text != ",":
        return None
    roots = [t for t in doc[comma + 1 : verb.i] if not comma < t.head.i < verb.i]
    if len(roots) != 1 or roots[0].pos_ not in ("NOUN", "PROPN") or roots[0].head.i > verb.i:
        return None
    return roots[0]

"""The four event types of the annotation guidelines (docs/guidelines.md)."""

from eventcoder.core.vocabulary import ArgumentKind, EventType, Role
from eventcoder.hookspecs import hookimpl


@hookimpl
def register_argument_kinds(register):
    register(ArgumentKind("ACTOR", "A noun phrase naming an actor: person, state, organisation, pronoun."))
    register(ArgumentKind("PLACE", "A place name."))
    register(ArgumentKind("TIME", "A date or time phrase."))
    register(ArgumentKind("TOPIC", "The phrase naming what was discussed, agreed or refused."))
    register(
        ArgumentKind(
            "CONTENT",
            "The reported clause or quoted text of a statement; may contain other events.",
            may_overlap=True,
        )
    )


def _place_time():
    return (
        Role("place", "PLACE", description="where it happened"),
        Role("time", "TIME", description="when it happened"),
    )


@hookimpl
def register_event_types(register):
    register(
        EventType(
            "MEETING",
            "Actors meet, hold talks, visit, host, receive, negotiate, consult, discuss (also by"
            " phone), convene; summits and conferences.",
            (
                Role("participant", "ACTOR", repeats=True, description="an actor taking part"),
                *_place_time(),
                Role("topic", "TOPIC", description="what was discussed"),
            ),
            ("met", "meeting", "talks", "visit", "received", "discussed", "negotiations", "summit", "conference"),
        )
    )
    register(
        EventType(
            "STATEMENT",
            "An actor communicates publicly: says, states, declares, announces, stresses, urges,"
            " demands, accuses, criticises, condemns, welcomes, expresses concern.",
            (
                Role("speaker", "ACTOR", description="who communicates"),
                Role("addressee", "ACTOR", repeats=True, description="who is addressed"),
                Role("content", "CONTENT", description="the reported clause or quote"),
                *_place_time(),
            ),
            ("said", "told", "stressed", "statement", "urged", "demanded", "accused", "expressed concern"),
        )
    )
    register(
        EventType(
            "AGREEMENT",
            "Actors agree, reach or sign an agreement, deal, accord, treaty, ceasefire,"
            " memorandum; ratify; express shared views.",
            (
                Role("party", "ACTOR", repeats=True, description="an actor that agrees"),
                Role("topic", "TOPIC", description="what was agreed"),
                *_place_time(),
            ),
            ("agreed", "agreement", "signed", "deal", "accord", "reached", "ratified", "convergence of views"),
        )
    )
    register(
        EventType(
            "REFUSAL",
            "An actor refuses, rejects, declines, vetoes, blocks, boycotts, walks out, will not"
            " take part, never welcomes, rules out.",
            (
                Role("refuser", "ACTOR", description="who refuses"),
                Role("refused", "TOPIC", description="what is refused"),
                *_place_time(),
            ),
            ("refused", "rejected", "declined", "vetoed", "blocked", "boycotted", "will not send", "never welcomes"),
        )
    )

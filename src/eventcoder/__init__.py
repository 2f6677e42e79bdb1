"""eventcoder: find political and diplomatic events in news text and feed them into annotation."""

from eventcoder.core.extractor_options import ExtractorOptions
from eventcoder.core.formats import Argument, Event, Mention, ProposedEvent
from eventcoder.core.vocabulary import ArgumentKind, EventType, Role
from eventcoder.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = [
    "Argument",
    "ArgumentKind",
    "Event",
    "EventType",
    "ExtractorOptions",
    "Mention",
    "ProposedEvent",
    "Role",
    "hookimpl",
    "__version__",
]

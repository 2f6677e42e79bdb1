"""eventcoder: find political and diplomatic events in news text and feed them into annotation."""

from .hookspecs import hookimpl
from .model import Argument, Event, Mention, ProposedEvent
from .schema import ArgumentKind, EventType, Role

__version__ = "0.1.0"

__all__ = [
    "Argument",
    "ArgumentKind",
    "Event",
    "EventType",
    "Mention",
    "ProposedEvent",
    "Role",
    "hookimpl",
    "__version__",
]

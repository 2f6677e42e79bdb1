"""What a model client hands the task for one prompt when it has no usable answer.

A :class:`FailedResponse` is an empty string (so anything that only wants text sees an empty
answer) that carries why; the task records the reason for that doc instead of failing the run,
and the client never caches it, so a re-run asks again.
"""

from __future__ import annotations


class FailedResponse(str):
    """``""`` with a ``reason``."""

    reason: str

    def __new__(cls, reason: str) -> "FailedResponse":
        response = super().__new__(cls, "")
        response.reason = reason
        return response


#: Characters of model text kept where a task records it (a dropped item, the llm_io view).
CLIP = 2000


def clip(text: str, limit: int = CLIP) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text) - limit:,} more characters]"

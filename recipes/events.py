"""Prodigy recipes for annotating events: ``prodigy events.correct my_set news.jsonl -F recipes/events.py``.

* ``events.manual``      mark events by hand, nothing pre-filled
* ``events.correct``     correct an extractor's proposals (``--extractor rules``)
* ``events.llm.correct`` correct LLM proposals, with the prompt and response shown
* ``events.llm.fetch``   fetch LLM proposals into a JSONL file to review later

The recipes live in the installed package (``eventcoder.annotation.prodigy.recipes``), so the
``prodigy_recipes`` entry points can expose them too; importing them here registers them with
Prodigy when it is installed. See docs/annotation.md.
"""

from eventcoder.annotation.prodigy.recipes import (
    events_correct,
    events_llm_correct,
    events_llm_fetch,
    events_manual,
)

__all__ = ["events_correct", "events_llm_correct", "events_llm_fetch", "events_manual"]

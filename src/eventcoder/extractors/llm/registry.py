"""Import this module to register all of eventcoder's spacy-llm functions.

``eventcoder.Events.v1`` (task), ``eventcoder.OpenAICompatible.v1`` and
``eventcoder.CachedModel.v1`` (models), ``eventcoder.ResponseCache.v1``,
``eventcoder.GoldExamples.v1``, ``eventcoder.SentenceShardMapper.v1`` and
``eventcoder.EventsResponseFormat.v1`` (misc). Installed with its entry points, eventcoder
needs no import: spacy-llm finds them by name.
"""

from eventcoder.extractors.llm.client import registry as client_registry  # noqa: F401
from eventcoder.extractors.llm.tasks.events import registry as task_registry  # noqa: F401

"""``eventcoder.CachedModel.v1``: the response cache around any other spacy-llm model.

Used for models from ``--llm-config`` that are not ``eventcoder.OpenAICompatible.v1``
(Anthropic, Azure, Hugging Face, ...). The wrapped model is asked only for the prompts not
in the cache, in one call per batch, so it keeps whatever batching it does itself. Answers
are stored as the wrapped model returns them (spacy-llm's models return whole batches).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional

from eventcoder.extractors.llm.cache import ResponseCache, cache_key


class CachedModel:
    """Wraps ``model``; ``identity`` names the model and its settings in every cache key."""

    def __init__(self, model: Callable, cache: ResponseCache, identity: str):
        self.model, self.cache, self.identity = model, cache, identity

    @property
    def context_length(self) -> Optional[int]:
        return getattr(self.model, "context_length", None)

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        batch = [list(doc_prompts) for doc_prompts in prompts]
        keys = [[cache_key(self.identity, str(prompt)) for prompt in doc] for doc in batch]
        known: Dict[str, Any] = {}
        for doc_keys in keys:
            for key in doc_keys:
                if key not in known and (cached := self.cache.get(key)) is not None:
                    known[key] = cached
        missing: List[List[Any]] = []
        missing_keys: List[List[str]] = []
        asked = set()
        for doc, doc_keys in zip(batch, keys):
            todo = [(key, prompt) for key, prompt in zip(doc_keys, doc) if key not in known and key not in asked]
            asked.update(key for key, _ in todo)
            if todo:
                missing_keys.append([key for key, _ in todo])
                missing.append([prompt for _, prompt in todo])
        if missing:
            for doc_keys, responses in zip(missing_keys, self.model(missing)):
                for key, response in zip(doc_keys, responses):
                    known[key] = str(response)
                    self.cache.put(key, known[key], type(self.model).__name__)
        for doc_keys in keys:
            yield [known[key] for key in doc_keys]

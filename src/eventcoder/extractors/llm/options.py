"""Options of the ``llm`` extractor (``-O llm.FIELD=VALUE``; the ``--llm-*`` flags are aliases)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from pydantic import Field, PrivateAttr

from eventcoder.core.extractor_options import ExtractorOptions


class LLMOptions(ExtractorOptions):
    model: str | None = Field(None, description="Model name at the OpenAI-compatible server (alias --llm-model).")
    base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible server; default OpenAI (alias --llm-base-url).")
    config: Path | None = Field(None, description="A spacy-llm config file: any spacy-llm model (alias --llm-config).")
    examples: Path | None = Field(None, description="Few-shot examples, gold JSONL (alias --llm-examples).")
    cache: Path | None = Field(None, description="Cache file of responses (alias --llm-cache).")
    no_cache: bool = Field(False, description="Neither read nor write the response cache (alias --no-cache).")
    concurrency: int | None = Field(None, ge=1, description="Requests in flight at once; default 8 (alias --llm-concurrency).")
    # A local model (docs/llm.md): the run starts llama.cpp's server for it and stops it after.
    local_model: Path | None = Field(None, description="A GGUF model file to serve locally for the run (needs the local-llm extra); replaces base_url.")
    threads: int | None = Field(None, ge=1, description="local_model: CPU threads of the server (default all cores).")
    timeout: float | None = Field(None, gt=0, description="Seconds any one read of an answer may wait; default 120 (600 for local_model, whose requests queue at one slot).")
    route: bool = Field(False, description="Send only units where a trigger word occurs (a high-recall lexicon); the rest get no llm events.")
    fill_rules: bool = Field(False, description="Propose the rules' events, the roles they leave empty filled from the model's matching events (the model used where the rules are weak).")
    fill_min_score: float | None = Field(None, ge=0, le=1, description="fill_rules: also propose the model's other events scored at least this; default none.")
    similar_examples: Path | None = Field(None, description="A gold JSONL file (e.g. a train split): each request also shows the n_similar records most like its sentences.")
    n_similar: int = Field(3, ge=0, le=20, description="similar_examples: how many per request.")
    batch_sentences: int | None = Field(None, ge=1, description="Sentences of one or more units per request, behind one copy of the instructions; default 10, 1 sends each unit alone.")

    run_only: ClassVar[frozenset[str]] = frozenset({"cache", "no_cache", "concurrency", "threads", "timeout"})

    # Set by cluster_wide for the workers of a dask run; users cannot set them.
    _semaphore: tuple[str, int] | None = PrivateAttr(None)
    _cache_shards: str | None = PrivateAttr(None)

    def settings(self) -> dict:
        """The settings :func:`eventcoder.extractors.llm.pipeline.build_component` reads."""
        values = {
            "llm_model": self.model, "llm_base_url": self.base_url, "llm_config": self.config,
            "llm_examples": self.examples, "llm_cache": self.cache, "llm_no_cache": self.no_cache or None,
            "llm_concurrency": self.concurrency, "llm_semaphore": self._semaphore,
            "llm_cache_shards": self._cache_shards, "llm_local_model": self.local_model, "llm_threads": self.threads,
            "llm_batch_sentences": self.batch_sentences, "llm_timeout": self.timeout,
            "llm_route": self.route or None, "llm_fill_rules": self.fill_rules or None,
            "llm_fill_min_score": self.fill_min_score, "llm_similar_examples": self.similar_examples,
            "llm_n_similar": self.n_similar if self.similar_examples else None,
        }
        return {key: str(value) if isinstance(value, Path) else value for key, value in values.items() if value is not None}

    @contextmanager
    def cluster_wide(self) -> Iterator[LLMOptions]:
        """One request budget and one sharded response cache for all workers of the run."""
        from eventcoder.extractors.llm.cluster import shared_llm  # needs distributed

        with shared_llm(self.settings()) as shared:
            options = self.model_copy(update={"cache": Path(shared["llm_cache"]) if shared.get("llm_cache") else None})
            options._semaphore = tuple(shared["llm_semaphore"])
            options._cache_shards = shared.get("llm_cache_shards")
            yield options

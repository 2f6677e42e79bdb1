"""The ``llm`` extractor: events proposed by a large language model through spacy-llm.

- ``tasks.events``: the spacy-llm task ``eventcoder.Events.v1`` (prompt, parsing, sharding).
- ``client``: ``eventcoder.OpenAICompatible.v1``, a spacy-llm model for any OpenAI-compatible
  server (retries, bounded concurrency, the response cache), and ``eventcoder.CachedModel.v1``,
  the cache around any other spacy-llm model.
- ``cache``: the persistent response cache (SQLite).
- ``response_schema``: the JSON Schema of the answer, from the plugin registry.
- ``pipeline``: builds the spacy-llm component from a config and the command-line options.
- ``extractor``: the ``llm`` extractor itself. ``registry``: import to register everything.
- ``testing``: a local fake OpenAI-compatible server for tests and the benchmark.

eventcoder's core imports only ``response_schema``; spacy-llm and httpx load when the ``llm``
extractor is used. See docs/llm.md.
"""

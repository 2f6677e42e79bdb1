"""Model clients: ``eventcoder.OpenAICompatible.v1`` and the cache wrapper for other models."""

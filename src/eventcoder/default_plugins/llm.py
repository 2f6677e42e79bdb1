"""The built-in ``llm`` extractor, registered like any outside extractor (docs/llm.md)."""

from eventcoder.extractors.llm.options import LLMOptions
from eventcoder.hookspecs import hookimpl


def _make_llm(context):
    try:  # spacy-llm and httpx load only when the extractor is used
        import httpx  # noqa: F401
        import spacy_llm  # noqa: F401
    except ImportError as exc:
        from eventcoder.core.errors import UserError

        raise UserError(
            f"the llm extractor needs spacy-llm and httpx ({exc}); run: pip install 'spacy-llm==0.7.4' httpx"
        ) from None
    from eventcoder.extractors.llm.extractor import LLMExtractor

    return LLMExtractor.from_context(context)


@hookimpl
def register_extractors(register):
    register(
        "llm",
        _make_llm,
        "A large language model through spacy-llm (task eventcoder.Events.v1): OpenAI or any"
        " OpenAI-compatible server (-O llm.model=..., -O llm.base_url=...), or any spacy-llm model"
        " (-O llm.config=FILE). Responses are cached (-O llm.cache=FILE); see docs/llm.md.",
        options=LLMOptions,
    )

"""The built-in ``rules`` extractor, registered like any outside extractor."""

from eventcoder.extractors.rules.options import RulesOptions
from eventcoder.hookspecs import hookimpl


def _make_rules(context):
    from eventcoder.extractors.rules.extractor import (
        RuleExtractor,  # spaCy matchers load on first use
    )

    return RuleExtractor.from_context(context)


@hookimpl
def register_extractors(register):
    register(
        "rules",
        _make_rules,
        "Trigger patterns (spaCy Matcher/DependencyMatcher) over a dependency parse; roles from"
        " the tree; modality from negation, modals and governing words. -O rules.patterns=DIR"
        " replaces the built-in pattern files.",
        options=RulesOptions,
    )

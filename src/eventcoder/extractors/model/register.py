"""Registers eventcoder's spaCy parts; pass this file to ``spacy train --code``.

* factory ``eventcoder_roles`` (``roles``): roles and modality for trigger/mention spans;
* architecture ``eventcoder.RoleClassifier.v1`` (``role_model``);
* misc ``eventcoder.argument_suggester.v1`` (``suggesters``): parse-based span suggester;
* scorer ``eventcoder.event_scorer.v1`` (``scorer``): the ``eventcoder evaluate`` matching;
* misc ``eventcoder.base_lookups.v1`` (``vocab``): the base pipeline's ``lexeme_norm`` table.

With the package's ``spacy_factories``/``spacy_architectures``/``spacy_misc``/
``spacy_scorers`` entry points installed, spaCy finds them without ``--code``.
"""

from eventcoder.extractors.model import role_model, roles, scorer, suggesters, vocab  # noqa: F401

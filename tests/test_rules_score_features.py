"""The features of a rule proposal that the score learns from (issue 15, item 5): each one
is checked on a sentence where it must fire, and where it must not."""

from __future__ import annotations

import pytest

from eventcoder.extractors.rules.score import parse_features


def features_of(rules, nlp, text: str, trigger: str) -> list[str]:
    [names] = [names for event, names in rules.proposals(nlp(text)) if event.trigger.text == trigger]
    return names


def test_the_nearest_cue_its_kind_and_depth_against_the_modality(rules, nlp):
    names = features_of(rules, nlp, "The ministers did not meet in Geneva.", "meet")
    assert "cue=neg:negated" in names and "cue_depth=0:negated" in names
    names = features_of(rules, nlp, "Phnom Penh would not accept mediation by any third country.", "mediation")
    assert "cue_depth=1:negated" in names  # the cue sits on "accept", one step up
    names = features_of(rules, nlp, "Makei met Lavrov in Moscow on Wednesday.", "met")
    assert "cue=none:asserted" in names and not any(n.startswith("cue_depth=") for n in names)


def test_a_cue_elsewhere_in_the_sentence_that_the_rules_did_not_take(rules, nlp):
    names = features_of(rules, nlp, "Makei met Lavrov in Moscow, but the ministers will not sign the treaty.", "met")
    assert "cue=none:asserted" in names and "stray_cue=plan:asserted" in names
    assert not any(n.startswith("stray_cue=") for n in features_of(rules, nlp, "Makei met Lavrov in Moscow.", "met"))


def test_relation_head_and_linking_preposition_against_the_modality(rules, nlp):
    # "agreed at a summit": the summit is only the circumstance of agreeing, so it is asserted (issue 15 modality).
    names = features_of(rules, nlp, "EU leaders agreed at a summit in Brussels to open accession talks.", "summit")
    assert {"via=at", "via_modality=at:asserted", "dep_modality=pobj:asserted", "head_modality=at:asserted"} <= set(names)
    names = features_of(rules, nlp, "The ministers did not meet in Geneva.", "meet")
    assert "head=ROOT" in names and not any(n.startswith("head_modality=") for n in names)  # a root has no head
    assert not any(n.startswith("via") for n in names)  # only noun triggers have one


def test_the_kind_of_the_subject(rules, nlp):
    assert "subject_ent=PERSON" in features_of(rules, nlp, "\"We held talks in Minsk,\" Makei said.", "said")
    assert "subject_ent=NOUN" in features_of(rules, nlp, "The ministers did not meet in Geneva.", "meet")


def test_quotes_capitals_questions_and_verbless_lines(rules, nlp):
    assert "quoted" in features_of(rules, nlp, '"We held talks in Minsk," Makei said.', "talks")
    assert "quoted" not in features_of(rules, nlp, '"We held talks in Minsk," Makei said.', "said")
    assert "quoted" in features_of(rules, nlp, "Makei (who held talks in Minsk) left on Friday.", "talks")
    assert "capital=first" in features_of(rules, nlp, "Talks ended without a result.", "Talks")
    assert "question" in features_of(rules, nlp, "Will Makei meet Lavrov in Moscow?", "meet")
    assert "question" not in features_of(rules, nlp, "Makei will meet Lavrov in Moscow.", "meet")
    names = features_of(rules, nlp, "Greek PM in Ankara for talks on maritime borders", "talks")
    assert "no_verb" in names and "no_core=MEETING" in names
    assert "no_verb" not in features_of(rules, nlp, "Makei met Lavrov in Moscow.", "met")


def test_a_trigger_inside_another_proposals_argument(rules, nlp):
    names = features_of(rules, nlp, "Phnom Penh would not accept mediation by any third country.", "mediation")
    assert "inside=REFUSAL:refused" in names and "inside_modality=yes:negated" in names
    names = features_of(rules, nlp, "Makei met Lavrov in Moscow. Lavrov said Minsk will not send any officials.", "met")
    assert "inside=none" in names  # the statement's content is in the other sentence


NEGATED_TAIL = "Makei met Lavrov, and the talks did not end."
PLANNED_TAIL = "Makei met Lavrov, and the talks will soon end."  # as many tokens


@pytest.mark.parametrize("first, second", [(NEGATED_TAIL, PLANNED_TAIL), (PLANNED_TAIL, NEGATED_TAIL)])
def test_sentence_facts_are_not_carried_over_to_another_doc(nlp, rules, first, second):
    """Facts are kept from one call to the next for the same sentence only, never for another
    doc with the same token range."""
    cues = rules.patterns.cues
    one, two = nlp(first), nlp(second)
    parse_features(one[1], "asserted", (0, len(one)), cues)
    fresh = nlp(second)
    assert parse_features(two[1], "asserted", (0, len(two)), cues) == parse_features(fresh[1], "asserted", (0, len(fresh)), cues)
    assert len(one) == len(two)
    stray = {n for n in parse_features(two[1], "asserted", (0, len(two)), cues) if n.startswith("stray_cue")}
    assert stray == ({"stray_cue=neg:asserted"} if "not" in second else {"stray_cue=plan:asserted"})

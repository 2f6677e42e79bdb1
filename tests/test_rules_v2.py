"""Rules v2: argument extents and subjects that follow the parse (issue 15), on sentences of our own."""

from __future__ import annotations

from test_rules_events import assert_role, extract, fillers, find


def test_a_finite_verb_after_an_infinitive_is_coordinated_with_its_controller(rules, nlp):
    text = "She urged the council to be guided by the facts and pointed to the calm in the region."
    pointed = find(extract(rules, nlp, text), "STATEMENT", "pointed to")
    assert pointed.modality == "asserted", "the urging does not reach the second verb"
    assert_role(pointed, "speaker", "She")
    assert "the council" not in fillers(pointed, "speaker")


def test_a_name_after_a_parenthesised_title_is_the_participant(rules, nlp):
    text = ("Kenyan Foreign Minister Joseph Mwangi said as he met with Deputy Head of the World Food "
            "Programme (WFP) Laura Brennan in Rome that aid must grow.")
    met = find(extract(rules, nlp, text), "MEETING", "met")
    assert_role(met, "participant", "Laura Brennan")


def test_a_reporting_clause_coordinated_with_its_report_takes_it_as_content(rules, nlp):
    text = "Quito receives offers from several capitals but on the condition of secrecy, Herrera said."
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert_role(said, "content", "Quito receives offers from several capitals")
    assert fillers(said, "content")[0].startswith("Quito receives")


def test_the_place_of_a_news_conference_is_the_place_of_what_was_said_there(rules, nlp):
    said = find(extract(rules, nlp, "Torres said at a news conference in Lima that the border would reopen."), "STATEMENT", "said")
    assert fillers(said, "place") == ["Lima"]


def test_where_the_speaker_is_from_is_not_where_it_was_said(rules, nlp):
    said = find(extract(rules, nlp, "Chile will sign the accord next week, diplomats in Santiago said."), "STATEMENT", "said")
    assert fillers(said, "place") == []


# -- modality scope ---------------------------------------------------------------------------


def test_a_negation_does_not_reach_a_meeting_that_is_only_the_circumstance(rules, nlp):
    events = extract(rules, nlp, "The mayor refused to speak at the conference in Bogota.")
    assert find(events, "REFUSAL", "refused").modality == "asserted"
    assert find(events, "MEETING", "conference").modality == "asserted"


def test_a_future_still_reaches_the_meeting_it_happens_at(rules, nlp):
    event = find(extract(rules, nlp, "The envoy will speak at the conference in Quito next week."), "MEETING", "conference")
    assert event.modality == "planned"


def test_a_refusal_under_a_condition_stays_asserted(rules, nlp):
    event = find(extract(rules, nlp, "Peru rejected the proposal, if only for now."), "REFUSAL", "rejected")
    assert event.modality == "asserted"
    talks = find(extract(rules, nlp, "Peru would sign the accord if the tariffs were lifted."), "AGREEMENT", "sign")
    assert talks.modality == "hypothetical", "other events still read the condition"

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


def test_a_negation_stays_with_the_verb_not_the_summit_it_happened_during(rules, nlp):
    events = extract(rules, nlp, "The two presidents did not meet during the summit.")
    assert find(events, "MEETING", "meet").modality == "negated"
    assert find(events, "MEETING", "summit").modality == "asserted", "the summit took place"


def test_staying_away_from_a_summit_is_a_refusal_and_the_summit_still_takes_place(rules, nlp):
    for text in ("The Prime Minister would not attend the summit in Oslo.",
                 "The delegation refused to attend the summit in Oslo.",
                 "Mali did not send a delegation to the summit in Oslo."):
        events = extract(rules, nlp, text)
        assert find(events, "REFUSAL", "").modality == "asserted"
        summit = find(events, "MEETING", "summit")
        assert summit.modality == "asserted", text
        assert fillers(summit, "participant") == [], "who stays away does not take part"
        assert fillers(summit, "place") == ["Oslo"]
    conference = find(extract(rules, nlp, "The minister will not take part in the conference in Lima next week."), "MEETING", "conference")
    assert conference.modality == "planned", "only the future reaches it"


def test_answering_a_statement_does_not_undo_it(rules, nlp):
    for text, trigger in (("The ministry rejected the accusations as absurd.", "accusations"),
                          ("Quito has not rejected the request.", "request"),
                          ("Lima did not respond to a request from the UN.", "request")):
        assert find(extract(rules, nlp, text), "STATEMENT", trigger).modality == "asserted", text


def test_cues_of_a_reported_clause_stay_out_of_the_reporting_verb(rules, nlp):
    said = find(extract(rules, nlp, "If asked, the minister said, Paris would send observers."), "STATEMENT", "said")
    assert said.modality == "asserted"
    text = "He said the sides should let the experts decide, adding that talks could resume if the fighting stopped."
    adding = find(extract(rules, nlp, text), "STATEMENT", "adding")
    assert adding.modality == "asserted" and fillers(adding, "speaker") == ["He"]
    talks = find(extract(rules, nlp, "Lima did not rule out a meeting, but said no date had been set."), "STATEMENT", "said")
    assert talks.modality == "asserted", "the negation stays on its side of 'but'"


# -- trigger coverage (docs/guidelines.md categories) ------------------------------------------


def test_named_instruments_are_matched_whatever_their_case(rules, nlp):
    for text, trigger in (("Kenya and Tanzania signed the Arusha Protocol on river navigation.", "signed the Arusha Protocol"),
                          ("The two governments signed the Lisbon Treaty of Friendship in March.", "signed the Lisbon Treaty"),
                          ("Officials signed a Memorandum of Understanding on border trade.", "signed a Memorandum"),
                          ("The Dakar Accord entered into force on Monday.", "Accord"),
                          ("ENVOYS HOLD TALKS IN GENEVA", "TALKS")):
        events = extract(rules, nlp, text)
        assert [e.trigger.text for e in events if e.label in ("AGREEMENT", "MEETING")] == [trigger], text
    assert not [e for e in extract(rules, nlp, "The visit followed diplomatic protocol.") if e.label == "AGREEMENT"]


def test_nominal_and_light_verb_triggers(rules, nlp):
    cases = [
        ("The envoys held talks in Doha on Tuesday.", "MEETING", "talks"),
        ("The two sides reached an agreement on fishing quotas.", "AGREEMENT", "reached an agreement"),
        ("The foreign minister gave a statement to reporters after the vote.", "STATEMENT", "gave a statement"),
        ("The ministry issued a refusal to the request for overflight rights.", "REFUSAL", "refusal"),
        ("The mediation mission arrived in Juba on Monday.", "MEETING", "mediation mission"),
        ("The president gave a welcome to the visiting delegation.", "MEETING", "gave a welcome"),
        ("Foreign ministers gathered in Vienna on Friday.", "MEETING", "gathered"),
        ("The envoy held discussions with Egyptian officials.", "MEETING", "discussions"),
        ("The president speaks at a ceremony in Accra.", "STATEMENT", "speaks"),
    ]
    for text, label, trigger in cases:
        event = find(extract(rules, nlp, text), label, trigger)
        assert event.modality == "asserted", text
    assert fillers(find(extract(rules, nlp, cases[2][0]), "STATEMENT", "gave"), "addressee") == ["reporters"]
    refusal = find(extract(rules, nlp, cases[3][0]), "REFUSAL", "refusal")
    assert fillers(refusal, "refuser") == ["The ministry"]


def test_refusal_phrasings(rules, nlp):
    cases = [
        ("The government is opposed to the plan to redraw the border.", "opposed", "The government", "the plan"),
        ("A new round of negotiations is out of the question.", "out of the question", None, "A new round of negotiations"),
        ("Hungary withdrew from the talks on the migration pact.", "withdrew", "Hungary", "the talks"),
        ("The authorities would not meet the demands of the protesters.", "would not meet", "The authorities", "the demands"),
        ("The city denied a permit for the march.", "denied", "The city", "a permit"),
        ("Belgrade said it would not recognise the vote.", "would not recognise", "it", "the vote"),
    ]
    for text, trigger, refuser, refused in cases:
        event = find(extract(rules, nlp, text), "REFUSAL", trigger)
        assert event.modality == "asserted", text
        if refuser:
            assert fillers(event, "refuser") == [refuser], text
        assert fillers(event, "refused")[0].startswith(refused), text
    for text in ("The city denied the allegations.", "Crowds gathered in the square.", "The team will meet its targets."):
        assert not [e for e in extract(rules, nlp, text) if e.label in ("REFUSAL", "MEETING")], text


# -- senses checked through the arguments, not sentence-wide word lists ---------------------------


def test_a_refusal_needs_something_refusable_or_a_political_refuser(rules, nlp):
    kept = [("The rebels dismissed an appeal to disarm.", "dismissed"),
            ("The government rejected the plan.", "rejected"),
            ("Pristina boycotted the previous round of talks.", "boycotted")]
    for text, trigger in kept:
        assert find(extract(rules, nlp, text), "REFUSAL", trigger).modality == "asserted", text
    for text in ("Dock workers shunned work for a third day.", "The court dismissed an appeal by the former mayor.",
                 "Police foiled an attack on the embassy.", "A logistics firm sued to block the takeover."):
        assert not [e for e in extract(rules, nlp, text) if e.label == "REFUSAL"], text


def test_words_elsewhere_in_the_sentence_no_longer_drop_an_agreement(rules, nlp):
    event = find(extract(rules, nlp, "The two defence ministries signed a pact on equipment transfers."), "AGREEMENT", "signed a pact")
    assert fillers(event, "party") == ["The two defence ministries"]
    for text in ("Real Betis have signed striker Nuno Barreiros from Benfica on a five-year deal.",
                 "Manchester United will meet Liverpool in the FA Cup semi-final."):
        assert not [e for e in extract(rules, nlp, text) if e.label in ("AGREEMENT", "MEETING")], text


def test_a_verb_of_saying_needs_an_actor_as_its_subject(rules, nlp):
    for text in ("A demonstration in the capital called for new elections.", "The case raises fears about press freedom.",
                 "The electoral commission predicted turnout of 60 percent."):
        assert not [e for e in extract(rules, nlp, text) if e.label == "STATEMENT"], text
    said = find(extract(rules, nlp, "The minister predicted that the ruling party would win."), "STATEMENT", "predicted")
    assert fillers(said, "content") == ["the ruling party would win"]


def test_denying_a_possibility_leaves_the_event_unreal_not_negated(rules, nlp):
    meeting = find(extract(rules, nlp, "Colombia did not rule out a meeting with the rebel commanders."), "MEETING", "meeting")
    assert meeting.modality == "hypothetical"


def test_a_relationship_is_not_a_meeting_unless_something_makes_it_an_act(rules, nlp):
    assert not [e for e in extract(rules, nlp, "Contacts between student groups have grown.") if e.label == "MEETING"]
    assert find(extract(rules, nlp, "The two ministries held contacts on Monday."), "MEETING", "contacts")
    assert find(extract(rules, nlp, "There are no contacts between the two ministries."), "MEETING", "contacts").modality == "negated"

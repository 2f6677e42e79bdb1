"""Argument extents (issue 15, item 4; docs/guidelines.md "Span extents"), on sentences of our own."""

from __future__ import annotations

import pytest
from test_rules_events import extract, fillers, find

# -- what a refusal refuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, refused",
    [
        ("Uruguay refused to sign the fisheries pact.", "sign the fisheries pact"),
        ("The junta has so far declined to release the detained journalists.", "release the detained journalists"),
    ],
)
def test_a_refused_verb_phrase_starts_after_to(rules, nlp, text, refused):
    event = find(extract(rules, nlp, text), "REFUSAL", "")
    assert fillers(event, "refused") == [refused]


@pytest.mark.parametrize(
    "text, refused",
    [
        ("Bolivia declined to attend the regional summit in Lima.", "the regional summit in Lima"),
        ("The rebels refused to send a delegation to the peace conference in Nairobi.", "the peace conference in Nairobi"),
    ],
)
def test_refusing_to_attend_refuses_the_event_with_its_place(rules, nlp, text, refused):
    event = find(extract(rules, nlp, text), "REFUSAL", "")
    assert fillers(event, "refused") == [refused]
    assert fillers(event, "place") == [], "the place is the summit's, inside what is refused"


# -- content ----------------------------------------------------------------------------------


def test_content_stops_before_a_participle_of_the_reporting_clause(rules, nlp):
    text = "The mayor said the city would skip the trade fair in Porto, describing it as a waste of money."
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert fillers(said, "content") == ["the city would skip the trade fair in Porto"]


def test_content_stops_before_a_second_verb_of_the_reporting_clause(rules, nlp):
    text = "She urged the council to be guided by the facts and pointed to the calm in the region."
    urged = find(extract(rules, nlp, text), "STATEMENT", "urged")
    assert fillers(urged, "content") == ["to be guided by the facts"]


def test_content_keeps_coordinated_verbs_of_the_reported_clause(rules, nlp):
    text = "The ministers discussed water rights by phone on Monday and agreed to meet in Rabat, the ministry said."
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert fillers(said, "content") == ["The ministers discussed water rights by phone on Monday and agreed to meet in Rabat"]


def test_a_conditional_content_keeps_its_if(rules, nlp):
    text = "\u201cIf Quito is ready to compromise, Lima is ready to talk,\u201d Herrera said."
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert fillers(said, "content") == ["If Quito is ready to compromise, Lima is ready to talk"]


def test_a_quote_inside_the_content_keeps_its_closing_mark(rules, nlp):
    text = 'The envoy urged both sides to treat the issue "with restraint".'
    urged = find(extract(rules, nlp, text), "STATEMENT", "urged")
    assert fillers(urged, "content") == ['to treat the issue "with restraint"']


def test_a_person_is_not_what_is_said(rules, nlp):
    text = ("Chile wants closer ties with its neighbours in the fight against smuggling, Chilean Deputy Minister "
            "Rodrigo Paz said as he met with Deputy Head of the World Customs Organization (WCO) Laura Brennan in Lyon.")
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert not any("Brennan" in c for c in fillers(said, "content"))


# -- topics, places and times ---------------------------------------------------------------------


def test_by_phone_is_not_part_of_the_topic(rules, nlp):
    event = find(extract(rules, nlp, "The two presidents discussed the fishing dispute by phone on Friday."), "MEETING", "discussed")
    assert fillers(event, "topic") == ["the fishing dispute"]
    assert fillers(event, "time") == ["Friday"]


def test_a_place_hung_on_the_topic_is_the_place_of_the_event(rules, nlp):
    text = "Peru and Chile are expected to sign a treaty on maritime cooperation in Lima on 3 May."
    event = find(extract(rules, nlp, text), "AGREEMENT", "sign a treaty")
    assert fillers(event, "topic") == ["maritime cooperation"]
    assert fillers(event, "place") == ["Lima"]


def test_a_state_of_affairs_keeps_its_place(rules, nlp):
    text = "Peru and Chile are expected to sign a treaty on the conflict in Tacna."
    event = find(extract(rules, nlp, text), "AGREEMENT", "sign a treaty")
    assert fillers(event, "topic") == ["the conflict in Tacna"]
    assert fillers(event, "place") == []


def test_an_agreed_infinitive_keeps_its_own_time(rules, nlp):
    event = find(extract(rules, nlp, "The ministers agreed to meet again in October."), "AGREEMENT", "agreed")
    assert fillers(event, "topic") == ["to meet again in October"]
    assert fillers(event, "time") == []


def test_a_comma_relative_clause_is_not_part_of_the_topic(rules, nlp):
    text = "Ghana and Togo signed a memorandum on the Volta bridge, which links the two capitals."
    event = find(extract(rules, nlp, text), "AGREEMENT", "signed a memorandum")
    assert fillers(event, "topic") == ["the Volta bridge"]


@pytest.mark.parametrize(
    "text, label, trigger",
    [
        ("Hungary has been blocking the new aid package for Kyiv for months.", "REFUSAL", "blocking"),
        ("The envoys reached a deal after 16 hours of talks.", "AGREEMENT", "deal"),
    ],
)
def test_a_duration_is_not_a_time(rules, nlp, text, label, trigger):
    assert fillers(find(extract(rules, nlp, text), label, trigger), "time") == []


def test_a_point_in_time_is_still_a_time(rules, nlp):
    assert fillers(find(extract(rules, nlp, "The envoys will meet next week."), "MEETING", "meet"), "time") == ["next week"]


# -- actors -----------------------------------------------------------------------------------


def test_a_name_in_a_comma_apposition_is_kept_whatever_its_entity_label(rules, nlp):
    text = "The EU's top diplomat, Marta Esteban, said she would travel to Tbilisi."
    said = find(extract(rules, nlp, text), "STATEMENT", "said")
    assert any("Marta Esteban" in s for s in fillers(said, "speaker")), fillers(said, "speaker")


# -- "let me say" (issue 15: a first-person imperative of saying is said now) ------------------


@pytest.mark.parametrize(
    "text, trigger",
    [
        ("Let me say that Peru has always been open to dialogue, Ramos said.", "say"),
        ("\u201cLet us stress that the border will stay open,\u201d the minister told reporters.", "stress"),
        ("\u201cLet me tell you, we will not give up,\u201d Ortega told the crowd.", "tell"),
    ],
)
def test_let_me_say_is_an_asserted_statement(rules, nlp, text, trigger):
    assert find(extract(rules, nlp, text), "STATEMENT", trigger).modality == "asserted"


@pytest.mark.parametrize(
    "text, label, trigger",
    [
        ("\u201cLet us talk to each other,\u201d the minister said.", "MEETING", "talk"),
        ("Let them say what they want about the accord.", "STATEMENT", "say"),
    ],
)
def test_other_lets_stay_hypothetical(rules, nlp, text, label, trigger):
    assert find(extract(rules, nlp, text), label, trigger).modality == "hypothetical"


# -- an agreement that is only sought (corpus convention 2 with the modality its context gives) ----


@pytest.mark.parametrize(
    "text, trigger",
    [
        ("A fresh truce is out of the question as long as the raids go on, the Georgian government said.", "truce"),
        ("Gabon pulled out of the talks on a regional fisheries accord.", "accord"),
        ("Delegates resumed negotiations over a new border treaty in Vienna.", "treaty"),
    ],
)
def test_an_agreement_ruled_out_or_under_negotiation_is_hypothetical(rules, nlp, text, trigger):
    event = find(extract(rules, nlp, text), "AGREEMENT", trigger)
    assert event.modality == "hypothetical"


def test_an_agreement_whose_implementation_is_discussed_exists(rules, nlp):
    text = "The ministers held talks on the implementation of the 2015 accord."
    assert find(extract(rules, nlp, text), "AGREEMENT", "accord").modality == "asserted"


def test_a_summit_that_is_only_the_venue_is_still_a_meeting(rules, nlp):
    events = extract(rules, nlp, "The Chilean president spoke to reporters at the summit in Quito.")
    assert find(events, "MEETING", "summit").modality == "asserted"


def test_in_protest_is_not_part_of_the_topic(rules, nlp):
    text = "Gabon walked out of the talks on fishing quotas in protest at the seizure of its trawlers."
    event = find(extract(rules, nlp, text), "MEETING", "talks")
    assert fillers(event, "topic") == ["fishing quotas"]


# -- who takes part, and where (part 4: the commonest remaining errors on train and dev) ---------


def test_who_holds_a_visit_is_named_by_it_not_by_the_verb_around_it(rules, nlp):
    text = "Quito and Lima are expected to sign a water accord during a visit by the Ecuadorian president in May."
    visit = find(extract(rules, nlp, text), "MEETING", "visit")
    assert fillers(visit, "participant") == ["the Ecuadorian president"]


def test_a_possessive_pronoun_gives_way_to_the_subject_it_stands_for(rules, nlp):
    text = "Brazil and Chile will hold their annual strategic dialogue in Santiago in June."
    dialogue = find(extract(rules, nlp, text), "MEETING", "dialogue")
    assert "their" not in fillers(dialogue, "participant")
    assert set(fillers(dialogue, "participant")) == {"Brazil", "Chile"}


@pytest.mark.parametrize(
    "text, participants",
    [
        ("The Kenyan minister voiced concern over the drought during a phone call with his Ugandan counterpart.",
         {"The Kenyan minister", "his Ugandan counterpart"}),
        ("Kenya and Uganda reached a convergence of views on fishing rights during a phone call on Monday.", {"Kenya", "Uganda"}),
    ],
)
def test_what_a_verb_acts_on_during_a_call_is_no_participant(rules, nlp, text, participants):
    call = find(extract(rules, nlp, text), "MEETING", "phone call")
    assert set(fillers(call, "participant")) == participants


@pytest.mark.parametrize(
    "text, trigger, place",
    [
        ("Thailand and Laos agreed to reopen the bridge after talks between their ministers in Vientiane.", "talks", "Vientiane"),
        ("The envoy spoke after a meeting of Andean foreign ministers in La Paz.", "meeting", "La Paz"),
        ("Chile will host a conference on ocean plastics in Valparaiso in March.", "conference", "Valparaiso"),
    ],
)
def test_a_place_hung_on_a_noun_triggers_complement_is_the_events(rules, nlp, text, trigger, place):
    assert fillers(find(extract(rules, nlp, text), "MEETING", trigger), "place") == [place]


def test_talks_on_a_conflict_are_not_held_where_it_is(rules, nlp):
    text = "The two presidents met in Brasilia for talks on the conflict in Darfur."
    assert "Darfur" not in fillers(find(extract(rules, nlp, text), "MEETING", "talks"), "place")


@pytest.mark.parametrize(
    "text, label, trigger, place, time",
    [
        # an infinitive of purpose happens where and when the act it serves does
        ("Officials of both sides will meet in Tarija on Thursday to discuss the dam.", "MEETING", "discuss", "Tarija", "Thursday"),
        # the destination of a journey made for the event
        ("The Chilean president will travel to Brasilia on Friday to chair a summit on trade.", "MEETING", "summit",
         "Brasilia", "Friday"),
        ("The Bolivian envoy will visit Lima next week for talks on the border.", "MEETING", "talks", "Lima", "next week"),
        # an occasion's place and date are the event's (corpus convention 9)
        ("Uruguay and Paraguay signed four agreements during a visit by the Paraguayan president to Brasilia on Monday.",
         "AGREEMENT", "signed four agreements", "Brasilia", "Monday"),
        ("Chile and Peru reached a convergence of views on fishing during a phone call on Wednesday.",
         "AGREEMENT", "convergence of views", None, "Wednesday"),
        # "the town of X" is in X; "Monday's meeting" is on Monday
        ("Ministers of both countries met in the border town of Desaguadero on Sunday.", "MEETING", "met", "Desaguadero", "Sunday"),
        ("Quito is expected to veto the plan at Monday's meeting of Andean ministers.", "MEETING", "meeting", None, "Monday"),
    ],
)
def test_places_and_times_of_what_the_event_is_part_of(rules, nlp, text, label, trigger, place, time):
    event = find(extract(rules, nlp, text), label, trigger)
    assert fillers(event, "place") == ([place] if place else [])
    assert fillers(event, "time") == ([time] if time else [])


def test_a_place_is_not_taken_from_an_infinitive_that_is_agreed(rules, nlp):
    text = "Peru and Chile agreed in Lima on Friday to resume talks on the maritime border."
    talks = find(extract(rules, nlp, text), "MEETING", "talks")
    assert fillers(talks, "place") == [] and fillers(talks, "time") == []


# -- modality of circumstances, clauses of time and denied proposals ------------------------------


@pytest.mark.parametrize(
    "text, label, trigger, modality",
    [
        # what an event is only the circumstance of does not lend it its own lemma's plan
        ("Andean leaders agreed at a summit in Quito on Friday to open talks on tariffs.", "MEETING", "summit", "asserted"),
        ("The ministers failed to agree at a meeting in Lima on Monday.", "MEETING", "meeting", "asserted"),
        # a future date possessor, a clause of time in the present under a future
        ("Chile declined to attend next week's summit in Lima.", "MEETING", "summit", "planned"),
        ("The envoy is expected to urge both sides to cut tariffs when they meet in Quito on Friday.", "MEETING", "meet", "planned"),
        # an event that is due
        ("The talks are due to resume in Geneva on Monday.", "MEETING", "talks", "planned"),
        # not answering a proposal leaves what it proposed as unreal as before, not negated
        ("Caracas did not respond to Bogota's proposal for border talks.", "MEETING", "talks", "hypothetical"),
    ],
)
def test_modality_of_circumstances_and_plans(rules, nlp, text, label, trigger, modality):
    assert find(extract(rules, nlp, text), label, trigger).modality == modality


def test_a_past_clause_of_time_keeps_its_own_past(rules, nlp):
    text = "Serbia will join the customs union in January after Croatia lifted its veto."
    assert find(extract(rules, nlp, text), "REFUSAL", "veto").modality == "asserted"


# -- statements the rules missed, and what a verb of judging says --------------------------------


@pytest.mark.parametrize(
    "text, trigger, speaker",
    [
        ("The mission needs more officers, its commander told the council, appealing to member states to send police.",
         "appealing", "its commander"),
        ("The UN children's agency appealed for $300 million to feed families in Gaza.", "appealed", "The UN children's agency"),
        ("Quito said it had no interest in new talks, state media reported.", "reported", "state media"),
        ("Caracas blamed the sanctions for the fuel shortage.", "blamed", "Caracas"),
    ],
)
def test_statements_by_appeal_report_and_blame(rules, nlp, text, trigger, speaker):
    event = find(extract(rules, nlp, text), "STATEMENT", trigger)
    assert event.trigger.text == trigger
    assert fillers(event, "speaker") == [speaker]


def test_a_thing_blamed_is_no_statement(rules, nlp):
    assert not [e for e in extract(rules, nlp, "Heavy rain was blamed for the floods.") if e.label == "STATEMENT"]


def test_an_appeal_participle_is_not_part_of_the_told_content(rules, nlp):
    text = "Its commander told the council that the mission needs more officers, appealing to member states to send police."
    told = find(extract(rules, nlp, text), "STATEMENT", "told")
    assert fillers(told, "content") == ["the mission needs more officers"]


@pytest.mark.parametrize(
    "text, trigger, content",
    [
        ("Lima accused Santiago of stoking tensions on the border, a minister told reporters.", "accused",
         "Santiago of stoking tensions on the border"),
        ("Each side blamed the other for starting the clash.", "blamed", "the other for starting the clash"),
        ('The minister called the decision "a betrayal".', "called", 'the decision "a betrayal"'),
        ("Rights groups condemned the deal as a breach of the law.", "condemned", "the deal"),
    ],
)
def test_what_a_verb_of_judging_says_of_its_object(rules, nlp, text, trigger, content):
    assert fillers(find(extract(rules, nlp, text), "STATEMENT", trigger), "content") == [content]


@pytest.mark.parametrize(
    "text, speaker, content",
    [
        ("Peru could block the opening of the next trade chapter with Bolivia, a government source in Lima said.",
         "a government source", "Peru could block the opening of the next trade chapter with Bolivia"),
        ("The delegation will boycott the talks in Geneva, its representative at the United Nations said.",
         "its representative", "The delegation will boycott the talks in Geneva"),
    ],
)
def test_a_speaker_hung_inside_the_quote_before_said(rules, nlp, text, speaker, content):
    events = extract(rules, nlp, text)
    said = find(events, "STATEMENT", "said")
    assert fillers(said, "speaker") == [speaker]
    assert fillers(said, "content") == [content]
    refusal = find(events, "REFUSAL", "")
    assert not any(speaker in r for r in fillers(refusal, "refused"))

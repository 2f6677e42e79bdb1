"""The rules extractor on sentences: triggers, roles and modality as docs/guidelines.md defines them."""

from __future__ import annotations

import pytest

from eventcoder.core.formats import ProposedEvent
from eventcoder.pipeline.tasks import make_task


def extract(rules, nlp, text: str) -> list[ProposedEvent]:
    return rules.events(nlp(text))


def find(events: list[ProposedEvent], label: str, trigger: str) -> ProposedEvent:
    """The event of ``label`` whose trigger contains (or is contained in) ``trigger``."""
    for event in events:
        if event.label == label and (trigger in event.trigger.text or event.trigger.text in trigger):
            return event
    shown = [(e.label, e.trigger.text, e.modality) for e in events]
    raise AssertionError(f"no {label} event on {trigger!r}; found {shown}")


def fillers(event: ProposedEvent, role: str) -> list[str]:
    return [a.text for a in event.arguments if a.role == role]


def assert_role(event: ProposedEvent, role: str, *expected: str) -> None:
    """Each expected text overlaps one argument of ``role`` (scorers match on overlap)."""
    found = fillers(event, role)
    for text in expected:
        assert any(text in f or f in text for f in found), f"{role}={text!r} not in {found} ({event.trigger.text!r})"


# -- triggers and arguments ---------------------------------------------------------------------


def test_verbal_meeting_with_participants_place_and_time(rules, nlp):
    event = find(extract(rules, nlp, "Belarusian Foreign Minister Vladimir Makei met Sergey Lavrov in Moscow on Wednesday."), "MEETING", "met")
    assert event.modality == "asserted"
    assert_role(event, "participant", "Vladimir Makei", "Sergey Lavrov")
    assert fillers(event, "place") == ["Moscow"]
    assert fillers(event, "time") == ["Wednesday"]


def test_following_a_meeting_with_takes_the_speaker_as_participant(rules, nlp):
    events = extract(rules, nlp, "Makei said at a news conference in Moscow, following a meeting with his Russian counterpart Sergey Lavrov.")
    meeting = find(events, "MEETING", "meeting")
    assert_role(meeting, "participant", "Makei", "Sergey Lavrov")
    assert not any(e.label == "MEETING" and "conference" in e.trigger.text for e in events), "a news conference is not a meeting"


def test_held_talks_is_one_event_on_the_noun(rules, nlp):
    events = extract(rules, nlp, "Chinese and Russian defence ministers held talks with Indian officials in Beijing on Thursday.")
    talks = find(events, "MEETING", "talks")
    assert [e.trigger.text for e in events if e.label == "MEETING"] == ["talks"]
    assert_role(talks, "participant", "Chinese and Russian defence ministers", "Indian officials")
    assert fillers(talks, "place") == ["Beijing"]
    assert fillers(talks, "time") == ["Thursday"]


def test_talks_between_and_round_of_talks(rules, nlp):
    talks = find(extract(rules, nlp, "Talks between Iran and the United States resumed in Oman."), "MEETING", "Talks")
    assert_role(talks, "participant", "Iran", "the United States")
    event = find(extract(rules, nlp, "Armenia and Azerbaijan held a new round of talks in Almaty."), "MEETING", "talks")
    assert_role(event, "participant", "Armenia", "Azerbaijan")


def test_agreement_was_reached_and_convergence_of_views(rules, nlp):
    events = extract(rules, nlp, "An agreement was reached on further interaction on anti-trafficking issues.")
    assert_role(find(events, "AGREEMENT", "agreement"), "topic", "further interaction on anti-trafficking issues")
    events = extract(rules, nlp, "There was a convergence of views on the impact of migration.")
    event = find(events, "AGREEMENT", "convergence of views")
    assert event.trigger.text == "convergence of views"
    assert_role(event, "topic", "the impact of migration")


def test_passives(rules, nlp):
    signed = find(extract(rules, nlp, "The treaty was signed by Russia and China in Beijing."), "AGREEMENT", "signed")
    assert_role(signed, "party", "Russia", "China")
    assert_role(signed, "topic", "The treaty")
    received = find(extract(rules, nlp, "The Iraqi prime minister was received by King Abdullah in Amman."), "MEETING", "received")
    assert_role(received, "participant", "The Iraqi prime minister", "King Abdullah")


def test_sign_and_agreement_noun_are_one_event(rules, nlp):
    events = extract(rules, nlp, "Israel and the UAE signed a normalisation agreement at the White House.")
    agreements = [e for e in events if e.label == "AGREEMENT"]
    assert [e.trigger.text for e in agreements] == ["signed a normalisation agreement"]
    assert_role(agreements[0], "party", "Israel", "the UAE")


def test_reporting_verb_after_the_quote(rules, nlp):
    said = find(extract(rules, nlp, "“We are ready for dialogue with all our neighbours,” Makei said on Friday."), "STATEMENT", "said")
    assert fillers(said, "speaker") == ["Makei"]
    assert fillers(said, "content") == ["We are ready for dialogue with all our neighbours"]
    assert fillers(said, "time") == ["Friday"]
    inverted = find(extract(rules, nlp, "\"The door remains open,\" said Deputy Foreign Minister Oleg Kravets."), "STATEMENT", "said")
    assert_role(inverted, "speaker", "Oleg Kravets")
    assert_role(inverted, "content", "The door remains open")


def test_reported_clause_is_the_content(rules, nlp):
    said = find(extract(rules, nlp, "Lavrov said Moscow demanded explanations from the UN."), "STATEMENT", "said")
    assert fillers(said, "content") == ["Moscow demanded explanations from the UN"]
    demanded = find(extract(rules, nlp, "Lavrov said Moscow demanded explanations from the UN."), "STATEMENT", "demanded")
    assert_role(demanded, "speaker", "Moscow")


def test_coordinated_subjects_and_objects(rules, nlp):
    met = find(extract(rules, nlp, "Putin and Xi met with Modi and Lula in Johannesburg."), "MEETING", "met")
    assert_role(met, "participant", "Putin", "Xi", "Modi", "Lula")
    assert len(fillers(met, "participant")) == 4
    condemned = find(extract(rules, nlp, "Germany and France condemned the attack on the monitoring mission."), "STATEMENT", "condemned")
    assert fillers(condemned, "speaker") == ["Germany and France"]  # speaker does not repeat: one span


def test_appositions_keep_the_name(rules, nlp):
    said = find(extract(rules, nlp, "The US ambassador, Linda Carver, said Washington would keep pushing for a vote."), "STATEMENT", "said")
    assert_role(said, "speaker", "Linda Carver")
    met = find(extract(rules, nlp, "Makei met his Russian counterpart Sergey Lavrov."), "MEETING", "met")
    assert_role(met, "participant", "his Russian counterpart Sergey Lavrov")


def test_statement_roles(rules, nlp):
    told = find(extract(rules, nlp, "Seitkali told journalists in Astana that Kazakhstan would not join the sanctions."), "STATEMENT", "told")
    assert_role(told, "speaker", "Seitkali")
    assert_role(told, "addressee", "journalists")
    assert_role(told, "content", "Kazakhstan would not join the sanctions")
    assert fillers(told, "place") == ["Astana"]
    urged = find(extract(rules, nlp, "He urged the UN to be guided by first-hand information."), "STATEMENT", "urged")
    assert_role(urged, "addressee", "the UN")
    assert_role(urged, "content", "to be guided by first-hand information")
    concern = find(extract(rules, nlp, "He expressed concern about the escalation of the problem."), "STATEMENT", "expressed concern")
    assert concern.trigger.text == "expressed concern"
    assert_role(concern, "content", "the escalation of the problem")


def test_said_in_a_statement_is_two_mentions(rules, nlp):
    events = extract(rules, nlp, "The ministers discussed regional security, the foreign ministry said in a statement.")
    assert_role(find(events, "STATEMENT", "said"), "speaker", "the foreign ministry")
    assert_role(find(events, "STATEMENT", "statement"), "speaker", "the foreign ministry")
    assert_role(find(events, "MEETING", "discussed"), "topic", "regional security")


def test_visit_to_a_capital_is_a_place(rules, nlp):
    visit = find(extract(rules, nlp, "Chinese Foreign Minister Zhou Min will visit Moscow next week."), "MEETING", "visit")
    assert visit.modality == "planned"
    assert_role(visit, "participant", "Zhou Min")
    assert fillers(visit, "place") == ["Moscow"]


def test_a_mention_used_by_two_events_gets_both_roles(rules, nlp, registry):
    doc = nlp("Makei said at a news conference in Moscow, following a meeting with his Russian counterpart Sergey Lavrov.")
    task = make_task(doc[:], rules.events(doc), {}, registry)
    makei = [r for r in task["relations"] if r["child_span"]["start"] == 0]
    assert sorted(r["label"] for r in makei) == ["participant", "speaker"]
    assert len({(r["child_span"]["start"], r["child_span"]["end"]) for r in makei}) == 1


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, trigger, refuser, refused",
    [
        ("Makei said Minsk will not send any officials to the conference in Vienna.", "will not send", "Minsk", "the conference"),
        ("None of the officials from Belarus will take part in it.", "will take part", "officials from Belarus", "it"),
        ("Armenia declined to attend next week's summit in Minsk.", "declined", "Armenia", "summit"),
        ("Hamas rejected the latest ceasefire proposal.", "rejected", "Hamas", "the latest ceasefire proposal"),
        ("Several Western ambassadors boycotted the inauguration ceremony.", "boycotted", "Several Western ambassadors", "the inauguration ceremony"),
        ("Serbian Foreign Minister Dragan Milic walked out of a meeting of the Council of Europe.", "walked out", "Dragan Milic", "a meeting"),
        ("The Belarusian leadership never welcomes the idea of mediation.", "never welcomes", "The Belarusian leadership", "the idea of mediation"),
        ("Russia vetoed a draft resolution on humanitarian deliveries.", "vetoed", "Russia", "a draft resolution"),
        ("The chancellor ruled out sending long-range missiles to Ukraine.", "ruled out", "The chancellor", "sending"),
        ("Hungary blocked an EU statement criticising China.", "blocked", "Hungary", "an EU statement"),
        ("The delegation would not attend the forum, its spokesman said.", "would not attend", "The delegation", "the forum"),
    ],
)
def test_refusals_are_asserted_with_refuser_and_refused(rules, nlp, text, trigger, refuser, refused):
    event = find(extract(rules, nlp, text), "REFUSAL", trigger)
    assert event.modality == "asserted", event
    assert trigger in event.trigger.text or event.trigger.text in trigger
    assert_role(event, "refuser", refuser)
    assert_role(event, "refused", refused)


def test_the_verb_inside_a_refusal_is_not_an_event(rules, nlp):
    events = extract(rules, nlp, "Serbia refused to sign the declaration.")
    assert find(events, "REFUSAL", "refused").modality == "asserted"
    assert not any(e.label == "AGREEMENT" and e.modality in ("asserted", "planned") for e in events)
    events = extract(rules, nlp, "The ministry declined to comment on the report.")
    assert [e.label for e in events] == ["REFUSAL"]


def test_a_meeting_refused_by_someone_still_takes_place(rules, nlp):
    events = extract(rules, nlp, "China boycotted the summit in Oslo.")
    assert find(events, "REFUSAL", "boycotted").modality == "asserted"
    assert find(events, "MEETING", "summit").modality == "asserted"


# -- modality ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, label, trigger, modality",
    [
        ("Belarus is ready for a dialogue with the EU over the migration crisis.", "MEETING", "dialogue", "hypothetical"),
        ("“Let's talk confidentially, somewhere in basements,” he said.", "MEETING", "talk", "hypothetical"),
        ("Erdogan said Turkey would sign the deal if its demands were met.", "AGREEMENT", "sign the deal", "hypothetical"),
        ("The UN Security Council called for talks between the two sides.", "MEETING", "talks", "hypothetical"),
        ("France hopes to reach a deal with Algeria before the end of the year.", "AGREEMENT", "deal", "hypothetical"),
        ("A deal could be announced as early as next week, diplomats said.", "AGREEMENT", "deal", "hypothetical"),
        ("Egypt proposed a meeting of Nile basin states in Cairo next month.", "MEETING", "meeting", "hypothetical"),
        ("The ministers did not meet in Geneva.", "MEETING", "meet", "negated"),
        ("Ukraine and Russia failed to reach an agreement on grain exports.", "AGREEMENT", "agreement", "negated"),
        ("Talks between Iran and the United States have been frozen since May.", "MEETING", "Talks", "negated"),
        ("No agreement was reached at the meeting.", "AGREEMENT", "agreement", "negated"),
        ("The summit was cancelled because of the strike.", "MEETING", "summit", "negated"),
        ("Tokyo and Seoul have yet to agree on how to share the costs.", "AGREEMENT", "agree", "negated"),
        ("The two leaders will meet on Friday in Paris.", "MEETING", "meet", "planned"),
        ("The foreign ministers are expected to meet in Paris next week.", "MEETING", "meet", "planned"),
        ("Austria proposed a conference to be held in Vienna.", "MEETING", "conference", "hypothetical"),
        ("The conference to be held in Vienna will discuss disarmament.", "MEETING", "conference", "planned"),
        ("Danilevich said Minsk and Moscow would sign an agreement on visas later this year.", "AGREEMENT", "sign an agreement", "planned"),
        ("China and India agreed to resume border talks.", "AGREEMENT", "agreed", "asserted"),
        ("China and India agreed to meet again in April.", "MEETING", "meet", "planned"),
        ("Putin met Erdogan in Sochi on Monday.", "MEETING", "met", "asserted"),
        ("Slovakia is expected to veto the sanctions package.", "REFUSAL", "veto", "planned"),
        ("Bulgaria could block the opening of the next negotiating chapter.", "REFUSAL", "block", "hypothetical"),
        ("In the end, Hungary did not block the decision.", "REFUSAL", "block", "negated"),
        ("Hungary will boycott the meeting, the minister said.", "REFUSAL", "boycott", "asserted"),
    ],
)
def test_modality(rules, nlp, text, label, trigger, modality):
    assert find(extract(rules, nlp, text), label, trigger).modality == modality


@pytest.mark.parametrize(
    "text",
    [
        "Belarus is ready for a dialogue with the EU.",
        "We are ready to resolve any issues through dialogue.",
        "Iran said it was ready to resume nuclear talks if Washington lifted sanctions.",
        "Lithuanian and Belarusian ministers have not met since 2020.",
        "No meeting between the two presidents was planned for this month.",
        "The EU wants an agreement on migration before the summer.",
        "Negotiations on the deal collapsed in March.",
        "Moscow would welcome any steps towards restoring dialogue, Belyaev said.",
        "Any agreement must include guarantees for Kyiv.",
        "He denied that the two sides had held talks.",
        "It is not the right way to launch a dialogue.",
        "We see no point in talking to the regime in Minsk.",
        "Oman offered to host a new round of talks between Iran and the United States.",
        "The talks were postponed indefinitely.",
        "Kyiv urged Moscow to return to negotiations.",
        "Ankara and Athens might sign a maritime accord next year.",
    ],
)
def test_irrealis_events_are_never_claimed_as_real(rules, nlp, text):
    for event in extract(rules, nlp, text):
        if event.label in ("MEETING", "AGREEMENT"):
            assert event.modality in ("negated", "hypothetical"), (event.label, event.trigger.text, event.modality)


# -- no event ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Oil prices rose 2 percent on Monday, according to traders.",
        "Prices for potash fertiliser rose 4 percent on the commodity exchange.",
        "Heavy rain and strong winds are expected across the north of the country later this week.",
        "Gunmen attacked a police checkpoint near the border, killing three officers.",
        "Thousands of protesters marched through the capital demanding higher wages.",
        "The company is struggling to meet demand for its new electric vehicles.",
        "The new pipeline will meet about a third of the country's annual demand.",
        "Real Madrid signed a five-year contract with the Brazilian striker.",
        "The club agreed a fee of 40 million euros with Benfica for the midfielder.",
        "Manchester United will meet Liverpool in the FA Cup semi-final.",
        "The talk show host interviewed the actor on Sunday night.",
        "Exports declined to 5 billion dollars in March.",
        "Police blocked the road leading to the parliament building.",
        "The storm claimed at least 12 lives and destroyed hundreds of homes.",
        "The index added 120 points to close at a record high.",
        "The findings are in agreement with earlier estimates by the World Bank.",
        "There is a great deal of uncertainty about the economy.",
        "The troops pulled out of the town after heavy fighting.",
        "Queues of trucks at the border stretched for 20 kilometres, according to the border committee.",
        "The museum received a record number of visitors in August.",
        "Fans welcomed the team at the airport after the victory.",
        "The minister's plane landed in Berlin shortly after noon.",
    ],
)
def test_no_event(rules, nlp, text):
    assert extract(rules, nlp, text) == []

"""The team side of the review page in a real browser (Debian's chromium through Playwright):
two sessions on one server with and without overlap, arcs, an adjudication that merges two
answers, the team page, an actor's codes edited."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from test_review_api import make_tasks, open_app, rows, serving, write_jsonl
from test_review_browser import browser, event_card, page, shows, token  # noqa: F401 - fixtures and helpers
from test_review_team import _two_annotators_disagree

from eventcoder.annotation.webapp.server import ReviewOptions, open_review


@pytest.fixture(scope="module")
def tasks(nlp, registry):
    return make_tasks(nlp, registry)


@pytest.fixture
def second(browser):  # noqa: F811 - a second person's browser, cookies and storage of its own
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    other = context.new_page()
    errors = []
    other.on("pageerror", lambda error: errors.append(str(error)))
    yield other
    context.close()
    assert errors == []


def test_two_sessions_without_overlap_share_the_input(page, second, tasks, tmp_path):  # noqa: F811
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "t.jsonl", tasks), db)) as url:
        page.goto(f"{url}/?session=alice")
        shows(page, "Makei met Lavrov")
        second.goto(f"{url}/?session=bob")
        shows(second, "Lavrov said Minsk")  # the next free task, not alice's
        expect(page.locator("#annotator")).to_have_text("alice")
        expect(second.locator("#annotator")).to_have_text("bob")
        page.keyboard.press("a")
        shows(page, "signed an agreement")
        expect(page.locator("#progress-text")).to_have_text("1 / 4 done")
        second.keyboard.press("x")
        shows(second, "<script>")
        expect(second.locator("#progress-text")).to_have_text("1 / 4 done")
        expect(second.locator("#team-progress")).to_have_text("team: 2 finished")
    assert [(r["annotator"], r["answer"]) for r in rows(db)] == [("alice", "accept"), ("bob", "reject")]


def test_two_sessions_with_overlap_both_see_every_task(page, second, tasks, tmp_path):  # noqa: F811
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "t.jsonl", tasks), db, feed_overlap=True)) as url:
        page.goto(f"{url}/?session=alice")
        second.goto(f"{url}/?session=bob")
        shows(page, "Makei met Lavrov")
        shows(second, "Makei met Lavrov")
        expect(page.locator("#session")).to_contain_text("(every task)")
        page.keyboard.press("a")
        second.keyboard.press("a")
        shows(page, "Lavrov said Minsk")
        shows(second, "Lavrov said Minsk")
        page.goto(f"{url}/team?session=alice")
        expect(page.locator("#annotators tbody tr")).to_have_count(2)
        expect(page.locator("#annotators tbody tr").first).to_have_text("alice1100n/a")  # one answer: no speed yet
        expect(page.locator("#pairs tbody tr")).to_have_count(1)
        expect(page.locator("#pairs tbody tr td").nth(2)).to_have_text("1.000")  # trigger F1 on the shared text
    assert sorted(r["annotator"] for r in rows(db)) == ["alice", "bob"]


def test_arcs_join_each_trigger_to_its_arguments(page, tasks, tmp_path):  # noqa: F811
    with serving(open_app(write_jsonl(tmp_path / "t.jsonl", tasks[1:2]), tmp_path / "a.db")) as url:
        page.goto(url)
        shows(page, "Lavrov said Minsk")
        arcs = page.locator("#arcs .arc")
        # STATEMENT: speaker, content; REFUSAL: refuser, place.
        expect(arcs).to_have_count(4)
        assert sorted(arcs.locator("text").all_text_contents()) == ["content", "place", "refuser", "speaker"]
        for arc in arcs.all():  # each one a drawn curve going up from the text
            d = arc.locator("path").get_attribute("d")
            assert d.startswith("M ") and " C " in d
        event_card(page, "REFUSAL").hover()
        expect(page.locator("#arcs .arc.hl")).to_have_count(2)
        expect(page.locator("#arcs .arc.dim")).to_have_count(2)
        expect(page.locator("#text mark.span.hl")).to_have_count(3)  # trigger, refuser, place
        card = event_card(page, "REFUSAL")
        card.locator(".arg").filter(has_text="place").locator("button.x").click()
        expect(arcs).to_have_count(3)
        assert page.locator("#text").text_content() == tasks[1]["text"]  # the arcs are not part of the text


def test_an_adjudication_merges_two_answers(page, tasks, tmp_path):  # noqa: F811
    db = tmp_path / "a.db"
    _two_annotators_disagree(write_jsonl(tmp_path / "t.jsonl", tasks), db, tasks)
    review = open_review(ReviewOptions(source="ds", dataset="final", annotator="judge", db=str(db), adjudicate=True))
    with serving(review) as url:
        page.goto(url)
        shows(page, "Makei met Lavrov")
        expect(page.locator("#agreed")).to_have_text("All annotators agree")
        page.keyboard.press("a")
        shows(page, "Lavrov said Minsk")
        expect(page.locator("#agreed")).to_contain_text("differ")
        versions = page.locator(".version")
        expect(versions).to_have_count(2)
        alice, bob = versions.nth(0), versions.nth(1)
        expect(alice.locator(".v-title b")).to_have_text("alice")
        expect(alice.locator(".v-event.diff .event-type")).to_have_text("STATEMENT")
        expect(alice.locator(".v-modality")).to_have_text("planned")
        expect(bob.locator(".v-event.diff .event-type")).to_have_text("REFUSAL")
        alice.locator("button.use").click()
        expect(page.locator("#events .event")).to_have_count(1)
        bob.locator(".v-event").filter(has_text="REFUSAL").locator("button.add").click()
        expect(page.locator("#events .event")).to_have_count(2)
        expect(page.locator("#status")).to_contain_text("Added bob's REFUSAL")
        page.keyboard.press("a")
        expect(page.locator("#finished")).to_be_visible()
    final = [json.loads(r["task"]) for r in rows(db) if r["dataset"] == "final"]
    assert {(e["label"], e["modality"]) for e in final[1]["events"]} == {("STATEMENT", "planned"), ("REFUSAL", "asserted")}
    assert [s["_annotator_id"] for s in final[1]["_adjudicated_from"]] == ["alice", "bob"]


def test_an_actors_name_and_codes_show_and_can_be_edited(page, tasks, tmp_path):  # noqa: F811
    task = json.loads(json.dumps(tasks[0]))
    for span in task["spans"]:
        if span["label"] == "ACTOR":
            span.update(name=task["text"][span["start"]:span["end"]], code="BLR" if span["start"] == 0 else "RUS", sector="GOV")
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "t.jsonl", [task]), db)) as url:
        page.goto(url)
        shows(page, "Makei met")
        expect(page.locator(".actor-attrs")).to_have_text(["Makei · BLR · GOV", "Lavrov · RUS · GOV"])
        page.locator("#text mark.span", has_text="Lavrov").locator(".tag").click()
        page.locator("#popover input[data-attr=code]").fill("RUSMFA")
        page.locator("#popover input[data-attr=code]").press("Tab")
        expect(page.locator(".actor-attrs").nth(1)).to_have_text("Lavrov · RUSMFA · GOV")
        page.locator("#accept").click()
        expect(page.locator("#finished")).to_be_visible()
    stored = json.loads(rows(db)[0]["task"])
    assert [s["code"] for s in stored["spans"] if s["label"] == "ACTOR"] == ["BLR", "RUSMFA"]

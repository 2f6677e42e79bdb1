"""The review page in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

These tests never skip: CI installs ``chromium`` with apt-get and ``playwright`` with pip
(never ``playwright install``: there is no network for browser downloads).
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from test_review_api import (
    XSS_TEXT,
    make_tasks,
    open_app,
    payload,
    rows,
    serving,
    write_jsonl,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.dialogs = []  # any alert() would be an injected script running
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
    assert page.errors == []


@pytest.fixture(scope="module")
def tasks(nlp, registry):
    return make_tasks(nlp, registry)


def shows(page: Page, text: str) -> None:
    expect(page.locator("#text")).to_contain_text(text)


def token(page: Page, text: str):
    return page.locator("#text .tok").get_by_text(text, exact=True)


def event_card(page: Page, label: str):
    return page.locator(".event").filter(has=page.locator(".event-type", has_text=label))


def test_review_three_tasks_with_an_edit_then_restart(page, tasks, tmp_path):
    db = tmp_path / "review.db"
    task_file = write_jsonl(tmp_path / "tasks.jsonl", tasks)
    with serving(open_app(task_file, db)) as url:
        page.goto(url)
        shows(page, "Makei met Lavrov")
        expect(page.locator("#progress-text")).to_have_text("0 / 4 done")
        expect(event_card(page, "MEETING").locator(".arg")).to_have_count(4)
        page.keyboard.press("a")

        shows(page, "Lavrov said Minsk")
        page.locator("#reject").click()

        shows(page, "signed an agreement")
        card = event_card(page, "AGREEMENT")
        card.locator("select.modality").select_option("planned")
        card.locator(".arg").filter(has_text="place").locator("button.x").click()
        token(page, "Monday").click()  # a free word: the selection popover
        page.locator("#popover button", has_text="TIME").click()
        expect(page.locator("#text mark.span", has_text="Monday")).to_have_count(1)
        trigger = page.locator("#text mark.span", has_text="signed").locator(".tok").first
        trigger.click()  # the trigger ...
        expect(page.locator("#text mark.span.active")).to_contain_text("signed")
        page.keyboard.press("Escape")  # (chosen no more)
        expect(page.locator("#text mark.span.active")).to_have_count(0)
        trigger.click()
        token(page, "Monday").click()  # ... then the argument: its role
        page.locator("#popover button", has_text="time").click()
        expect(card.locator(".arg")).to_have_text([
            "partyThe two ministers×", "topictrade×", "timeMonday×"])
        page.locator("#accept").click()
        shows(page, "<script>")
        expect(page.locator("#progress-text")).to_have_text("3 / 4 done")

    port = int(url.rsplit(":", 1)[1])
    with serving(open_app(task_file, db), port) as url:  # a restart on the same port
        page.reload()
        shows(page, "<script>")  # the one task left
        expect(page.locator("#progress-text")).to_have_text("3 / 4 done")

    stored = rows(db)
    assert [(r["task_hash"], r["answer"], r["session"]) for r in stored] == [
        (tasks[0]["_task_hash"], "accept", "ds-anna"), (tasks[1]["_task_hash"], "reject", "ds-anna"),
        (tasks[2]["_task_hash"], "accept", "ds-anna")]
    [event] = json.loads(stored[2]["task"])["events"]
    assert event["modality"] == "planned"
    assert [(a["role"], a["text"]) for a in event["arguments"]] == [
        ("party", "The two ministers"), ("topic", "trade"), ("time", "Monday")]
    assert json.loads(stored[0]["task"])["events"] == tasks[0]["events"]


def test_markup_in_the_text_and_meta_shows_literally(page, tasks, tmp_path):
    xss = next(task for task in tasks if task["text"] == XSS_TEXT)
    xss = dict(xss, meta={"source": "<img src=x onerror=alert(3)>", "note": "<b>bold</b>"})
    with serving(open_app(write_jsonl(tmp_path / "tasks.jsonl", [xss]), tmp_path / "a.db")) as url:
        page.goto(url)
        shows(page, "before the talks")
        assert page.locator("#text").text_content() == XSS_TEXT
        expect(page.locator("#text mark.span .tag")).to_have_count(3)
        assert "<img src=x onerror=alert(3)>" in page.locator("#meta").text_content()
        assert "<b>bold</b>" in page.locator("#meta").text_content()
        assert page.locator("body script, body img").count() == 0  # none made from the data
        assert page.locator("#meta b").all_text_contents() == ["source ", "note "]  # our own, for the keys
        token(page, "before").click()  # the selection popover quotes the text, as text too
        expect(page.locator("#popover .quote")).to_have_text("“before”")
        page.wait_for_timeout(200)  # give any injected handler the chance to fire
    assert page.dialogs == []


def test_keyboard_shortcuts(page, tasks, tmp_path):
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "tasks.jsonl", tasks), db)) as url:
        page.goto(url)
        shows(page, "Makei met")
        page.keyboard.press(" ")
        shows(page, "Lavrov said")
        page.keyboard.press("x")
        shows(page, "signed an agreement")
        page.keyboard.press("Backspace")  # undo the reject: that task is back
        shows(page, "Lavrov said")
        expect(page.locator("#status")).to_contain_text("Undid")
        page.keyboard.press("a")
        shows(page, "signed an agreement")
        expect(page.locator("#progress-text")).to_have_text("2 / 4 done")
        token(page, "trade").click()
        expect(page.locator("#popover")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("#popover")).to_be_hidden()
    assert [(r["task_hash"], r["answer"]) for r in rows(db)] == [
        (tasks[0]["_task_hash"], "ignore"), (tasks[1]["_task_hash"], "accept")]


def test_a_content_clause_is_dragged_over_other_spans(page, tasks, tmp_path):
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "tasks.jsonl", tasks[1:2]), db)) as url:
        page.goto(url)
        shows(page, "Lavrov said Minsk")
        card = event_card(page, "STATEMENT")
        card.locator(".arg").filter(has_text="content").locator("button.x").click()
        expect(page.locator("#text .tok.clause")).to_have_count(0)
        card.locator(".event-head").click()  # choose the statement's trigger
        token(page, "Minsk").hover()
        page.mouse.down()
        token(page, "officials").hover()
        page.mouse.up()
        expect(page.locator("#popover")).not_to_contain_text("Mark as")  # it covers marked spans
        page.locator("#popover button", has_text="content").click()
        expect(card.locator(".arg-text.clause")).to_have_text("Minsk will not send any officials")
        page.keyboard.press("a")
        expect(page.locator("#finished")).to_be_visible()
    statement = next(e for e in json.loads(rows(db)[0]["task"])["events"] if e["label"] == "STATEMENT")
    assert [(a["role"], a["text"]) for a in statement["arguments"]] == [
        ("speaker", "Lavrov"), ("content", "Minsk will not send any officials")]


def test_a_task_answered_elsewhere_moves_the_page_on(page, tasks, tmp_path):
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "tasks.jsonl", tasks), db)) as url:
        page.goto(url)
        shows(page, "Makei met")
        assert httpx.post(f"{url}/api/answer", json=payload(tasks[0], "reject", client="other-tab")).status_code == 200
        page.keyboard.press("a")  # too late: the server says 404, the page shows the next task
        shows(page, "Lavrov said")
        expect(page.locator("#status")).to_contain_text("answered already")
    assert [(r["task_hash"], r["answer"]) for r in rows(db)] == [(tasks[0]["_task_hash"], "reject")]

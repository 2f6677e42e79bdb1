"""``eventcoder evaluate --report``: the HTML report's numbers match ``evaluate --json``, it is
self-contained and safe, and it renders in headless Chromium (Debian's ``chromium``)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import run_cli
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
XSS = '<script>alert("x")</script>'


def at(text: str, piece: str, n: int = 1) -> dict:
    start = -1
    for _ in range(n):
        start = text.index(piece, start + 1)
    return {"start": start, "end": start + len(piece), "text": piece}


def ev(text: str, label: str, trigger: str, args=(), modality: str = "asserted") -> dict:
    return {"label": label, "modality": modality, "trigger": at(text, trigger),
            "arguments": [{**at(text, piece), "role": role} for role, piece in args]}


A = "Makei met Lavrov in Moscow. He said talks would resume."
B = "Minsk refused to sign the deal, and Kyiv may sign it."
C = f"The {XSS} envoy & \"team\" met in Oslo."
D = "Prices rose on Monday."
#: Gold and predictions with a known error of each kind.
GOLD = [
    (A, [ev(A, "MEETING", "met", [("participant", "Makei"), ("participant", "Lavrov"), ("place", "Moscow")]),
         ev(A, "STATEMENT", "said", [("speaker", "He")])]),
    (B, [ev(B, "REFUSAL", "refused", [("refuser", "Minsk")]),
         ev(B, "AGREEMENT", "sign", [("party", "Kyiv")], "hypothetical") | {"trigger": at(B, "sign", 2)}]),
    (C, [ev(C, "MEETING", "met", [("participant", "envoy"), ("place", "Oslo")])]),
    (D, []),
]
PRED = [
    (A, [ev(A, "MEETING", "met", [("participant", "Makei"), ("place", "Lavrov")]),  # a role wrong, one missed
         ev(A, "STATEMENT", "said", [("speaker", "He")], "planned")]),              # modality wrong
    (B, [ev(B, "AGREEMENT", "refused", [("party", "Minsk")]),                       # wrong type
         ev(B, "AGREEMENT", "sign", [("party", "Kyiv")]) | {"trigger": at(B, "sign", 2)}]),  # irrealis claimed real
    (C, [ev(C, "STATEMENT", "envoy", [("speaker", "team")])]),                      # a false positive, a miss
    (D, []),
]


def write(path, docs) -> str:
    path.write_text("".join(json.dumps({"text": text, "meta": {"id": f"doc{n}"}, "events": events}) + "\n"
                            for n, (text, events) in enumerate(docs)), encoding="utf-8")
    return str(path)


class Cells(HTMLParser):
    """``data-key`` cells by (row, key), confusion cells by (table, gold, pred), and tag names seen."""

    def __init__(self):
        super().__init__()
        self.row, self.table, self.open = None, None, None
        self.cells, self.matrix, self.tags, self.sources = {}, {}, set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.sources += [attrs[k] for k in ("src", "href") if k in attrs]
        if tag == "table":
            self.table = attrs.get("id")
        if tag == "tr":
            self.row = attrs.get("data-row")
        if "data-key" in attrs:
            self.open = (self.row, attrs["data-key"], self.cells)
        elif "data-gold" in attrs:
            self.open = (self.table, (attrs["data-gold"], attrs["data-pred"]), self.matrix)

    def handle_data(self, data):
        if self.open:
            row, key, into = self.open
            into[row, key] = into.get((row, key), "") + data

    def handle_endtag(self, tag):
        if tag in ("td", "b"):
            self.open = None
        if tag == "table":
            self.row = self.table = None


def lookup(result: dict, key: str):
    for part in key.split("."):
        result = result[part]
    return result


def shown(value) -> str:
    return "n/a" if value is None else (str(value) if isinstance(value, int) else f"{value:.3f}")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    gold, pred = write(folder / "gold.jsonl", GOLD), write(folder / "pred.jsonl", PRED)
    curve = folder / "learning_curve.json"
    scores = lambda f1: {"triggers": {"f1": f1}, "arguments": {"f1": f1 / 2}, "irrealis": {"f1": f1 / 3}, "triggers_macro_f1": f1}  # noqa: E731
    curve.write_text(json.dumps({"gold": "train.jsonl", "dev": "dev.jsonl", "points": [
        {"share": share, "records": int(share * 80), "dev": scores(f1)} for share, f1 in ((0.25, 0.4), (0.5, 0.6), (1.0, 0.7))]}))
    report = folder / "report.html"
    result = run_cli("evaluate", gold, pred, "--json", "--report", str(report), "--learning-curve", str(curve))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), report.read_text(encoding="utf-8")


def test_report_tables_match_evaluate_json(made):
    scores, page = made
    parsed = Cells()
    parsed.feed(page)
    expected = {("all", f"{m}.{k}") for m in ("triggers", "arguments", "irrealis") for k in ("precision", "recall", "f1", "tp", "fp", "fn")}
    expected |= {(label, f"per_type.{label}.{m}.{k}") for label in scores["per_type"]
                 for m in ("triggers", "arguments", "irrealis") for k in ("precision", "recall", "f1", "tp", "fp", "fn")}
    expected |= {(f"{label}/{role}", f"per_role.{label}.{role}.{k}") for label, roles in scores["per_role"].items()
                 for role in roles for k in ("precision", "recall", "f1", "tp", "fp", "fn")}
    assert expected <= set(parsed.cells)
    for (row, key), text in parsed.cells.items():
        assert text == shown(lookup(scores, key)), (row, key)
    assert parsed.cells[None, "modality_accuracy"] == shown(scores["modality_accuracy"]) == "0.500"
    assert parsed.cells[None, "irrealis_claimed_as_real"] == "1"
    # per-role counts add up to the type's argument counts
    for label, roles in scores["per_role"].items():
        for k in ("tp", "fp", "fn"):
            assert sum(r[k] for r in roles.values()) == scores["per_type"][label]["arguments"][k]
    assert scores["per_role"]["MEETING"]["place"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 2}


def test_confusions_and_worst_examples(made):
    _, page = made
    parsed = Cells()
    parsed.feed(page)
    types = {key: int(n) for (table, key), n in parsed.matrix.items() if table == "type-confusion" and n != "·"}
    assert types == {("MEETING", "MEETING"): 1, ("STATEMENT", "STATEMENT"): 1, ("REFUSAL", "AGREEMENT"): 1,
                     ("AGREEMENT", "AGREEMENT"): 1, ("MEETING", "none"): 1, ("none", "STATEMENT"): 1}
    modality = {key: int(n) for (table, key), n in parsed.matrix.items() if table == "modality-confusion" and n != "·"}
    assert modality == {("asserted", "asserted"): 1, ("asserted", "planned"): 1, ("hypothetical", "asserted"): 1}
    examples = page[page.index('id="examples"'):]
    assert examples.count('class="example"') == 3  # the errorless document is not shown
    # doc1 (4 errors) first: a missed REFUSAL, a false AGREEMENT, the hypothetical one missed and claimed real
    assert examples.index("doc1") < examples.index("doc0") and examples.index("doc1") < examples.index("doc2")
    assert '<mark class="fp">refused</mark><span class="tag fp">AGREEMENT · false positive</span><span class="tag miss">REFUSAL · miss</span>' in examples
    assert "miss place “Moscow” of “met”" in examples and "false positive place “Lavrov” of “met”" in examples


def test_error_marks_add_up_to_the_scores(registry, tmp_path):
    from eventcoder.learn.evaluate import aligned, score_aligned
    from eventcoder.learn.report.analysis import FALSE_POSITIVE, MISS, analyse

    documents = list(aligned(write(tmp_path / "g.jsonl", GOLD), write(tmp_path / "p.jsonl", PRED), registry))
    scores = score_aligned(documents, registry)
    marks = [mark for doc in analyse(documents, scores["per_type"]).documents for mark in doc.marks]
    assert sum(m.kind == MISS for m in marks) == scores["triggers"]["fn"] + scores["irrealis"]["fn"] == 3
    assert sum(m.kind == FALSE_POSITIVE for m in marks) == scores["triggers"]["fp"] + scores["irrealis"]["fp"] == 3


def test_report_is_self_contained_and_escapes_text(made):
    _, page = made
    parsed = Cells()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert parsed.sources and all(src.startswith("data:image/png;base64,") for src in parsed.sources)
    assert len(parsed.sources) == 2  # F1 by type and the learning curve
    assert XSS not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&amp; &quot;team&quot;" in page
    assert not re.search(r"https?://", page)


def test_report_renders_in_headless_chromium(made, tmp_path):
    _, page_html = made
    report = tmp_path / "report.html"
    report.write_text(page_html, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests, dialogs = [], []
            page.on("request", lambda request: requests.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            assert page.title().startswith("eventcoder report")
            sizes = page.eval_on_selector_all("img.plot", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
            assert len(sizes) == 2 and all(done and width > 600 for done, width in sizes)
            assert page.locator("#per-type tr[data-row=all] td[data-key='triggers.f1']").inner_text() == "0.444"
            assert page.locator("#examples .text", has_text="envoy").first.inner_text().startswith(f"The {XSS} envoy")
            assert dialogs == [] and all(url.startswith(("file:", "data:")) for url in requests)
        finally:
            browser.close()


def test_report_options_are_checked(made, tmp_path):
    gold = write(tmp_path / "gold.jsonl", GOLD)
    result = run_cli("evaluate", gold, gold, "--learning-curve", str(tmp_path / "c.json"))
    assert result.returncode == 2 and "needs --report" in result.stderr
    result = run_cli("evaluate", gold, gold, "--report", str(tmp_path / "r.html"), "--learning-curve", str(tmp_path / "none.json"))
    assert result.returncode == 2 and "none.json: no such file" in result.stderr
    assert not (tmp_path / "r.html").exists()

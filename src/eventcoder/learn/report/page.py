"""The report as one self-contained HTML page: inline CSS, plots as data URIs, no script.

Every piece of text from the inputs (texts, labels, roles, file names) goes through
``html.escape``. Score cells carry ``data-key`` (the key path in ``evaluate --json``, e.g.
``triggers.f1``) and rows ``data-row`` (a type, ``TYPE/role``, or ``all``), so the numbers
can be checked against the JSON.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from eventcoder.learn.report.analysis import (
    FALSE_POSITIVE,
    HIT,
    MISS,
    NONE,
    Analysis,
    DocumentErrors,
    Mark,
    modality_labels,
)
from eventcoder.learn.report.plots import COLOURS, learning_curve_plot, type_scores_plot

PRF = ("precision", "recall", "f1")
COUNTS = ("tp", "fp", "fn")
HEADS = {"precision": "P", "recall": "R", "f1": "F1", "tp": "TP", "fp": "FP", "fn": "FN"}
#: Highlight class of a stretch of text covered by several marks: the gravest wins.
GRAVITY = (FALSE_POSITIVE, MISS, HIT)
CLASSES = {HIT: "hit", MISS: "miss", FALSE_POSITIVE: "fp"}

CSS = """
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --soft: #f1f5f9; }
* { box-sizing: border-box; }
body { margin: 0; background: #f8fafc; color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 56px; }
header h1 { font-size: 24px; margin: 0 0 2px; letter-spacing: -0.01em; }
header p { margin: 0; color: var(--muted); }
header code { background: var(--soft); padding: 1px 5px; border-radius: 4px; font-size: 12.5px; }
.cards { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; margin-top: 18px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .name { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.05em; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .hint { color: var(--muted); font-size: 12px; }
.card .value.bad { color: #dc2626; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; align-items: start; }
.row > section { margin-top: 18px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px 20px; margin-top: 18px; }
h2 { font-size: 17px; margin: 0 0 2px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
p.note { color: var(--muted); margin: 0 0 12px; font-size: 13px; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px; align-items: start; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.name, th.name { text-align: left; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
thead tr.groups th { color: var(--ink); font-size: 12.5px; border-bottom: none; padding-bottom: 0; }
th.group, td.group { border-left: 1px solid var(--line); }
td.count { color: var(--muted); }
tr.total td { font-weight: 650; border-top: 2px solid #cbd5e1; }
td.first-role { border-top: 1px solid #cbd5e1; }
table.matrix { width: auto; }
table.matrix td, table.matrix th { min-width: 54px; padding: 5px 7px; text-align: center; }
table.matrix th.name { text-align: left; }
table.matrix .axis { color: var(--muted); font-weight: 500; font-size: 11.5px; }
img.plot { display: block; width: 100%; max-width: 720px; height: auto; margin-bottom: 8px; }
.example { border-top: 1px solid var(--line); padding: 12px 0 4px; }
.example:first-of-type { border-top: none; }
.example .meta { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.example .meta b { color: var(--ink); }
.example .text { font-size: 14.5px; line-height: 2.0; }
.example ul { margin: 4px 0 0; padding-left: 18px; font-size: 12.5px; color: #334155; }
mark { border-radius: 3px; padding: 1px 2px; color: inherit; }
mark.hit { background: #dcfce7; box-shadow: inset 0 -2px #16a34a; }
mark.miss { background: #ffedd5; box-shadow: inset 0 -2px #ea580c; }
mark.fp { background: #fee2e2; box-shadow: inset 0 -2px #dc2626; }
.tag { display: inline-block; font-size: 10px; line-height: 1.3; font-weight: 650; letter-spacing: 0.03em;
  vertical-align: 2px; margin: 0 3px 0 2px; padding: 0 4px; border-radius: 3px; color: #fff; }
.tag.hit { background: #16a34a; } .tag.miss { background: #ea580c; } .tag.fp { background: #dc2626; }
footer { color: var(--muted); font-size: 12px; margin-top: 22px; text-align: center; }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(3, 1fr); } .two, .row { grid-template-columns: 1fr; } }
"""


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _heat(value: float | None, rgb: str = "37, 99, 235") -> str:
    """A background tint growing with a score (0..1)."""
    if value is None:
        return ""
    return f' style="background: rgba({rgb}, {0.04 + 0.22 * value:.3f})"'


def _cells(scores: dict, prefix: str) -> str:
    """P/R/F1/TP/FP/FN cells of one scores dict; ``data-key`` is ``prefix`` + the key."""
    cells = []
    for key in PRF + COUNTS:
        value = scores[key]
        if key in COUNTS:
            cells.append(f'<td class="count" data-key="{prefix}{key}">{value}</td>')
        else:
            group = ' class="group"' if key == "precision" else ""
            heat = _heat(value) if key == "f1" else ""
            cells.append(f'<td{group} data-key="{prefix}{key}"{heat}>{_number(value)}</td>')
    return "".join(cells)


def _card(name: str, value, hint: str = "", bad: bool = False) -> str:
    shown = value if isinstance(value, str) else _number(value)
    return (f'<div class="card"><div class="name">{escape(name)}</div><div class="value{" bad" if bad else ""}">{escape(shown)}</div>'
            f'<div class="hint">{escape(hint)}</div></div>')


def summary(result: dict) -> str:
    t, a, i = result["triggers"], result["arguments"], result["irrealis"]
    return '<div class="cards">' + "".join([
        _card("Trigger F1", t["f1"], f"P {_number(t['precision'])} · R {_number(t['recall'])}"),
        _card("Trigger macro F1", result["triggers_macro_f1"], "mean over types"),
        _card("Argument F1", a["f1"], f"P {_number(a['precision'])} · R {_number(a['recall'])}"),
        _card("Irrealis F1", i["f1"], "negated and hypothetical"),
        _card("Modality accuracy", result["modality_accuracy"], "matched real events"),
        _card("Irrealis as real", str(result["irrealis_claimed_as_real"]), "gold irrealis predicted real: must stay 0",
              bad=result["irrealis_claimed_as_real"] > 0),
    ]) + "</div>"


def _heads() -> str:
    """Column heads of one P/R/F1/TP/FP/FN group."""
    return "".join(f'<th class="group">{HEADS[k]}</th>' if k == "precision" else f"<th>{HEADS[k]}</th>" for k in PRF + COUNTS)


def type_table(result: dict) -> str:
    head = ('<thead><tr class="groups"><th></th><th class="group" colspan="6">Triggers (real events)</th>'
            '<th class="group" colspan="6">Arguments</th><th class="group" colspan="6">Irrealis events</th></tr><tr><th>type</th>'
            + _heads() * 3
            + "</tr></thead>")
    rows = []
    for label, scores in result["per_type"].items():
        rows.append(f'<tr data-row="{escape(label)}"><td class="name">{escape(label)}</td>'
                    + "".join(_cells(scores[m], f"per_type.{escape(label)}.{m}.") for m in ("triggers", "arguments", "irrealis"))
                    + "</tr>")
    rows.append('<tr class="total" data-row="all"><td class="name">all (micro)</td>'
                + "".join(_cells(result[m], f"{m}.") for m in ("triggers", "arguments", "irrealis")) + "</tr>")
    return f'<table id="per-type">{head}<tbody>{"".join(rows)}</tbody></table>'


def role_table(result: dict) -> str:
    head = '<thead><tr><th>type</th><th class="name">role</th>' + _heads() + "</tr></thead>"
    rows = []
    for label, roles in result.get("per_role", {}).items():
        for n, (role, scores) in enumerate(roles.items()):
            first = ' class="first-role"' if n == 0 else ""
            rows.append(f'<tr data-row="{escape(label)}/{escape(role)}"><td{first}>{escape(label) if n == 0 else ""}</td>'
                        f'<td class="name">{escape(role)}</td>'
                        + _cells(scores, f"per_role.{escape(label)}.{escape(role)}.") + "</tr>")
    if not rows:
        return '<p class="note">No arguments in the gold or the predictions.</p>'
    return f'<table id="per-role">{head}<tbody>{"".join(rows)}</tbody></table>'


def matrix(table_id: str, confusion: Counter, rows: list[str], columns: list[str]) -> str:
    """A confusion table: gold in rows, predictions in columns; tinted by each row's share."""
    head = ('<thead><tr><th class="name axis">gold ↓ predicted →</th>'
            + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr></thead>")
    body = []
    for row in rows:
        total = sum(confusion[row, c] for c in columns)
        cells = []
        for column in columns:
            n = confusion[row, column]
            share = n / total if total else 0
            rgb = "22, 163, 74" if row == column and row != NONE else "220, 38, 38"
            tint = _heat(share, rgb) if n else ""
            cells.append(f'<td data-gold="{escape(row)}" data-pred="{escape(column)}"{tint}>{n if n else "·"}</td>')
        body.append(f'<tr><th class="name">{escape(row)}</th>{"".join(cells)}</tr>')
    return f'<table class="matrix" id="{table_id}">{head}<tbody>{"".join(body)}</tbody></table>'


def modality_section(result: dict, analysis: Analysis) -> str:
    labels = modality_labels(analysis.modality_confusion)
    total = sum(analysis.modality_confusion.values())
    right = sum(analysis.modality_confusion[m, m] for m in labels)
    overall = right / total if total else None
    return (
        '<section id="modality"><h2>Modality</h2>'
        f'<p class="note">Accuracy on matched real events (as <code>evaluate</code>): <b data-key="modality_accuracy">'
        f'{_number(result["modality_accuracy"])}</b>; on all triggers matched with their type: <b>{_number(overall)}</b>'
        f' ({right} of {total}). Irrealis gold events claimed as real: <b data-key="irrealis_claimed_as_real">'
        f'{result["irrealis_claimed_as_real"]}</b>.</p>'
        + matrix("modality-confusion", analysis.modality_confusion, labels, labels)
        + "</section>"
    )


def _tag(mark: Mark) -> str:
    words = mark.label if mark.modality == "asserted" else f"{mark.label} · {mark.modality}"
    if mark.predicted_modality:
        words += f" (predicted {mark.predicted_modality})"
    if mark.kind != HIT:
        words += f" · {mark.kind}"
    return f'<span class="tag {CLASSES[mark.kind]}">{escape(words)}</span>'


def highlight(text: str, marks: list[Mark]) -> str:
    """``text`` with each mark highlighted and tagged after its end; overlaps take the gravest colour."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        piece = escape(text[start:end])
        if covering:
            kind = next(k for k in GRAVITY if any(m.kind == k for m in covering))
            piece = f'<mark class="{CLASSES[kind]}">{piece}</mark>'
        out.append(piece + "".join(_tag(m) for m in marks if m.end == end))
    return "".join(out)


def example(doc: DocumentErrors) -> str:
    counts = Counter(m.kind for m in doc.marks)
    parts = [f"<b>{escape(doc.key)}</b>", f"{doc.errors} error{'s' * (doc.errors != 1)}",
             f"{counts[MISS]} missed", f"{counts[FALSE_POSITIVE]} false positive{'s' * (counts[FALSE_POSITIVE] != 1)}"]
    if doc.arguments:
        parts.append(f"{len(doc.arguments)} argument error{'s' * (len(doc.arguments) != 1)}")
    if doc.text is not None:
        text = highlight(doc.text, doc.marks)
    else:  # no gold line holds the whole text: list the triggers
        text = " ".join(_tag(m) for m in doc.marks)
    arguments = "".join(
        f"<li>{escape(kind)} {escape(role)} “{escape(argument)}” of “{escape(trigger)}”</li>"
        for kind, trigger, role, argument in doc.arguments
    )
    return (f'<div class="example"><div class="meta">{" · ".join(parts)}</div><div class="text">{text}</div>'
            + (f"<ul>{arguments}</ul>" if arguments else "") + "</div>")


def _curve_row(point: dict) -> str:
    share = f'{round(point["share"] * 100)}%' if "share" in point else "–"
    cells = []
    for n, measure in enumerate(COLOURS):
        f1, group = point["dev"][measure]["f1"], ' class="group"' if n == 0 else ""
        cells.append(f"<td{group}{_heat(f1)}>{_number(f1)}</td>")
    return (f'<tr><td>{point["records"]}</td><td>{share}</td>{"".join(cells)}'
            f'<td>{_number(point["dev"].get("triggers_macro_f1"))}</td></tr>')


def curve_section(curve: dict) -> str:
    points = sorted(curve["points"], key=lambda p: p["records"])
    rows = "".join(_curve_row(p) for p in points)
    table = ('<table id="learning-curve"><thead><tr class="groups"><th colspan="2"></th><th class="group" colspan="4">dev F1</th></tr>'
             '<tr><th>records</th><th>share</th><th class="group">trigger</th><th>argument</th><th>irrealis</th>'
             "<th>trigger macro</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    source = f' Trained on shares of <code>{escape(str(curve.get("gold", "?")))}</code>, scored on <code>{escape(str(curve.get("dev", "?")))}</code>.'
    return ('<section id="curve"><h2>Learning curve</h2>'
            f'<p class="note">Dev scores of models trained on growing shares of the gold data.{source}</p>'
            f'<img class="plot" alt="learning curve: dev F1 against training records" src="{learning_curve_plot(curve)}">'
            f"{table}</section>")


def types_section(result: dict, analysis: Analysis) -> str:
    columns = [*analysis.types, NONE]
    return (
        '<section id="types"><h2>Scores by event type</h2>'
        '<p class="note">Triggers match a gold trigger of the same type that overlaps them, one to one; arguments match by role '
        'and overlap within matched events. Negated and hypothetical events are scored apart (irrealis).</p>'
        + type_table(result)
        + '<div class="two"><div id="confusion"><h3>Event type confusion</h3>'
        '<p class="note">Gold and predicted triggers paired by overlap, whatever their type. <b>none</b> column: gold triggers '
        'nothing overlaps (missed); <b>none</b> row: predicted triggers over no gold trigger.</p>'
        + matrix("type-confusion", analysis.type_confusion, columns, columns)
        + f'</div><div><h3>F1 by type</h3><img class="plot" alt="F1 by event type" src="{type_scores_plot(result["per_type"])}">'
        "</div></div></section>"
    )


def details_row(result: dict, analysis: Analysis, curve: dict | None) -> str:
    """Roles on the left; modality and the learning curve on the right."""
    return (
        '<div class="row" id="details"><section id="roles"><h2>Arguments by role</h2>'
        '<p class="note">Argument counts of real events split by role; they add up to each type’s argument counts.</p>'
        + role_table(result) + "</section><div>" + modality_section(result, analysis)
        + (curve_section(curve) if curve is not None else "") + "</div></div>"
    )


def examples_section(worst: list[DocumentErrors]) -> str:
    return (
        f'<section id="examples"><h2>Worst examples</h2><p class="note">The {len(worst)} documents with the most errors. '
        '<mark class="hit">found</mark> <mark class="miss">missed</mark> <mark class="fp">false positive</mark> '
        '(tags name the type, the modality when not asserted, and the error).</p>'
        + ("".join(example(doc) for doc in worst) or '<p class="note">No errors.</p>') + "</section>"
    )


def render(result: dict, analysis: Analysis, *, gold: str, pred: str, curve: dict | None = None, examples: int = 10) -> str:
    """The whole page; ``examples`` worst documents (0: no such section)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>eventcoder report: {escape(pred)}</title><style>{CSS}</style></head><body><main>"
        f'<header><h1>Event extraction report</h1><p><code>{escape(pred)}</code> scored against <code>{escape(gold)}</code>'
        f' · {result["documents"]} documents</p></header>'
        + summary(result) + types_section(result, analysis) + details_row(result, analysis, curve)
        + (examples_section(analysis.worst(examples)) if examples else "")
        + "<footer>Made by eventcoder evaluate --report.</footer></main></body></html>\n"
    )

"""``eventcoder evaluate``: score predictions against gold, as a table, JSON or an HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from eventcoder.cli.app import (
    app,
    out,
    registry_with_warnings,
    say,
    skipping_option,
)
from eventcoder.cli.shared_options import SkipInvalid


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(result: dict) -> Table:
    table = Table(title=f"{result['documents']} documents")
    for column in ("", "trig P", "trig R", "trig F1", "arg P", "arg R", "arg F1", "irrealis F1"):
        table.add_column(column, justify="right" if column else "left")

    def row(name, trig, arg, irr):
        table.add_row(name, *(_f(trig[k]) for k in ("precision", "recall", "f1")),
                      *(_f(arg[k]) for k in ("precision", "recall", "f1")), _f(irr["f1"]))

    for label, scores in result["per_type"].items():
        row(label, scores["triggers"], scores["arguments"], scores["irrealis"])
    row("all (micro)", result["triggers"], result["arguments"], result["irrealis"])
    table.caption = (
        f"trigger macro F1 {result['triggers_macro_f1']:.3f} · modality accuracy "
        f"{result['modality_accuracy'] if result['modality_accuracy'] is not None else '-'} · "
        f"irrealis gold events claimed as real: {result['irrealis_claimed_as_real']}"
    )
    return table


@app.command()
def evaluate(
    gold: str = typer.Argument(..., help="Gold JSONL (docs/guidelines.md)."),
    pred: str = typer.Argument(..., help="Predictions: tasks from extract, or gold-format JSONL."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    report: Path | None = typer.Option(None, "--report", help="Also write a self-contained HTML report: tables, confusions, worst examples, plots."),
    learning_curve: Path | None = typer.Option(None, "--learning-curve", help="--report: plot this learning_curve.json (eventcoder train --learning-curve)."),
    examples: int = typer.Option(10, "--examples", min=0, help="--report: how many of the worst documents to show."),
    skip_invalid: SkipInvalid = False,
) -> None:
    """Score PRED against GOLD: trigger and argument P/R/F1 per type, macro over types.

    Negated and hypothetical events are scored apart; a prediction marking one of them
    asserted or planned is a false positive. See docs/learning_loop.md for --report.
    """
    from eventcoder.learn.evaluate import evaluate as run_evaluate
    from eventcoder.learn.report import write_report

    if learning_curve and not report:
        raise typer.BadParameter("needs --report", param_hint="--learning-curve")
    skipping = skipping_option(skip_invalid)
    if report:
        result = write_report(gold, pred, report, registry_with_warnings(), curve_path=learning_curve, examples=examples,
                              skipping=skipping)
        say(f"wrote {report}")
    else:
        result = run_evaluate(gold, pred, registry_with_warnings(), skipping)
    if skipping and skipping.summary():
        say(f"{gold} {pred}: {skipping.summary()[2:]}")
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(_table(result))

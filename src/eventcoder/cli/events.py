"""``eventcoder events``: who did what to whom, when, as PLOVER, CAMEO or a dyadic CSV."""

from __future__ import annotations

import typer

from eventcoder.cli.app import answer_kinds_option, app, registry_with_warnings, say
from eventcoder.cli.shared_options import SpacyModel


@app.command()
def events(
    inputs: list[str] = typer.Argument(..., help="Extract output, review/Prodigy answers (db-out JSONL) or gold JSONL; - for stdin."),
    output: str = typer.Option(..., "-o", "--output", help="Output file (- for stdout)."),
    fmt: str = typer.Option("plover", "--format", "-f", help="plover (JSONL), cameo (JSONL), csv (one row per source-target pair), or tasks (the input tasks with name/code/sector on each ACTOR span, for review)."),
    all_modalities: bool = typer.Option(False, "--all-modalities", help="Keep negated and hypothetical events too (with their modality)."),
    answers: str = typer.Option("accept", "--answers", help="Which answers of an answers file to use.", callback=answer_kinds_option),
    spacy_model: SpacyModel = None,
) -> None:
    """Turn events into event data: actors named (pronouns and titles resolved within the
    document) and coded (country or IGO/NGO, sector), each event dated and mapped to PLOVER
    and CAMEO. Real events (asserted, planned) only unless --all-modalities. Mappings and actor
    data are data files, extendable by plugins (register_actors); see docs/event_data.md.
    """
    from eventcoder.eventdata.run import write_events

    stats = write_events(inputs, output, fmt, registry_with_warnings(), all_modalities, answers, spacy_model)
    unit = {"csv": "rows", "tasks": "tasks"}.get(fmt, "records")
    say(f"{stats.documents} documents, {stats.events} events -> {stats.written} {fmt} {unit} in {output}")

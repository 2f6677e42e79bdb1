"""Commands of the learning stage: train and retrain on reviewed data."""

from __future__ import annotations

from pathlib import Path

import typer

from eventcoder.cli.app import answer_kinds_option, app, registry_with_warnings, say
from eventcoder.cli.shared_options import Db, SpacyModel


@app.command()
def train(
    gold: str = typer.Argument(..., metavar="GOLD", help="Gold JSONL to train on (docs/guidelines.md)."),
    dev: str | None = typer.Option(None, "--dev", help="Gold JSONL that picks the best model (model-best); without it --eval-split of GOLD is held out."),
    output: Path = typer.Option(..., "-o", "--output", help="Output folder: corpus/, config.cfg, code.py, model-best, model-last."),
    max_steps: int | None = typer.Option(None, "--max-steps", min=1, help="Training steps (default 2000, stopping early when the dev score stalls)."),
    from_scratch: bool = typer.Option(False, "--from-scratch", help="No base pipeline: no parse, no parse-based suggestions or features."),
    spacy_model: SpacyModel = None,
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    learning_curve: bool = typer.Option(False, "--learning-curve", help="Train on growing shares of GOLD (--shares) and write their dev scores to OUTPUT/learning_curve.json; the full share trains into OUTPUT as usual. Costs one training run per share (about 4-6 runs' time)."),
    shares: str = typer.Option("25,50,75,100", "--shares", help="--learning-curve: percentages of GOLD, comma-separated."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the model and files an earlier training left in OUTPUT (else refused)."),
    eval_split: float = typer.Option(0.2, "--eval-split", help="Without --dev: the share of GOLD held out as dev (Prodigy's convention)."),
) -> None:
    """Train a spaCy event extractor on GOLD; use it with extract --extractor model --model-path OUTPUT.

    Writes the gold as DocBins and a config.cfg into OUTPUT, then trains with spaCy's own
    loop on the CPU, keeping the best model on --dev as OUTPUT/model-best. The config can be
    edited and re-run with plain spacy train (the command is printed at the end).
    """
    from eventcoder.learn.train import TrainFiles, refuse_trained_output
    from eventcoder.learn.train import train as run_train

    if not overwrite:
        refuse_trained_output(output)
    if dev is None:
        from eventcoder.learn.train import split_gold

        gold_path, dev_path, n_train, n_dev = split_gold(gold, output, eval_split, registry_with_warnings(), seed=seed)
        say(f"no --dev: holding out {n_dev} of {n_train + n_dev} records of {gold} ({eval_split:.0%}) as dev: {dev_path}")
        gold, dev = str(gold_path), str(dev_path)

    if learning_curve:
        from eventcoder.learn.learning_curve import CURVE_FILE, parse_shares
        from eventcoder.learn.learning_curve import learning_curve as run_curve

        def report_point(point: dict) -> None:
            dev_scores = point["dev"]
            f1 = lambda key: "n/a" if dev_scores[key]["f1"] is None else f"{dev_scores[key]['f1']:.3f}"  # noqa: E731
            say(f"learning curve: {point['records']} records ({point['share']:.0%}): dev trigger F1 "
                f"{f1('triggers')}, argument F1 {f1('arguments')}")

        curve = run_curve(gold, dev, output, registry_with_warnings(), parse_shares(shares), seed=seed, on_point=report_point,
                          from_scratch=from_scratch, base_model=spacy_model, max_steps=max_steps)
        say(f"learning curve: {output / CURVE_FILE}; plot it with: eventcoder evaluate GOLD PRED --report report.html"
            f" --learning-curve {output / CURVE_FILE}")
        if curve["points"][-1]["share"] < 1:
            return
        files = TrainFiles(output)
    else:
        files = run_train(gold, dev, output, registry_with_warnings(), from_scratch=from_scratch, base_model=spacy_model,
                          max_steps=max_steps, seed=seed)
    say(f"best model: {files.best}; use it with: eventcoder extract INPUT --extractor model --model-path {files.output} -o OUT.jsonl")
    from eventcoder.learn.train import low_score_warning

    if warning := low_score_warning(files):
        say(warning)
    say(f"retrain with spaCy: {files.spacy_command()}")


@app.command()
def retrain(
    answers: str = typer.Argument(..., metavar="ANSWERS", help="Reviewers' answers: the output of prodigy db-out DATASET, or a dataset of the review database."),
    model: Path = typer.Option(..., "--model", "-m", help="The model folder (eventcoder train's output) to improve; created when missing."),
    dev: str = typer.Option(..., "--dev", help="Gold JSONL that picks the best model while training."),
    test: str = typer.Option(..., "--test", help="Frozen gold JSONL both models are scored on; its texts are never trained on."),
    gold: list[str] | None = typer.Option(None, "--gold", help="More gold JSONL to train on, e.g. what MODEL was trained on (repeatable); an answer replaces a record of the same text."),
    force: bool = typer.Option(False, "--force", help="Replace MODEL even when the new model scores lower on --test."),
    from_base: bool = typer.Option(False, "--from-base", help="Train afresh from the base pipeline instead of from MODEL's weights."),
    answer_kinds: str = typer.Option("accept", "--answers", help="Answers to train on, comma-separated: accept, reject, ignore."),
    db: Db = None,
    max_steps: int | None = typer.Option(None, "--max-steps", min=1, help="Training steps (default 2000, stopping early when the dev score stalls)."),
    spacy_model: SpacyModel = None,
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

    result = run_retrain(answers, model, registry_with_warnings(), dev=dev, test=test, gold=gold or (), db=db,
                         keep=answer_kinds_option(answer_kinds), force=force, from_base=from_base, log=say,
                         max_steps=max_steps, base_model=spacy_model, seed=seed)
    old = "no current model" if result.old_score is None else f"current model {result.old_score:.4f}"
    formula = " + ".join(f"{weight} {name} F1" for name, weight in SCORE_WEIGHTS.items())
    say(f"test score ({formula}): new model {result.new_score:.4f}, {old}")
    if not result.replaced:
        say(f"refused: the new model scores lower; {model} is unchanged, the new model is at {result.model} (--force replaces)")
        raise typer.Exit(1)
    backup = f"; the previous one is at {result.backup}" if result.backup else ""
    say(f"{'replaced (forced)' if result.forced else 'replaced'}: {model} is the new model{backup}")

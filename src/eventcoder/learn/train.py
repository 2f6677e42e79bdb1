"""``eventcoder train`` as a library function: gold JSONL -> a trained spaCy event pipeline.

The output folder gets everything needed to train again with plain ``spacy train``::

    OUT/corpus/train.spacy, OUT/corpus/dev.spacy   the gold as DocBins
    OUT/config.cfg                                 the full training config
    OUT/code.py                                    registers our components (--code)
    OUT/model-best, OUT/model-last                 written by spaCy's training loop

``model-best`` is the pipeline with the best dev score (see ``scorer``); the ``model``
extractor loads it from ``--model-path OUT``.
"""

from __future__ import annotations

import io
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry
from eventcoder.learn.config import EVAL_FREQUENCY, MAX_STEPS, SOURCED, write_config
from eventcoder.learn.convert import read_gold, write_docbin
from eventcoder.pipeline.nlp import default_pipeline_name, load_pipeline

#: A best dev trigger F1 below this means the model proposes mostly noise: say so loudly.
DEV_FLOOR = 0.3

CODE_FILE = '''"""spaCy --code file written by eventcoder train: registers eventcoder's components."""

import eventcoder.extractors.model.register  # noqa: F401
'''


@dataclass(frozen=True)
class TrainFiles:
    """Where ``prepare`` put the training inputs, and where spaCy writes the pipelines."""

    output: Path

    @property
    def config(self) -> Path:
        return self.output / "config.cfg"

    @property
    def code(self) -> Path:
        return self.output / "code.py"

    @property
    def train(self) -> Path:
        return self.output / "corpus" / "train.spacy"

    @property
    def dev(self) -> Path:
        return self.output / "corpus" / "dev.spacy"

    @property
    def best(self) -> Path:
        return self.output / "model-best"

    def spacy_command(self) -> str:
        """The plain ``spacy train`` command that trains from these files."""
        return (f"spacy train {self.config} --output {self.output} --paths.train {self.train}"
                f" --paths.dev {self.dev} --code {self.code}")


def _sourced_names(base: str) -> list[str]:
    """The components of ``base`` to source: those of ``SOURCED`` it has."""
    names = [name for name in SOURCED if name in load_pipeline(base).pipe_names]
    if "parser" not in names:
        raise UserError(f"base pipeline {base!r} has no parser; the argument suggester needs one (or use --from-scratch)")
    return names


def prepare(gold: str, dev: str, output: str | Path, registry: Registry, *, from_scratch: bool = False,
            base_model: str | None = None, max_steps: int | None = None, seed: int = 0) -> TrainFiles:
    """Check and convert the gold files and write the corpus, ``config.cfg`` and ``code.py``.

    Bad gold raises :class:`InputError` (``FILE:LINE: problem``) before anything is written.
    """
    train_records, dev_records = read_gold(gold, registry), read_gold(dev, registry)
    files = TrainFiles(Path(output))
    base = None if from_scratch else (base_model or default_pipeline_name())
    sourced = [] if base is None else _sourced_names(base)
    write_docbin(train_records, files.train, registry)
    write_docbin(dev_records, files.dev, registry)
    with atomic_writer(files.code) as handle:
        handle.write(CODE_FILE)
    steps = max_steps or MAX_STEPS
    header = {"config": files.config, "output": files.output, "train": files.train, "dev": files.dev, "code": files.code}
    write_config(files.config, base, sourced, header, seed=seed, max_steps=steps,
                 eval_frequency=min(EVAL_FREQUENCY, steps))
    return files


def refuse_trained_output(output: str | Path) -> None:
    """UserError when ``output`` already holds training output: never an interactive prompt."""
    files = TrainFiles(Path(output))
    if Path(output).exists() and not Path(output).is_dir():
        raise UserError(f"{output} is not a folder")
    if any(p.exists() for p in (files.config, files.best, files.output / "model-last", files.train)):
        raise UserError(f"{output} already holds a trained model: re-run with --overwrite to replace it, or use another folder")


def train(gold: str, dev: str, output: str | Path, registry: Registry, *, overwrite: bool = True, **settings) -> TrainFiles:
    """Prepare the files (see :func:`prepare`), then train with spaCy's own training loop.

    With ``overwrite`` false an ``output`` that holds an earlier training's files is refused.
    """
    if not overwrite:
        refuse_trained_output(output)
    files = prepare(gold, dev, output, registry, **settings)
    run_spacy_training(files)
    return files


def on_terminal() -> bool:
    """Whether both of spaCy's streams are a terminal: its table goes to stdout, its bar to stderr."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def run_spacy_training(files: TrainFiles) -> None:
    """spaCy's training loop over ``files``, on the CPU.

    On a terminal spaCy prints as ``spacy train`` does (its table, colours, progress bar).
    Otherwise nothing of spaCy's own printing runs: one plain line per evaluation goes to
    stderr (``learn/train_log.py``) and the log stays readable when redirected.
    """
    overrides = {"paths.train": str(files.train), "paths.dev": str(files.dev)}
    if on_terminal():
        from spacy.cli.train import train as spacy_train

        spacy_train(files.config, files.output, use_gpu=-1, overrides=overrides)
        return
    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    from eventcoder.learn.train_log import PLAIN_LOGGER

    config = util.load_config(files.config, overrides={**overrides, "training.logger": {"@loggers": PLAIN_LOGGER}},
                              interpolate=False)
    nlp = init_nlp(config, use_gpu=-1)
    # spaCy's pretty notes (pipeline names, learn rate, "Saved pipeline") go nowhere.
    train_nlp(nlp, files.output, use_gpu=-1, stdout=io.StringIO(), stderr=sys.stderr)


def best_dev_trigger_f1(files: TrainFiles) -> float | None:
    """The dev trigger F1 spaCy recorded for ``model-best`` (its meta.json), or None when unknown."""
    try:
        performance = json.loads((files.best / "meta.json").read_text(encoding="utf-8")).get("performance", {})
    except (OSError, ValueError):
        return None
    value = performance.get("events_trigger_f")
    return float(value) if isinstance(value, (int, float)) else None


def low_score_warning(files: TrainFiles, floor: float = DEV_FLOOR) -> str | None:
    """A loud warning when ``model-best``'s dev trigger F1 is under ``floor``, else None."""
    score = best_dev_trigger_f1(files)
    if score is None or score >= floor:
        return None
    return (f"WARNING: the best dev trigger F1 is {score:.3f}, below {floor}: this model will propose mostly noise."
            " Train longer (--max-steps) or on more gold before using it.")


def split_gold(gold: str, output: str | Path, fraction: float, registry: Registry, seed: int = 0) -> tuple[Path, Path, int, int]:
    """Hold out ``fraction`` of GOLD as dev (Prodigy's ``--eval-split``): the two halves as JSONL.

    Written to ``OUTPUT/corpus/split-train.jsonl`` and ``split-dev.jsonl``; the records are
    shuffled with ``seed``, so a rerun holds out the same ones. Returns both paths and sizes.
    """
    if not 0 < fraction < 1:
        raise UserError(f"--eval-split must be between 0 and 1, got {fraction}")
    records = read_gold(gold, registry)
    if len(records) < 2:
        raise UserError(f"{gold} has {len(records)} record(s): too few to hold out a dev split (give --dev)")
    held = min(len(records) - 1, max(1, round(len(records) * fraction)))
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[:held])
    corpus = Path(output) / "corpus"
    paths = corpus / "split-train.jsonl", corpus / "split-dev.jsonl"
    corpus.mkdir(parents=True, exist_ok=True)
    for path, keep in zip(paths, (False, True)):
        with atomic_writer(path) as handle:
            for i, record in enumerate(records):
                if (i in dev_ids) == keep:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return paths[0], paths[1], len(records) - held, held

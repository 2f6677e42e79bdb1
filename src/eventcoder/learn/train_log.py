"""What ``eventcoder train`` prints while spaCy trains, when its output is not a terminal.

spaCy's console logger draws a table whose columns are cut to fit (``LOSS EVENT...``,
``EVENTS_TRI...``) and colours it with ANSI codes, which end up as noise in a redirected log.
Off a terminal training logs through this logger instead: one plain line per evaluation,
naming every loss and dev score in full.
"""

from __future__ import annotations

from typing import IO, Any, Callable

from spacy.util import registry

PLAIN_LOGGER = "eventcoder.PlainLogger.v1"

#: Readable names of the dev scores the training config weighs (learn/config.py).
SCORE_NAMES = {
    "events_trigger_f": "trigger F1",
    "events_argument_f": "argument F1",
    "events_irrealis_f": "irrealis F1",
    "events_modality_acc": "modality accuracy",
}


def evaluation_line(info: dict[str, Any], weights: dict[str, float], best: bool) -> str:
    """``step 200, epoch 3: loss events 12.35; dev trigger F1 0.812, ...; score 0.756 (best)``."""
    losses = ", ".join(f"{name} {value:.2f}" for name, value in info["losses"].items())
    scores = info.get("other_scores", {})
    shown = [key for key, weight in weights.items() if weight and key in scores]
    dev = ", ".join(f"{SCORE_NAMES.get(key, key)} {_number(scores[key])}" for key in shown)
    return (f"step {info['step']}, epoch {info['epoch']}: loss {losses or 'n/a'}; dev {dev or 'n/a'};"
            f" score {_number(info['score'])}{' (best so far)' if best else ''}")


def _number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"


@registry.loggers(PLAIN_LOGGER)
def plain_logger() -> Callable:
    """A spaCy training logger writing one plain line per evaluation to stderr, flushed."""

    def setup(nlp, stdout: IO, stderr: IO):
        weights = dict(nlp.config["training"]["score_weights"])
        best: list[float] = []

        def log_step(info: dict[str, Any] | None) -> None:
            if info is None:  # a step without an evaluation
                return
            score = info["score"] if isinstance(info["score"], (int, float)) else float("-inf")
            is_best = not best or score > best[0]
            if is_best:
                best[:] = [score]
            stderr.write(evaluation_line(info, weights, is_best) + "\n")
            stderr.flush()

        return log_step, lambda: None

    return setup

"""``eventcoder train --learning-curve``: dev scores of models trained on growing shares of the gold.

The gold records are shuffled once (with the training seed) and each share trains on a
prefix of that order, so every smaller training set is part of the larger ones. Each share
is trained with ``eventcoder.learn.train.train`` and scored on the dev file the way
``eventcoder evaluate`` scores (``evaluate_model``). The full share trains into OUTPUT
itself, so the run leaves the usual model there; smaller shares train into
``OUTPUT/learning-curve/share-NNN``. ``OUTPUT/learning_curve.json`` is rewritten after each
share, so a stopped run keeps the points it finished::

    {"gold": ..., "dev": ..., "seed": 0, "max_steps": null, "records": 335,
     "points": [{"share": 0.25, "records": 84, "events": 150, "model": ..., "dev": {evaluate dict}}, ...]}
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable, Sequence

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry
from eventcoder.learn.evaluate import evaluate_model

CURVE_FILE = "learning_curve.json"
CURVE_FOLDER = "learning-curve"
DEFAULT_SHARES = (0.25, 0.5, 0.75, 1.0)


def parse_shares(value: str) -> tuple[float, ...]:
    """``"25,50,100"`` (percent) as sorted shares ``(0.25, 0.5, 1.0)``; UserError when invalid."""
    try:
        percents = {float(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise UserError(f"shares must be percentages separated by commas, e.g. 25,50,75,100, not {value!r}") from None
    if not percents or any(not 0 < p <= 100 for p in percents):
        raise UserError(f"shares must be percentages above 0 and at most 100, not {value!r}")
    return tuple(sorted(p / 100 for p in percents))


def share_sizes(total: int, shares: Sequence[float]) -> list[int]:
    """Records per share: at least one, at most ``total``."""
    return [min(total, max(1, round(share * total))) for share in shares]


def _share_folder(output: Path, share: float) -> Path:
    return output if share >= 1.0 else output / CURVE_FOLDER / f"share-{round(share * 100):03d}"


def learning_curve(gold: str, dev: str, output: str | Path, registry: Registry, shares: Sequence[float] = DEFAULT_SHARES,
                   *, seed: int = 0, on_point: Callable[[dict], None] | None = None, **settings) -> dict:
    """Train on each share of ``gold`` (see the module docstring) and return the curve.

    ``settings`` go to :func:`eventcoder.learn.train.train` (``from_scratch``,
    ``base_model``, ``max_steps``); ``on_point`` is called with each finished point.
    """
    from eventcoder.learn.convert import read_gold
    from eventcoder.learn.train import train

    records = read_gold(gold, registry)
    read_gold(dev, registry)  # bad dev gold fails now, not after the first training
    output = Path(output)
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    curve = {"gold": str(gold), "dev": str(dev), "seed": seed, "max_steps": settings.get("max_steps"),
             "records": len(records), "points": []}
    for share, size in zip(sorted(shares), share_sizes(len(records), sorted(shares))):
        folder = _share_folder(output, share)
        subset = [records[i] for i in sorted(order[:size])]  # file order within the share
        train_file = gold
        if size < len(records):
            train_file = folder / "gold.jsonl"
            with atomic_writer(train_file) as handle:
                handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in subset)
        files = train(str(train_file), dev, folder, registry, seed=seed, **settings)
        point = {"share": share, "records": size, "events": sum(len(r["events"]) for r in subset),
                 "model": str(files.output), "dev": evaluate_model(files.output, dev, registry, settings.get("base_model"))}
        curve["points"].append(point)
        write_curve(curve, output / CURVE_FILE)
        if on_point:
            on_point(point)
    return curve


def write_curve(curve: dict, path: str | Path) -> None:
    with atomic_writer(path) as handle:
        handle.write(json.dumps(curve, indent=2, ensure_ascii=False) + "\n")


def read_curve(path: str | Path) -> dict:
    """A ``learning_curve.json``; UserError when it is missing or not one."""
    try:
        curve = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a learning curve ({exc})") from None
    points = curve.get("points") if isinstance(curve, dict) else None
    if not isinstance(points, list) or not all(isinstance(p, dict) and "records" in p and "dev" in p for p in points):
        raise UserError(f"{path}: not a learning curve (no points with records and dev scores)")
    return curve

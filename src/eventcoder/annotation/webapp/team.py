"""The team page's numbers: per annotator activity and pairwise agreement of one dataset.

Agreement is ``eventcoder agreement`` over the dataset (accepted answers), so the page and
the command always say the same.
"""

from __future__ import annotations

from pathlib import Path

from eventcoder.annotation.agreement import agreement
from eventcoder.annotation.store import annotator_activity, dataset_answers
from eventcoder.core.errors import InputError, UserError
from eventcoder.core.vocabulary import Registry


def team_report(db: str, dataset: str, registry: Registry) -> dict:
    """``{"dataset", "annotators": {name: activity}, "agreement": {...} | None, "note"}``."""
    if not Path(db).is_file():
        return {"dataset": dataset, "annotators": {}, "agreement": None, "note": "no answers yet"}
    annotators = annotator_activity(db, dataset)
    try:
        scores, note = agreement(dataset_answers(db, dataset), registry), None
    except (UserError, InputError) as exc:  # fewer than two annotators, or an answer it cannot read
        scores, note = None, str(exc)
    return {"dataset": dataset, "annotators": annotators, "agreement": scores, "note": note}

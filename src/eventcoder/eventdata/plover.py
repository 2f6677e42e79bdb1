"""The ``plover`` format: one JSON record per event in the PLOVER record shape.

Only events with a PLOVER category are written (a plain STATEMENT has none); irrealis events
(negated, hypothetical) only with ``all_modalities``, keeping their modality in the
``eventcoder`` block.
"""

from __future__ import annotations

from eventcoder.eventdata.records import coded_record

ACTOR_KEYS = ("actorText", "name", "code", "sector", "start", "end")


def _actor(actor: dict) -> dict:
    return {key: actor[key] for key in ACTOR_KEYS}


def plover_record(record: dict, all_modalities: bool = False) -> dict | None:
    """The PLOVER record of an event record, None when this format leaves it out."""
    if record["plover"] is None or not (record["real"] or all_modalities):
        return None
    return coded_record(
        record, {"id": record["id"], "date": record["date"], "event": record["plover"], "mode": record["plover_mode"]},
        _actor, {"date_text": record["date_text"], "cameo": record["cameo"]},
    )

"""The ``cameo`` format: one JSON record per event with its CAMEO event code and actors as
CAMEO actor codes ("BLRGOV", "IGOUNO"); plain statements included (010)."""

from __future__ import annotations

from eventcoder.eventdata.mappings import cameo_name
from eventcoder.eventdata.records import coded_record


def _actor(actor: dict) -> dict:
    return {"actorText": actor["actorText"], "name": actor["name"], "code": actor["cameo"],
            "start": actor["start"], "end": actor["end"]}


def cameo_record(record: dict, all_modalities: bool = False) -> dict | None:
    """The CAMEO record of an event record, None when this format leaves it out."""
    if record["cameo"] is None or not (record["real"] or all_modalities):
        return None
    return coded_record(
        record, {"id": record["id"], "date": record["date"], "eventCode": record["cameo"],
                 "eventName": cameo_name(record["cameo"])},
        _actor, {},
    )

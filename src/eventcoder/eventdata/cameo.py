"""The ``cameo`` format: one JSON record per event with its CAMEO event code and actors as
CAMEO actor codes ("BLRGOV", "IGOUNO"); plain statements included (010)."""

from __future__ import annotations

from eventcoder.eventdata.mappings import cameo_name


def _actor(actor: dict) -> dict:
    return {"actorText": actor["actorText"], "name": actor["name"], "code": actor["cameo"],
            "start": actor["start"], "end": actor["end"]}


def cameo_record(record: dict, all_modalities: bool = False) -> dict | None:
    """The CAMEO record of an event record, None when this format leaves it out."""
    if record["cameo"] is None or not (record["real"] or all_modalities):
        return None
    return {
        "id": record["id"],
        "date": record["date"],
        "eventCode": record["cameo"],
        "eventName": cameo_name(record["cameo"]),
        "source": [_actor(a) for a in record["source"]],
        "target": [_actor(a) for a in record["target"]],
        "eventText": record["sentence"],
        "text": record["text"],
        "location": record["place"],
        "eventcoder": {
            "label": record["label"], "modality": record["modality"], "trigger": record["trigger"],
            "doc": record["doc"], "extractor": record["extractor"], "score": record["score"],
            "date_source": record["date_source"],
        },
    }

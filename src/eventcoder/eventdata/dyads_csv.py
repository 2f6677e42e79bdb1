"""The ``csv`` format: a flat dyadic table, one row per source-target pair of an event.

An event with no target (or no source) still gets one row, the missing side left empty, so
``pandas.read_csv`` / R's ``read.csv`` see every event. Empty cells are missing values.
"""

from __future__ import annotations

COLUMNS = (
    "id", "date", "date_source", "source_name", "source_code", "source_sector",
    "target_name", "target_code", "target_sector", "type", "plover", "cameo", "modality",
    "place", "doc", "sentence", "score",
)
_NOBODY = {"name": None, "code": None, "sector": None}


def dyad_rows(record: dict, all_modalities: bool = False) -> list[dict]:
    """The rows of one event record (none for an irrealis event unless ``all_modalities``)."""
    if not (record["real"] or all_modalities):
        return []
    rows = []
    for source in record["source"] or [_NOBODY]:
        for target in record["target"] or [_NOBODY]:
            rows.append({
                "id": record["id"], "date": record["date"], "date_source": record["date_source"],
                "source_name": source["name"], "source_code": source["code"], "source_sector": source["sector"],
                "target_name": target["name"], "target_code": target["code"], "target_sector": target["sector"],
                "type": record["label"], "plover": record["plover"], "cameo": record["cameo"],
                "modality": record["modality"], "place": (record["place"] or {}).get("placeText"),
                "doc": record["doc"], "sentence": record["sentence"], "score": record["score"],
            })
    return rows

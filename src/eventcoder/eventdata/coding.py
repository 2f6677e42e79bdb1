"""Actor coding: a country or organisation code and a sector from an actor's words.

The words are, in order, the mention itself, its resolved name and the titles the document
gives that person ("Belarusian Deputy Minister of Foreign Affairs"). The first of them that
names a country (by name, demonym or capital) or an organisation gives the ``code``; the first
that holds a sector word gives the ``sector``. A capital alone stands for the government
("Minsk" -> BLR GOV); a country name alone is the country (``Belarus`` -> BLR, no sector).
An organisation is coded IGO or NGO with its own CAMEO code. Nothing found, nothing coded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from eventcoder.eventdata.actors import (
    CAPITAL,
    ORGANISATION,
    PERSON,
    SECTOR,
    ActorTable,
)


class Coding(NamedTuple):
    code: str | None = None
    sector: str | None = None
    #: The CAMEO actor code: the organisation's own, else code + sector ("BLRGOV").
    cameo: str | None = None


def code_actor(texts: Iterable[str | None], table: ActorTable) -> Coding:
    """The coding of an actor known by ``texts`` (mention first, then name and titles)."""
    code = sector = org_cameo = None
    capital_only = False
    for text in texts:
        if not text:
            continue
        hits = table.find(text)
        for hit in hits:
            entry = hit.entry
            if entry.what == PERSON and code is None:
                code, sector = entry.code, sector or entry.sector
            elif entry.what == SECTOR:
                continue
            elif code is None:
                code, org_cameo = entry.code, entry.cameo
                capital_only = entry.what == CAPITAL
        if sector is None and not (code and org_cameo):
            sector = next((hit.entry.code for hit in hits if hit.entry.what == SECTOR), None)
        if code is not None and sector is not None:
            break
    if org_cameo:
        sector = None  # an organisation's code already says what it is
    if sector is None and capital_only:
        sector = "GOV"
    if code is None and sector is None:
        return Coding()
    cameo = org_cameo or ((code or "") + (sector or ""))
    return Coding(code, sector, cameo)


def is_organisation(text: str, table: ActorTable) -> bool:
    return any(hit.entry.what == ORGANISATION for hit in table.find(text))

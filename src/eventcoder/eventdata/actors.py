"""The actor dictionary: which words name a country, an organisation or a sector.

Country names and ISO alpha-3 codes come from pycountry; the data files registered through
``register_actors`` (the built-in ones under ``eventdata/data/actors/``) add short names
("Russia"), demonyms ("Belarusian"), capitals that stand for governments ("Minsk"),
international organisations and NGOs, sector words and known people. Matching is by whole
words; all-capital acronyms ("UN", "EU") match only in capitals, everything else ignoring case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pycountry

from eventcoder.core.errors import UserError

#: What a matched phrase says about an actor.
COUNTRY, DEMONYM, CAPITAL, ORGANISATION, SECTOR, PERSON = "country", "demonym", "capital", "organisation", "sector", "person"


class Entry(NamedTuple):
    """One dictionary phrase: what it is, the code it gives, and for organisations the CAMEO code."""

    what: str
    code: str
    cameo: str | None = None
    sector: str | None = None


class Hit(NamedTuple):
    """A dictionary phrase found in a text: character offsets and the entry."""

    start: int
    end: int
    entry: Entry


#: Words: "U.N." and "Secretary-General" are one word each; "Belarus's" gives "Belarus" and "s".
WORD = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:-\w+)*")


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(WORD.findall(phrase))


def _key(word: str, phrase_is_acronym: bool) -> str:
    return word if phrase_is_acronym else word.lower()


def _is_acronym(phrase: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", phrase)
    return bool(letters) and letters.isupper() and len(letters) <= 6


@dataclass
class ActorTable:
    """Phrases (as word tuples) -> entries, longest match first."""

    phrases: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    longest: int = 1

    def add(self, phrase: str, entry: Entry) -> None:
        acronym = _is_acronym(phrase)
        words = tuple(_key(w, acronym) for w in _words(phrase))
        if not words:
            return
        self.phrases[words] = entry
        self.longest = max(self.longest, len(words))

    def find(self, text: str) -> list[Hit]:
        """Every dictionary phrase in ``text``, longest first at each place, left to right."""
        tokens = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        hits, i = [], 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                window = tokens[i : i + size]
                for acronym in (True, False):
                    entry = self.phrases.get(tuple(_key(w, acronym) for _, _, w in window))
                    if entry:
                        break
                if entry:
                    hits.append(Hit(window[0][0], window[-1][1], entry))
                    i += size
                    break
            else:
                i += 1
        return hits


def _country_names() -> Iterable[tuple[str, str]]:
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                yield name, country.alpha_3
                # "Iran, Islamic Republic of" -> "Iran"
                if ", " in name:
                    yield name.split(", ")[0], country.alpha_3


def data_files(paths: Iterable[object]) -> list[Path]:
    """The JSON files of registered actor data: files as given, folders' ``*.json`` sorted."""
    files = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def add_data(table: ActorTable, data: dict, source: str) -> None:
    """Add one actor data file's sections to ``table``."""
    try:
        for code, country in data.get("countries", {}).items():
            for what, key in ((COUNTRY, "names"), (DEMONYM, "demonyms"), (CAPITAL, "capitals")):
                for phrase in country.get(key, []):
                    table.add(phrase, Entry(what, code))
        for org in data.get("organisations", []):
            for phrase in org["names"]:
                table.add(phrase, Entry(ORGANISATION, org["code"], org.get("cameo")))
        for sector, phrases in data.get("sectors", {}).items():
            for phrase in phrases:
                table.add(phrase, Entry(SECTOR, sector))
        for name, person in data.get("people", {}).items():
            table.add(name, Entry(PERSON, person.get("code"), None, person.get("sector")))
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"actor data {source}: not in the format of docs/event_data.md ({exc})") from None


def build_table(paths: Iterable[object]) -> ActorTable:
    """pycountry's names, then every registered data file in order (later files win)."""
    table = ActorTable()
    for name, code in _country_names():
        table.add(name, Entry(COUNTRY, code))
    for path in data_files(paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"actor data {path}: {exc}") from None
        add_data(table, data, str(path))
    return table

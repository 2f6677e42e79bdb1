"""Running the patterns fast without changing what they match.

spaCy's ``Matcher`` starts a state for every pattern at every token and evaluates set
predicates (``"LEMMA": {"IN": [...]}``) in Python, so 50 patterns with word lists cost more
than the parse. Here each token pattern is split into one plain pattern per word of its
first token and filed under that word; a doc's tokens are looked up in that index, and only the few patterns starting with a word that is there run, on a short window
from that token. The first token's other set conditions are checked in Python on matches.
Dependency patterns run per sentence, and only on sentences that contain, for every node of
the pattern, one of the words or relations the node requires. Matches are the same as
spaCy's on the whole doc.
"""

from __future__ import annotations

from typing import Iterator

from spacy.attrs import DEP, LEMMA, LOWER, ORTH
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc

#: Attributes a word list can be indexed or checked on, and their column in ``doc.to_array``.
WORD_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "DEP": DEP}
COLUMNS = [LEMMA, LOWER, ORTH, DEP]
#: First-token set conditions checked in Python after a match, and the Token attribute read.
CHECKED_AFTER = {"DEP": "dep_", "ENT_TYPE": "ent_type_", "POS": "pos_", "TAG": "tag_", "LEMMA": "lemma_", "LOWER": "lower_"}
#: Window for patterns whose length has no bound ("OP": "*").
UNBOUNDED = 32


def _words(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"] and isinstance(value["IN"], list):
        return [str(w) for w in value["IN"]]
    return None


def _max_length(pattern: list[dict]) -> int:
    total = 0
    for spec in pattern:
        op = spec.get("OP")
        if op in (None, "!", "?", "1"):
            total += 1
        elif isinstance(op, str) and op.startswith("{") and op.endswith("}") and not op.rstrip("}").endswith(","):
            total += int(op.strip("{}").split(",")[-1])
        else:
            return UNBOUNDED
    return min(total, UNBOUNDED)


class FirstTokenCheck:
    """The set conditions taken out of a pattern's first token, e.g. ``"DEP": {"NOT_IN": [...]}``."""

    def __init__(self, conditions: list[tuple[str, bool, frozenset[str]]]):
        self.conditions = conditions

    def __call__(self, token) -> bool:
        return all((getattr(token, attr) in words) == wanted for attr, wanted, words in self.conditions)


def split_first_token(pattern: list[dict]) -> tuple[list[list[dict]], FirstTokenCheck]:
    """Patterns whose first token has plain values only, one per word of its word list, and
    the check of the set conditions taken out of it: together they match what ``pattern`` does."""
    first = dict(pattern[0])
    if "OP" in first:
        return [pattern], FirstTokenCheck([])
    split = next(((k, v["IN"]) for k, v in first.items() if k.upper() in ("LEMMA", "LOWER") and _words(v) and isinstance(v, dict)), None)
    conditions = []
    for key in list(first):
        value = first[key]
        attr = CHECKED_AFTER.get(key.upper())
        if split and key == split[0] or attr is None or not isinstance(value, dict) or len(value) != 1:
            continue
        (op, words), = value.items()
        if op in ("IN", "NOT_IN") and isinstance(words, list):
            conditions.append((attr, op == "IN", frozenset(str(w) for w in words)))
            del first[key]
    if split is None:
        return [[first, *pattern[1:]]], FirstTokenCheck(conditions)
    key, words = split
    return [[{**first, key: word}, *pattern[1:]] for word in words], FirstTokenCheck(conditions)


class IndexedMatcher:
    """Token patterns filed under the word their first token must be (see module doc)."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._by_word: dict[tuple[int, int], tuple[Matcher, int]] = {}
        self._general = Matcher(vocab, validate=True)
        self._checks: dict[int, FirstTokenCheck] = {}
        #: Per column of ``COLUMNS``, the indexed word hashes (rebuilt after ``add``).
        self._wanted: list[frozenset[int]] | None = None

    def add(self, key: str, pattern: list[dict]) -> None:
        """Add ``pattern`` under ``key``; raises spaCy's errors for an invalid pattern."""
        Matcher(self.vocab, validate=True).add(key, [pattern])  # spaCy's own validation
        patterns, check = split_first_token(pattern)
        key_hash = self.vocab.strings.add(key)
        self._checks[key_hash] = check
        for split in patterns:
            first = split[0]
            word = next(((WORD_ATTRS[k.upper()], v) for k, v in first.items() if k.upper() in ("LEMMA", "LOWER", "ORTH", "TEXT") and isinstance(v, str)), None)
            if word is None:
                self._general.add(key, [split], greedy="LONGEST")
                continue
            index = (COLUMNS.index(word[0]), self.vocab.strings.add(word[1]))
            matcher, length = self._by_word.get(index) or (Matcher(self.vocab), 1)
            matcher.add(key, [split], greedy="LONGEST")
            self._by_word[index] = (matcher, max(length, _max_length(split)))
        self._wanted = None

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int, int, list[int]]]:
        """(key hash, start, end, alignment) of every match, as spaCy's Matcher gives them."""
        if not len(doc):
            return
        if len(self._general):
            for match in self._general(doc, with_alignments=True):
                if self._checks[match[0]](doc[match[1]]):
                    yield match
        if self._wanted is None:
            self._wanted = [frozenset(h for c, h in self._by_word if c == column) for column in range(len(COLUMNS))]
        array = doc.to_array(COLUMNS)
        for column, wanted in enumerate(self._wanted):
            if not wanted:
                continue
            values = array[:, column].tolist()
            for i in [i for i, value in enumerate(values) if value in wanted]:
                value = values[i]
                matcher, length = self._by_word[(column, value)]
                for key, start, end, alignment in matcher(doc[i : i + length], with_alignments=True):
                    if start == 0 and self._checks[key](doc[i]):
                        yield key, i, i + end, alignment


class GatedDependencyMatcher:
    """One spaCy ``DependencyMatcher`` per pattern, run on the sentences where it can match."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._entries: list[tuple[list[tuple[int, frozenset[int]]], DependencyMatcher]] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: str, pattern: list[dict]) -> None:
        """Add ``pattern`` under ``key``; raises spaCy's errors for an invalid pattern."""
        matcher = DependencyMatcher(self.vocab, validate=True)
        matcher.add(key, [pattern])
        needs = []
        for node in pattern:
            for name, value in node.get("RIGHT_ATTRS", {}).items():
                words = _words(value)
                if name.upper() in WORD_ATTRS and words is not None:
                    column = COLUMNS.index(WORD_ATTRS[name.upper()])
                    needs.append((column, frozenset(self.vocab.strings.add(w) for w in words)))
        self._entries.append((needs, matcher))

    def __call__(self, doc: Doc) -> Iterator[tuple[int, list[int]]]:
        """(key hash, token indices in pattern order) of every match."""
        if not self._entries or not len(doc):
            return
        array = doc.to_array(COLUMNS)
        columns = [array[:, j].tolist() for j in range(len(COLUMNS))]
        entries = self._feasible(self._entries, [set(values) for values in columns])
        if not entries:
            return
        for sent in doc.sents:
            present = [set(values[sent.start : sent.end]) for values in columns]
            for _, matcher in self._feasible(entries, present):
                for key, token_ids in matcher(sent):
                    yield key, [sent.start + i for i in token_ids]

    @staticmethod
    def _feasible(entries: list, present: list[set[int]]) -> list:
        """The entries for which every node's words occur in ``present``."""
        return [entry for entry in entries if all(not present[column].isdisjoint(words) for column, words in entry[0])]

"""Few-shot examples chosen per request: the gold records most like the sentences asked about.

A small model copies the shape of the examples it sees far better than it follows rules, so
showing it solved sentences that resemble the ones it is asked about (same trigger words,
same kinds of actors) helps most. The pool is any gold file (a train split, reviewed answers);
similarity is the cosine of TF-IDF vectors of lower-cased words, numpy only. Each sentence
of the request, in turn, adds its most similar record not chosen yet, until ``k`` are
chosen, so a request about a meeting and a refusal gets an example of each. The chosen
examples go after the stable prefix (instructions and the fixed examples), so a server's
prompt cache still computes that prefix once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class SimilarExamples:
    """``choose(lines)``: up to ``k`` records of ``pool`` most like ``lines``; see the module docstring."""

    def __init__(self, pool: Sequence[dict], k: int, render: Callable[[dict], str]):
        self.pool, self.k, self.render = list(pool), k, render
        docs = [Counter(_words(record["text"])) for record in self.pool]
        frequency = Counter(word for doc in docs for word in doc)
        self.vocabulary = {word: i for i, word in enumerate(sorted(frequency))}
        self.idf = np.log((1 + len(docs)) / (1 + np.array([frequency[w] for w in sorted(frequency)], float))) + 1
        self.matrix = np.stack([self._vector(doc) for doc in docs]) if docs else np.zeros((0, len(frequency)))

    def _vector(self, counts: Counter) -> np.ndarray:
        vector = np.zeros(len(self.vocabulary))
        for word, n in counts.items():
            if word in self.vocabulary:
                vector[self.vocabulary[word]] = n
        vector *= self.idf
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def choose(self, lines: Sequence[str]) -> list[dict]:
        """The chosen records, in pool order (so the same choice renders the same prompt)."""
        if not self.k or not len(self.pool) or not lines:
            return []
        similarity = np.stack([self.matrix @ self._vector(Counter(_words(line))) for line in lines])
        order = np.argsort(-similarity, axis=1, kind="stable")
        chosen: list[int] = []
        for rank in range(order.shape[1]):
            for row in range(len(lines)):
                index = int(order[row, rank])
                if index not in chosen and similarity[row, index] > 0:
                    chosen.append(index)
                    if len(chosen) == min(self.k, len(self.pool)):
                        return [self.pool[i] for i in sorted(chosen)]
            if rank > 50:  # nothing alike beyond this: fewer examples, not unrelated ones
                break
        return [self.pool[i] for i in sorted(chosen)]

    def block(self, lines: Sequence[str]) -> str:
        """The prompt text of the examples chosen for ``lines`` (empty when none is alike)."""
        return "".join(f"\n\n{self.render(record)}" for record in self.choose(lines))

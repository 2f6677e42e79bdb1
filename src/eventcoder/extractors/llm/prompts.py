"""Prompts that a client may send several at a time: one request, one shared prefix.

The task renders each doc's prompt as instructions and examples (the prefix, the same for
every doc of a run), then the doc's numbered sentences, then a fixed suffix (``Answer:``).
:class:`PackablePrompt` is that whole prompt as a string, so any spacy-llm model can send it
as it is, and it also knows its parts, so ``eventcoder.OpenAICompatible.v1`` can send the
sentences of several docs in one request, numbered on from one doc to the next, behind one
copy of the prefix (see ``client/packing.py``). ``examples``, when set, gives the examples
chosen for the sentences of each request (``tasks/events/similar.py``): they are inserted at
``insert_at`` of the prefix, after its stable part, so only the tail of a prompt varies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Self

Examples = Callable[[Sequence[str]], str]


class PackablePrompt(str):
    """A prompt string with its ``prefix``, sentence ``lines`` and ``suffix`` (and ``examples``
    for its lines, inserted at ``insert_at`` of the prefix)."""

    prefix: str
    lines: tuple[str, ...]
    suffix: str
    examples: Examples | None
    insert_at: int

    def __new__(cls, prefix: str, lines: list[str], suffix: str, examples: Examples | None = None,
                insert_at: int | None = None) -> Self:
        at = len(prefix) if insert_at is None else insert_at
        prompt = super().__new__(cls, render(prefix, lines, suffix, examples, at))
        prompt.prefix, prompt.lines, prompt.suffix = prefix, tuple(lines), suffix
        prompt.examples, prompt.insert_at = examples, at
        return prompt

    def frame(self) -> str:
        """The prompt without its sentence lines (with the examples chosen for them)."""
        return render(self.prefix, [], self.suffix) if self.examples is None else (
            self.prefix[:self.insert_at] + self.examples(self.lines) + self.prefix[self.insert_at:] + self.suffix)

    def shape(self) -> tuple:
        """What prompts packed into one request must share."""
        return self.prefix, self.suffix, self.examples, self.insert_at


def render(prefix: str, lines: Sequence[str], suffix: str, examples: Examples | None = None,
           insert_at: int | None = None) -> str:
    """The prompt for ``lines`` numbered from 0: ``[0] First sentence.``, one a line."""
    if examples is not None:
        at = len(prefix) if insert_at is None else insert_at
        prefix = prefix[:at] + examples(lines) + prefix[at:]
    return prefix + "\n".join(f"[{i}] {line}" for i, line in enumerate(lines)) + suffix


def split_prompt(prompt: str, lines: list[str], mark: str) -> str:
    """``prompt`` as a :class:`PackablePrompt` when it is ``... mark`` + the numbered ``lines``
    + a suffix without them; else ``prompt`` unchanged (a template of its own may differ)."""
    head, found, tail = prompt.rpartition(mark)
    body = "\n".join(f"[{i}] {line}" for i, line in enumerate(lines))
    if not found or not lines or not tail.startswith(body) or "[0]" in tail[len(body):]:
        return prompt
    packed = PackablePrompt(head + found, lines, tail[len(body):])
    return packed if str(packed) == prompt else prompt

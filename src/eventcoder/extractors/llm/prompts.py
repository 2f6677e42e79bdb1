"""Prompts that a client may send several at a time: one request, one shared prefix.

The task renders each doc's prompt as instructions and examples (the prefix, the same for
every doc of a run), then the doc's numbered sentences, then a fixed suffix (``Answer:``).
:class:`PackablePrompt` is that whole prompt as a string, so any spacy-llm model can send it
as it is, and it also knows its parts, so ``eventcoder.OpenAICompatible.v1`` can send the
sentences of several docs in one request, numbered on from one doc to the next, behind one
copy of the prefix (see ``client/packing.py``).
"""

from __future__ import annotations


class PackablePrompt(str):
    """A prompt string with its ``prefix``, sentence ``lines`` and ``suffix``."""

    prefix: str
    lines: tuple[str, ...]
    suffix: str

    def __new__(cls, prefix: str, lines: list[str], suffix: str) -> "PackablePrompt":
        prompt = super().__new__(cls, render(prefix, lines, suffix))
        prompt.prefix, prompt.lines, prompt.suffix = prefix, tuple(lines), suffix
        return prompt


def render(prefix: str, lines: list[str] | tuple[str, ...], suffix: str) -> str:
    """The prompt for ``lines`` numbered from 0: ``[0] First sentence.``, one a line."""
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

"""The example lines in docs/annotation.md stay true: valid, and the answer exports to the gold shown."""

from __future__ import annotations

import json
import re

from conftest import ROOT

from eventcoder.annotation.answers import answers_of
from eventcoder.annotation.checks import answer_problems
from eventcoder.annotation.edits import normalize_answer
from eventcoder.annotation.export import build_gold
from eventcoder.pipeline.validate import line_errors


def test_documented_lines_are_consistent(registry):
    doc = (ROOT / "docs" / "annotation.md").read_text(encoding="utf-8")
    news, task, answer, gold = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", doc, re.S)]
    assert task["text"] == answer["text"] == gold["text"] == news["text"]
    assert line_errors(task, "task", registry) == []
    assert answer_problems(answer, registry) == []
    assert normalize_answer(answer, registry)[0] == answer  # as before_db stored it
    assert line_errors(gold, "gold", registry) == []
    assert [g.record for g in build_gold(answers_of([answer]), registry)] == [gold]

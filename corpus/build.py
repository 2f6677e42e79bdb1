#!/usr/bin/env python3
"""Build the eventcoder corpus from corpus/source.txt and corpus/source_train.txt.

Reads the line-based annotated sources (format documented at the top of
source.txt and in README.md) and writes corpus/dev.jsonl, corpus/test.jsonl and
corpus/train.jsonl in the gold format of shared/guidelines.md.

source.txt holds the dev and test splits (test is frozen), source_train.txt the
train split. Each split must come from exactly one source file, so adding
records to one file can never renumber the records of a split in another.
IDs are numbered in order within each split.

Stdlib only. Any problem in a source stops the build with
``FILE:LINE: problem`` on stderr and exit status 1; nothing is written
unless every source is valid. Output files are written atomically
(temporary file in the same folder, then os.replace).

Usage:
    python corpus/build.py            # validate and write dev.jsonl, test.jsonl, train.jsonl
    python corpus/build.py --stats    # same, then print counts per split
    python corpus/build.py --check    # validate only, write nothing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_NAME = "eventcoder-corpus"

ROLES: dict[str, tuple[str, ...]] = {
    "MEETING": ("participant", "place", "time", "topic"),
    "STATEMENT": ("speaker", "addressee", "content", "place", "time"),
    "AGREEMENT": ("party", "topic", "place", "time"),
    "REFUSAL": ("refuser", "refused", "place", "time"),
}
# Roles marked `*` in the guidelines: the only ones that may occur more than once.
REPEATABLE = {"participant", "addressee", "party"}
MODALITIES = ("asserted", "planned", "negated", "hypothetical")
SPLITS = ("dev", "test", "train")
# Read in this order; records keep their order within a split.
DEFAULT_SOURCES = ("source.txt", "source_train.txt")
LABELS = tuple(ROLES)

_OCC_RE = re.compile(r"^(?P<text>.*?)@(?P<n>[0-9]+)$", re.S)
_ABBREV_END_RE = re.compile(r"(?:\b[A-Z]\.)+$")
_QUOTES = ('"', "\u201c", "\u201d")


class SourceError(Exception):
    """A problem in the source, with the file and line it was found on."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


class SourceErrors(Exception):
    """Every problem found in one pass over the source."""

    def __init__(self, errors: list[SourceError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Event:
    line: int
    label: str
    modality: str
    trigger: Span
    arguments: list[tuple[str, Span]]


@dataclass
class Record:
    line: int
    split: str
    sentences: list[tuple[int, str]] = field(default_factory=list)  # (line, sentence)
    event_lines: list[tuple[int, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    text: str = ""
    bounds: list[tuple[int, int]] = field(default_factory=list)  # sentence offsets


# --------------------------------------------------------------------------- parsing


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _at_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when [start, end) does not cut a word at either edge."""
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        return False
    if end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        return False
    return True


def occurrences(text: str, needle: str) -> list[int]:
    """Start offsets of `needle` in `text` that sit on word boundaries
    (overlapping matches included), in text order."""
    found = []
    pos = text.find(needle)
    while pos != -1:
        if _at_word_boundaries(text, pos, pos + len(needle)):
            found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def parse_spec(spec: str) -> tuple[str, int | None]:
    """'said@2' -> ('said', 2); 'said' -> ('said', None)."""
    m = _OCC_RE.match(spec)
    if m:
        return m.group("text"), int(m.group("n"))
    return spec, None


def locate(text: str, spec: str, where: str, path, line: int) -> Span:
    needle, nth = parse_spec(spec)
    if not needle:
        raise SourceError(path, line, f"{where}: empty span")
    if needle != needle.strip():
        raise SourceError(path, line, f"{where}: span {needle!r} has leading/trailing whitespace")
    starts = occurrences(text, needle)
    if not starts:
        if needle in text:
            raise SourceError(path, line, f"{where}: {needle!r} occurs only inside a longer word")
        raise SourceError(path, line, f"{where}: {needle!r} not found in the sentence text")
    if nth is None:
        if len(starts) > 1:
            raise SourceError(
                path, line,
                f"{where}: {needle!r} occurs {len(starts)} times; pick one with {needle}@N",
            )
        nth = 1
    if nth < 1 or nth > len(starts):
        raise SourceError(
            path, line,
            f"{where}: occurrence @{nth} of {needle!r} out of range (found {len(starts)})",
        )
    start = starts[nth - 1]
    return Span(start, start + len(needle), needle)


def check_span_edges(span: Span, where: str, path, line: int) -> None:
    t = span.text
    if t[-1] in ",;:" or t[0] in ",;:.":
        raise SourceError(path, line, f"{where}: span {t!r} starts or ends with punctuation")
    if t[-1] == "." and not _ABBREV_END_RE.search(t):
        raise SourceError(path, line, f"{where}: span {t!r} ends with a full stop")
    n_quotes = sum(t.count(q) for q in _QUOTES)
    if n_quotes % 2:
        raise SourceError(path, line, f"{where}: span {t!r} has an unbalanced quotation mark")


def sentence_index(bounds: list[tuple[int, int]], span: Span) -> int | None:
    for i, (s, e) in enumerate(bounds):
        if s <= span.start and span.end <= e:
            return i
    return None


def parse_event_line(rec: Record, body: str, path, line: int) -> Event:
    parts = [p.strip() for p in body.split("|")]
    head = parts[0].split(None, 2)
    if len(head) < 3:
        raise SourceError(path, line, "event line needs: TYPE MODALITY TRIGGER [| role=span ...]")
    label, modality, trig_spec = head[0], head[1], head[2].strip()
    if label not in ROLES:
        raise SourceError(path, line, f"unknown event type {label!r} (allowed: {', '.join(LABELS)})")
    if modality not in MODALITIES:
        raise SourceError(
            path, line, f"unknown modality {modality!r} (allowed: {', '.join(MODALITIES)})"
        )
    text = rec.text
    trigger = locate(text, trig_spec, "trigger", path, line)
    check_span_edges(trigger, "trigger", path, line)
    trig_sent = sentence_index(rec.bounds, trigger)
    if trig_sent is None:
        raise SourceError(path, line, f"trigger {trigger.text!r} crosses a sentence boundary")
    args: list[tuple[str, Span]] = []
    seen_roles: Counter = Counter()
    seen_spans: set[tuple[str, int, int]] = set()
    for part in parts[1:]:
        if not part:
            raise SourceError(path, line, "empty argument between '|' separators")
        if "=" not in part:
            raise SourceError(path, line, f"argument {part!r} is not role=span")
        role, spec = part.split("=", 1)
        role, spec = role.strip(), spec.strip()
        if role not in ROLES[label]:
            raise SourceError(
                path, line,
                f"role {role!r} not allowed for {label} (allowed: {', '.join(ROLES[label])})",
            )
        seen_roles[role] += 1
        if seen_roles[role] > 1 and role not in REPEATABLE:
            raise SourceError(path, line, f"role {role!r} may occur only once per {label} event")
        span = locate(text, spec, f"{role}", path, line)
        check_span_edges(span, role, path, line)
        if sentence_index(rec.bounds, span) != trig_sent:
            raise SourceError(
                path, line,
                f"{role} {span.text!r} is not in the trigger's sentence (arguments stay in the sentence)",
            )
        key = (role, span.start, span.end)
        if key in seen_spans:
            raise SourceError(path, line, f"duplicate argument {role}={span.text!r}")
        seen_spans.add(key)
        args.append((role, span))
    return Event(line, label, modality, trigger, args)


def parse_source(path: Path) -> list[Record]:
    """Parse and validate one source file.

    Structural problems (bad line, sentence before a split marker) raise
    SourceError at once; problems in event lines are collected and raised
    together as SourceErrors, so one run lists them all. Whether every split
    has records is checked over all sources by parse_sources().
    """
    errors: list[SourceError] = []
    records: list[Record] = []
    split: str | None = None
    current: Record | None = None
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@split"):
            parts = stripped.split()
            if len(parts) != 2 or parts[1] not in SPLITS:
                allowed = " or ".join(f"'@split {s}'" for s in SPLITS)
                raise SourceError(path, lineno, f"split marker must be {allowed}")
            split = parts[1]
            current = None
            continue
        tag, sep, body = line.partition(":")
        if not sep or tag not in ("S", "+", "E", "N"):
            raise SourceError(path, lineno, f"unrecognised line (expected S:, +:, E:, N:, @split or #): {line[:60]!r}")
        body = body.strip()
        if tag == "S":
            if split is None:
                raise SourceError(path, lineno, f"sentence before any '@split {'|'.join(SPLITS)}' marker")
            if not body:
                raise SourceError(path, lineno, "empty sentence")
            current = Record(line=lineno, split=split)
            current.sentences.append((lineno, body))
            records.append(current)
        elif tag == "+":
            if current is None:
                raise SourceError(path, lineno, "continuation '+:' without a preceding 'S:'")
            if current.event_lines:
                raise SourceError(path, lineno, "continuation '+:' after event lines; put all sentences first")
            if not body:
                raise SourceError(path, lineno, "empty sentence")
            current.sentences.append((lineno, body))
        elif tag == "E":
            if current is None:
                raise SourceError(path, lineno, "event line 'E:' without a preceding 'S:'")
            current.event_lines.append((lineno, body))
        # tag N: a note for annotators, ignored
    if not records:
        raise SourceError(path, 0, "no records found")
    # Events are resolved after all sentences of a record are known.
    for rec in records:
        pieces, bounds, pos = [], [], 0
        for _, sent in rec.sentences:
            if pieces:
                pos += 1  # joining space
            bounds.append((pos, pos + len(sent)))
            pieces.append(sent)
            pos += len(sent)
        rec.text = " ".join(pieces)
        rec.bounds = bounds
        seen_triggers: set[tuple[str, int, int]] = set()
        for lineno, body in rec.event_lines:
            try:
                ev = parse_event_line(rec, body, path, lineno)
                key = (ev.label, ev.trigger.start, ev.trigger.end)
                if key in seen_triggers:
                    raise SourceError(path, lineno, f"duplicate {ev.label} event on trigger {ev.trigger.text!r}")
            except SourceError as exc:
                errors.append(exc)
                continue
            seen_triggers.add(key)
            rec.events.append(ev)
    if errors:
        raise SourceErrors(errors)
    return records


def parse_sources(paths: list[Path]) -> list[Record]:
    """Parse and validate several source files, in order.

    Event-line problems of all files are reported together. Every split must
    have records, and each split must come from a single file (so that editing
    one file never renumbers the records of a split kept in another).
    """
    errors: list[SourceError] = []
    records: list[Record] = []
    owner: dict[str, Path] = {}
    for path in paths:
        try:
            recs = parse_source(path)
        except SourceErrors as exc:
            errors.extend(exc.errors)
            continue
        for rec in recs:
            first = owner.setdefault(rec.split, path)
            if first != path:
                errors.append(SourceError(
                    path, rec.line,
                    f"split {rec.split!r} already comes from {first.name}; a split must come from one source file",
                ))
                break
        records.extend(recs)
    if not errors:
        for split_name in SPLITS:
            if split_name not in owner:
                errors.append(SourceError(paths[-1], 0, f"split {split_name!r} has no records"))
    if errors:
        raise SourceErrors(errors)
    return records


# --------------------------------------------------------------------------- output


def to_json(rec: Record, rid: str) -> dict:
    events = sorted(rec.events, key=lambda e: (e.trigger.start, e.trigger.end, e.label))
    return {
        "text": rec.text,
        "meta": {"source": SOURCE_NAME, "id": rid, "split": rec.split},
        "events": [
            {
                "label": e.label,
                "modality": e.modality,
                "trigger": {"start": e.trigger.start, "end": e.trigger.end, "text": e.trigger.text},
                "arguments": [
                    {"role": role, "start": s.start, "end": s.end, "text": s.text}
                    for role, s in e.arguments
                ],
            }
            for e in events
        ],
    }


def build(records: list[Record]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for rec in records:
        rid = f"{rec.split}-{len(out[rec.split]) + 1:04d}"
        out[rec.split].append(to_json(rec, rid))
    return out


def verify(docs: list[dict]) -> None:
    """Paranoid re-check of the emitted objects (offsets slice to their text)."""
    for d in docs:
        text = d["text"]
        for e in d["events"]:
            t = e["trigger"]
            assert text[t["start"]:t["end"]] == t["text"], (d["meta"]["id"], t)
            for a in e["arguments"]:
                assert text[a["start"]:a["end"]] == a["text"], (d["meta"]["id"], a)
                assert a["role"] in ROLES[e["label"]], (d["meta"]["id"], a)
            assert e["modality"] in MODALITIES


def write_jsonl_atomic(path: Path, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# --------------------------------------------------------------------------- stats


def split_stats(records: list[Record]) -> dict:
    c = {
        "records": len(records),
        "sentences": 0,
        "multi_sentence_records": 0,
        "no_event_records": 0,
        "no_event_sentences": 0,
        "events": 0,
        "label": Counter(),
        "modality": Counter(),
        "label_modality": Counter(),
        "arguments": 0,
    }
    for rec in records:
        c["sentences"] += len(rec.sentences)
        if len(rec.sentences) > 1:
            c["multi_sentence_records"] += 1
        if not rec.events:
            c["no_event_records"] += 1
        used = {sentence_index(rec.bounds, e.trigger) for e in rec.events}
        c["no_event_sentences"] += sum(1 for i in range(len(rec.sentences)) if i not in used)
        for e in rec.events:
            c["events"] += 1
            c["label"][e.label] += 1
            c["modality"][e.modality] += 1
            c["label_modality"][(e.label, e.modality)] += 1
            c["arguments"] += len(e.arguments)
    return c


def format_stats(records: list[Record]) -> str:
    per = {s: split_stats([r for r in records if r.split == s]) for s in SPLITS}
    per["all"] = split_stats(records)
    cols = list(SPLITS) + ["all"]
    rows: list[tuple[str, list]] = []

    def pct(n, d):
        return f"{n} ({100 * n / d:.0f}%)" if d else str(n)

    rows.append(("records", [per[s]["records"] for s in cols]))
    rows.append(("sentences", [per[s]["sentences"] for s in cols]))
    rows.append(("multi-sentence records", [per[s]["multi_sentence_records"] for s in cols]))
    rows.append(("no-event records", [pct(per[s]["no_event_records"], per[s]["records"]) for s in cols]))
    rows.append(("no-event sentences", [pct(per[s]["no_event_sentences"], per[s]["sentences"]) for s in cols]))
    rows.append(("events", [per[s]["events"] for s in cols]))
    rows.append(("arguments", [per[s]["arguments"] for s in cols]))
    for lab in LABELS:
        rows.append((f"  {lab}", [per[s]["label"][lab] for s in cols]))
    for mod in MODALITIES:
        rows.append((f"  {mod}", [per[s]["modality"][mod] for s in cols]))
    for lab in LABELS:
        for mod in MODALITIES:
            rows.append((f"  {lab}/{mod}", [per[s]["label_modality"][(lab, mod)] for s in cols]))
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(c), *(len(str(r[1][i])) for r in rows)) for i, c in enumerate(cols)]
    lines = ["| " + "count".ljust(w0) + " | " + " | ".join(c.rjust(w) for c, w in zip(cols, widths)) + " |"]
    lines.append("|" + "-" * (w0 + 2) + "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for name, vals in rows:
        lines.append("| " + name.ljust(w0) + " | " + " | ".join(str(v).rjust(w) for v, w in zip(vals, widths)) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--source", type=Path, action="append", default=None,
        help="annotated source file; repeat for several, read in the order given "
             f"(default: {' then '.join(DEFAULT_SOURCES)} in this folder)",
    )
    ap.add_argument("--out-dir", type=Path, default=HERE, help="where the SPLIT.jsonl files go")
    ap.add_argument("--stats", action="store_true", help="print counts per split after building")
    ap.add_argument("--check", action="store_true", help="validate the source only; write nothing")
    args = ap.parse_args(argv)
    sources = args.source or [HERE / name for name in DEFAULT_SOURCES]
    try:
        records = parse_sources(sources)
    except SourceErrors as exc:
        for err in exc.errors:
            print(f"error: {err}", file=sys.stderr)
        print(f"{len(exc.errors)} error(s); nothing written", file=sys.stderr)
        return 1
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = build(records)
    for docs in out.values():
        verify(docs)
    if not args.check:
        for split_name, docs in out.items():
            write_jsonl_atomic(args.out_dir / f"{split_name}.jsonl", docs)
    if args.stats:
        print(format_stats(records))
    else:
        summary = ", ".join(f"{s}: {len(out[s])} records" for s in SPLITS)
        verb = "checked" if args.check else "wrote"
        print(f"{verb} {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

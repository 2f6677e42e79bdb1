"""The manifest of a folder output: which run wrote it and which of its parts are finished.

``manifest.jsonl`` holds a header line (format, eventcoder version, extraction config, inputs,
part size), then one line per finished part: its input range, lines in, documents, tasks out,
errors skipped, words, and the size and SHA-256 of its part file. The header also holds each
input file's size, mtime and SHA-256, so a resume refuses an input that changed. Only the process that runs
the extraction writes it; workers write only part files. A part's line is appended (one write,
then fsync) after its part file was renamed into place, so at any kill the manifest names only
complete files. A line torn by a kill is cut off when the manifest is next opened.

On a re-run a part counts as finished when its line matches the planned range and its file
still has the recorded size and checksum (checked by the worker the part goes to, see
:mod:`.engines.work`); every other part is run again. A re-run whose header differs (another
config, other inputs) stops with a :class:`UserError` unless ``overwrite``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, NonNegativeInt, ValidationError
from spacy.util import get_package_version

from eventcoder import __version__
from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError, UserError
from eventcoder.core.reading import STDIN, parse_json_line
from eventcoder.pipeline.inputs import expand_inputs
from eventcoder.pipeline.nlp import default_pipeline_name
from eventcoder.run.extract import ExtractConfig
from eventcoder.run.parts import Part

MANIFEST = "manifest.jsonl"
FORMAT = 1
PART_FILES = "part-*.jsonl"
#: Part files being written (atomic_writer's temp names).
TEMP_FILES = ".part-*.tmp"


def run_header(config: ExtractConfig, inputs: list[str], part_size: int) -> dict:
    """What must be equal for a re-run to reuse finished parts (canonical JSON values)."""
    model = config.spacy_model or default_pipeline_name()
    header = {
        "eventcoder_manifest": FORMAT,
        "eventcoder": __version__,
        "config": {
            "extractors": list(config.extractors),
            "unit": config.unit,
            "spacy_model": model,
            "spacy_model_version": get_package_version(model),
            # Each extractor's options but those that change how a run goes, not what it writes.
            "options": {name: options.recorded() for name, options in config.options},
            "min_score": config.min_score,
        },
        "inputs": list(inputs),
        "input_files": input_fingerprints(inputs),
        "part_size": part_size,
    }
    return json.loads(json.dumps(header, default=str))  # tuples -> lists, paths -> str


def input_fingerprints(inputs: list[str]) -> list[dict]:
    """Size, mtime and streamed SHA-256 of every input file, so a resume notices a changed input."""
    prints = []
    try:
        names = list(expand_inputs(inputs))
    except InputError:
        return prints  # the run itself reports the bad input
    for name in names:
        if name == STDIN or not Path(name).is_file():
            continue
        stat = os.stat(name)
        prints.append({"path": name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_sha256(Path(name))})
    return prints


class ManifestEntry(BaseModel):
    """The shape of a finished part's manifest line (extra keys allowed)."""

    model_config = ConfigDict(extra="allow")
    part: str
    source: str
    first: NonNegativeInt
    last: NonNegativeInt
    documents: NonNegativeInt
    tasks: NonNegativeInt
    errors: NonNegativeInt
    words: NonNegativeInt
    bytes: NonNegativeInt
    sha256: str


def _changed_inputs(old: dict, new: dict) -> list[str]:
    before = {f.get("path"): f for f in old.get("input_files") or [] if isinstance(f, dict)}
    return [f["path"] for f in new.get("input_files", []) if before.get(f["path"], {}).get("sha256") != f["sha256"]]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _differences(old: dict, new: dict) -> list[str]:
    names = []
    for key in sorted(set(old) | set(new)):
        if key == "config" and isinstance(old.get(key), dict):
            names += [f"config.{name}" for name in _differences(old[key], new[key])]
        elif old.get(key) != new.get(key):
            names.append(key)
    return names


class Manifest:
    """An open manifest: the parts an earlier run finished, and appending newly finished ones."""

    def __init__(self, folder: Path, entries: dict[str, dict]):
        self.folder = folder
        #: Lines of parts finished before this run, by part name.
        self.entries = entries
        self._handle = open(folder / MANIFEST, "ab")

    @classmethod
    def open(cls, folder: str | os.PathLike, header: dict, overwrite: bool = False) -> "Manifest":
        """Open ``folder``'s manifest for a run described by ``header``, starting one if needed."""
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise UserError(f"{folder} is not a folder")
        path = folder / MANIFEST
        if path.exists() and not path.is_file():
            raise UserError(f"{path} is not a file: remove it, or write to another folder")
        entries: dict[str, dict] = {}
        if overwrite:
            _remove_parts(folder)
        elif path.exists():
            old, entries = _read(path)
            changed = _changed_inputs(old, header) if old.get("inputs") == header["inputs"] else []
            if changed:
                raise UserError(
                    f"{changed[0]} changed since the run that wrote {folder} (size, mtime or content): "
                    "re-run with --overwrite to extract it again, or write to another folder"
                )
            if old != header:
                raise UserError(
                    f"{folder} holds parts of another run ({', '.join(_differences(old, header))} differ): "
                    "re-run with --overwrite to replace them, or write to another folder"
                )
        elif folder.is_dir() and next(folder.glob(PART_FILES), None) is not None:
            raise UserError(f"{folder} holds part files but no {MANIFEST}: re-run with --overwrite to replace them")
        _remove_temp_files(folder)
        if not path.exists():
            with atomic_writer(path) as handle:
                handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        return cls(folder, entries)

    def earlier(self, part: Part) -> dict | None:
        """The line an earlier run wrote for ``part`` (same range), else None.

        Each part is asked about once, so its line is dropped from memory here.
        """
        entry = self.entries.pop(part.name, None)
        if entry is None or (entry["source"], entry["first"], entry["last"]) != (part.source, part.first, part.last):
            return None
        return entry

    def record(self, entry: dict) -> None:
        """Append a finished part's line, durably."""
        self._handle.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()
        _remove_temp_files(self.folder)  # of parts whose worker was killed (the part ran again)

    def __enter__(self) -> "Manifest":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read(path: Path) -> tuple[dict, dict[str, dict]]:
    data = path.read_bytes()
    if not data.endswith(b"\n"):  # a line torn by a kill: cut it off before appending more
        data = data[: data.rfind(b"\n") + 1]
        with open(path, "r+b") as handle:
            handle.truncate(len(data))
    lines = data.splitlines()
    try:
        header = json.loads(lines[0])
        if not isinstance(header, dict) or header.get("eventcoder_manifest") != FORMAT:
            raise ValueError("unknown format")
    except (IndexError, ValueError, RecursionError):
        raise UserError(f"{path}:1: not an eventcoder manifest; re-run with --overwrite to replace it") from None
    entries = {}
    for number, line in enumerate(lines[1:], start=2):
        try:
            entry = parse_json_line(line, str(path), number)
            if entry is None:
                continue
            ManifestEntry.model_validate(entry)
        except (InputError, ValidationError) as exc:
            problem = exc.problem if isinstance(exc, InputError) else _first_problem(exc)
            raise UserError(f"{path}:{number}: damaged manifest line ({problem}); re-run with --overwrite to start over") from None
        entries[entry["part"]] = entry  # a part run again: its last line counts
    return header, entries


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'/'.join(map(str, error['loc'])) or '(line)'}: {error['msg']}"


def _remove_temp_files(folder: Path) -> None:
    for path in folder.glob(TEMP_FILES):
        path.unlink(missing_ok=True)


def _remove_parts(folder: Path) -> None:
    """Remove what a run writes into ``folder``, and nothing else."""
    (folder / MANIFEST).unlink(missing_ok=True)
    for path in folder.glob(PART_FILES):
        path.unlink()

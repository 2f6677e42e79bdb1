"""Help as users expect it: plain value names (TEXT, PATH, INTEGER), never Python types."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli

from eventcoder.cli import app
from eventcoder.cli.app import main  # noqa: F401  (the commands are registered on import)

COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)


def test_there_are_commands_to_check():
    assert {"extract", "review", "export", "train", "extractors"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_plainly(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    python_types = re.findall(r"<(?:list\[|str>|int|bool>|path>|float>)[^>]*>?", result.stdout)
    assert python_types == [], f"{command} --help shows Python types: {python_types}"
    assert "Usage: eventcoder " in result.stdout


def test_the_closed_sets_of_the_cli_are_the_librarys():
    from typing import get_args

    from eventcoder.annotation.export import FORMATS, MERGES
    from eventcoder.annotation.ordering import ORDERS
    from eventcoder.annotation.webapp.queue import KEYS
    from eventcoder.cli import app as cli_app
    from eventcoder.pipeline.units import UNITS
    from eventcoder.run.engines import ENGINES

    module = __import__("eventcoder.cli.app", fromlist=["Unit"])
    assert cli_app is not None
    pairs = {"Unit": UNITS, "Engine": ENGINES, "Order": ORDERS, "ExcludeBy": KEYS, "Merge": MERGES, "ExportFormat": FORMATS}
    for name, library in pairs.items():
        assert set(get_args(getattr(module, name))) == set(library), name


def test_a_value_outside_a_closed_set_is_a_usage_error_listing_the_choices(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli("extract", "x.txt", "-o", str(tmp_path / "o.jsonl"), "--unit", "chapter")
    assert result.returncode == 2
    assert "'chapter' is not one of 'doc', 'paragraph', 'sentence'" in result.stderr
    help_text = run_cli("extract", "--help").stdout
    assert "[doc|paragraph|sentence]" in help_text and "[local|dask]" in help_text


def _commands_taking(flag: str) -> dict:
    """``{command path: click option}`` for every command (those of sub-apps too) taking ``flag``."""
    import typer.main

    found = {}

    def walk(group, prefix):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, (*prefix, name))
            for param in command.params:
                if flag in param.opts:
                    found[(*prefix, name)] = param

    walk(typer.main.get_command(app), ())
    return found


def _flat(text: str) -> str:
    """Help text with wrapping undone: whitespace collapsed, a line broken after a hyphen joined."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


@pytest.mark.parametrize(("flag", "takers"), [
    ("--db", {"export", "agreement", "review", "db-in", "retrain"}),
    ("--spacy-model", {"extract", "review", "db-in", "train", "retrain", "events"}),
    ("--batch-size", {"extract", "review"}),
    ("--skip-invalid", {"extract", "evaluate", "export", "agreement", "db-in"}),
])
def test_a_shared_option_is_one_definition_with_the_same_help_on_every_command(flag, takers, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    # validate's --skip-invalid checks a file as the others would read it: its own help.
    options = {path: option for path, option in _commands_taking(flag).items() if path != ("validate",)}
    assert {" ".join(path) for path in options} == takers
    helps = {option.help for option in options.values()}
    assert len(helps) == 1, f"{flag} has {len(helps)} help texts: {helps}"
    (help_text,) = helps
    assert len({(repr(option.type_descriptor.annotation), option.min) for option in options.values()}) == 1
    for path in options:
        shown = run_cli(*path, "--help").stdout
        assert _flat(help_text) in _flat(shown), f"eventcoder {' '.join(path)} --help does not show {flag}'s help"


def test_shared_defaults_are_the_librarys_and_review_keeps_a_small_batch_on_purpose():
    from dataclasses import fields

    from eventcoder.cli.shared_options import BATCH_SIZE, REVIEW_BATCH_SIZE
    from eventcoder.run.config import ExtractConfig

    library_default = next(field.default for field in fields(ExtractConfig) if field.name == "batch_size")
    batch = _commands_taking("--batch-size")
    assert batch[("extract",)].default == BATCH_SIZE == library_default
    assert batch[("review",)].default == REVIEW_BATCH_SIZE < BATCH_SIZE
    assert f"review's default is {REVIEW_BATCH_SIZE}" in batch[("review",)].help  # the reason is in the help
    for flag in ("--db", "--spacy-model"):  # None: the library picks ./eventcoder.db, the default pipeline
        assert {option.default for option in _commands_taking(flag).values()} == {None}

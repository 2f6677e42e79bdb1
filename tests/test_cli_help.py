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

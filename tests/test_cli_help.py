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

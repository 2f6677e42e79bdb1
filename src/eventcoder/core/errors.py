"""Errors the user caused, reported as one ``FILE:LINE: what is wrong`` line (exit code 2)."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the CLI prints it without a traceback and exits with 2."""

    exit_code = 2


class InputError(UserError):
    """A problem at a place in an input file. Line 0 means the file as a whole."""

    def __init__(self, path: str, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{self.path}:{line}: {problem}")

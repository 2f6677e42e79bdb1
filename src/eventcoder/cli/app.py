"""The typer app, shared helpers and the entry point; commands live in the sibling modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, get_args, get_origin

import typer
from rich.console import Console
from typer.core import TyperCommand

from eventcoder.core.errors import InputError, UserError

# The closed sets of the command line, as choices help lists (tests/test_cli_help.py checks
# they equal the library's own tuples, which are not imported here to keep start-up quick).
Unit = Literal["doc", "paragraph", "sentence"]
Engine = Literal["local", "dask"]
Order = Literal["uncertain", "disagreement", "stream"]
ExcludeBy = Literal["task", "input"]
Merge = Literal["first", "latest", "strict"]
ExportFormat = Literal["jsonl", "spacy"]

#: Plain value names in help, as click writes them, instead of Python types (``<list[str]>``).
VALUE_NAMES = {str: "TEXT", int: "INTEGER", float: "FLOAT", bool: "BOOLEAN", Path: "PATH"}


def value_name(param) -> str:
    """``TEXT``, ``PATH``, ``INTEGER``, ``[doc|paragraph|sentence]``; nothing for a flag."""
    described = param.type_descriptor
    if getattr(param, "is_flag", False):
        return ""
    if described.is_choice:
        return "[" + "|".join(map(str, described.choices)) + "]"
    annotation = described.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if described.is_path:
        return "PATH"
    return VALUE_NAMES.get(annotation, getattr(annotation, "__name__", "TEXT").upper())


class PlainCommand(TyperCommand):
    """A command whose help names values as click does (TEXT, PATH, INTEGER, choices)."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if not hasattr(param, "type_descriptor"):
                continue
            if param.param_type_name == "argument":
                # The name column already is the metavar (INPUT...): no type column beside it.
                param.display_type_rich = lambda ctx: ""
            elif param.metavar is None:
                param.metavar = value_name(param)
        return params


class App(typer.Typer):
    """Every command of the app gets :class:`PlainCommand` help, those of plugins too."""

    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", PlainCommand)
        return super().command(*args, **kwargs)


app = App(
    rich_markup_mode=None,  # help text is plain: "[local-llm]" in a docstring is not a style tag
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Find political and diplomatic events in news text and feed them into annotation.",
)
out = Console()


def say(message: str) -> None:
    """One plain line on stderr (rich would wrap it when piped)."""
    print(message, file=sys.stderr)


def registry_with_warnings():
    """The plugin registry, with one line on stderr per plugin that failed to load."""
    from eventcoder.plugins import get_registry

    registry = get_registry()
    for plugin, message in registry.errors.items():
        say(f"eventcoder: plugin {plugin!r} skipped: {message}")
    return registry


def split_names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


OPTION_HELP = "Extractor option NAME.FIELD=VALUE (repeatable), e.g. -O llm.model=gpt-4o-mini; `eventcoder extractors` lists them."
BOILERPLATE_HELP = ("Make no task of boilerplate units (share/follow lines, bylines, datelines, units with no verb or"
                    " under 10 letters, unless an extractor proposes an event there); they are counted in the summary.")


def extractor_option_values(option_args: list[str] | None, extractors: tuple[str, ...], aliases: dict[str, object]) -> dict:
    """``{extractor: {field: value}}`` from ``-O`` and the old flags (``{"llm.model": value}``).

    ``-O`` wins over an alias of the same field; an alias of an extractor that is not selected
    is ignored, as it always was, while ``-O`` for one is an error (see resolve_options).
    """
    from eventcoder.core.extractor_options import merge_raw, parse_option_args

    old: dict[str, dict[str, object]] = {}
    for key, value in aliases.items():
        name, _, field = key.partition(".")
        if value is not None and value != () and value is not False and name in extractors:
            old.setdefault(name, {})[field] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    return merge_raw(old, parse_option_args(option_args or []))


def answer_kinds_option(value: str) -> tuple[str, ...]:
    from eventcoder.annotation.answers import answer_kinds

    try:
        return answer_kinds(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--answers") from None


def skipping_option(skip_invalid: bool):
    """The reader's :class:`~eventcoder.core.reading.Skipping` for ``--skip-invalid`` (None without it)."""
    from eventcoder.core.reading import Skipping

    return Skipping(report=lambda error: say(f"skipped {error}")) if skip_invalid else None


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        # Without standalone mode click returns the code of a typer.Exit instead of exiting.
        code = app(args=argv, prog_name="eventcoder", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as exc:
        print(f"eventcoder: {exc}" if not isinstance(exc, InputError) else str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: typer prints them like click does
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)

"""The typer app, shared helpers and the entry point; commands live in the sibling modules."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from eventcoder.core.errors import InputError, UserError

app = typer.Typer(
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

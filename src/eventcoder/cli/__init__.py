"""The ``eventcoder`` command line: a thin layer over the library functions.

One module per stage of the flow adds its commands to the one typer ``app``, in the order
``eventcoder --help`` lists them; ``main`` is the console-script entry point.
"""

# isort: off
from eventcoder.cli import extract, inspect, evaluate, annotate, learn, events, llm  # noqa: F401 - register the commands
# isort: on
from eventcoder.cli.app import app, main

__all__ = ["app", "main"]

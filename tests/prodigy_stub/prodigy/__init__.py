"""A stand-in for Prodigy's public ``prodigy.recipe``, for tests/test_prodigy_cli.py only.

Prodigy 1.12+ builds its command line with radicli: each plac-style tuple
``(help, kind, shortcut, type)`` of the decorator becomes a ``radicli.Arg`` and the command
is built from the function's signature. Two conversions are modelled (``CONVERSIONS``):

* ``converter``: the tuple's type is the Arg's converter;
* ``signature``: no converter, radicli takes the type from the signature's hints alone.

Prodigy 1.11 handed the same tuples to plac, so the tuples are checked as plac wants them.
This directory is put on ``sys.path`` by one fixture; it is never importable otherwise.
"""

from radicli import Arg, Radicli

CONVERSIONS = ("converter", "signature")
KINDS = ("positional", "option", "flag")
conversion = "signature"
cli = Radicli(prog="prodigy")
#: What each recipe name was registered with: the function, as Prodigy stores it.
registry: dict = {}


def reset(mode: str) -> None:
    """A fresh command line converting the tuples in ``mode`` (before recipes are imported)."""
    global conversion, cli
    if mode not in CONVERSIONS:
        raise ValueError(f"conversion is one of {CONVERSIONS}, not {mode!r}")
    conversion, cli = mode, Radicli(prog="prodigy")
    registry.clear()


def to_arg(name: str, annotation) -> Arg:
    """The radicli Arg of one plac tuple, the way Prodigy turns it into one."""
    if not (isinstance(annotation, tuple) and len(annotation) == 4):
        raise TypeError(f"{name}: expected a (help, kind, shortcut, type) tuple, got {annotation!r}")
    help_text, kind, short, converter = annotation
    if kind not in KINDS or not isinstance(help_text, str) or not (short is None or isinstance(short, str)):
        raise TypeError(f"{name}: not a plac annotation: {annotation!r}")
    if kind == "positional":
        if short is not None:
            raise TypeError(f"{name}: a positional argument has no shortcut")
        return Arg(help=help_text, converter=converter if conversion == "converter" else None)
    return Arg(f"--{name.replace('_', '-')}", f"-{short}" if short else None, help=help_text,
               converter=converter if conversion == "converter" and kind != "flag" else None)


def recipe(name: str, **annotations):
    """Register the function as the command ``name``; return it unchanged, as Prodigy does."""

    def register(function):
        args = {key: to_arg(key, value) for key, value in annotations.items()}
        cli.command(name, **args)(function)  # radicli reads the signature here
        registry[name] = function
        return function

    return register

"""The built-in actor data (countries, organisations, sectors), registered like a plugin's."""

from pathlib import Path

from eventcoder.hookspecs import hookimpl

ACTOR_DATA = Path(__file__).resolve().parent.parent / "eventdata" / "data" / "actors"


@hookimpl
def register_actors(register):
    register(ACTOR_DATA)

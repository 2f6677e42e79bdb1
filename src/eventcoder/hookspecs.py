"""Hook specifications: the whole plugin API of eventcoder.

A plugin is a module (or object) with functions marked ``@eventcoder.hookimpl`` whose names
match the hooks below. Install it with an entry point in the ``eventcoder`` group::

    [project.entry-points.eventcoder]
    my_plugin = "my_package.eventcoder_plugin"

Every hook receives a ``register`` callable. Core calls each plugin's hook separately, checks
what it hands over, and names the plugin in the error if something is wrong; one broken plugin
never stops the others. The built-in types and extractors are plugins of exactly this kind
(``eventcoder.default_plugins``).

Hooks run in this order, each across all plugins: argument kinds, event types, roles,
extractors, patterns, actors. So a plugin may add a role to a type that another plugin registers.
"""

from __future__ import annotations

from typing import Callable

import pluggy

hookspec = pluggy.HookspecMarker("eventcoder")
hookimpl = pluggy.HookimplMarker("eventcoder")


@hookspec
def register_argument_kinds(register: Callable) -> None:
    """Register span labels for argument mentions.

    Call ``register(ArgumentKind(name, description, may_overlap=False))`` once per kind. Names
    are UPPER_CASE. ``may_overlap=True`` marks kinds whose mentions may contain other spans
    (a reported clause): in a task they are kept in ``overlapping_relations`` so ``spans``
    stay free of overlaps. The default plugin registers ACTOR, PLACE, TIME, TOPIC and CONTENT.
    """


@hookspec
def register_event_types(register: Callable) -> None:
    """Register event types.

    Call ``register(EventType(name, description, roles=(Role(...), ...), triggers=(...)))``.
    Each ``Role(name, kind, repeats, description)`` names an argument kind registered through
    ``register_argument_kinds``; ``repeats=True`` allows several mentions in that role (the
    participants of a meeting). A duplicate type name, or a role with an unknown kind, is an
    error attributed to the registering plugin.
    """


@hookspec
def register_roles(register: Callable) -> None:
    """Add roles to event types registered by any plugin.

    Call ``register("MEETING", Role("mediator", "ACTOR", repeats=True))``. An unknown event
    type or a role the type already has is an error attributed to this plugin.
    """


@hookspec
def register_extractors(register: Callable) -> None:
    """Register extractors: things that propose events for spaCy docs.

    Call ``register(name, factory, description="", options=Model)``. ``Model`` (optional) is a
    subclass of :class:`eventcoder.ExtractorOptions` (a pydantic model): its fields are the
    extractor's options, set by users with ``-O NAME.FIELD=VALUE`` and listed with their types,
    defaults and descriptions by ``eventcoder extractors``. ``factory(context)`` receives an
    :class:`eventcoder.extractors.ExtractorContext` (the registry, the shared spaCy pipeline
    and ``options``, the validated ``Model`` instance) and returns an object with a ``name``
    attribute and a method ``extract(docs) -> Iterator[list[Event]]`` yielding one list of
    events per doc, in order. Factories run once per process, in each worker process for
    parallel runs; what a cluster run must share across workers goes in
    ``Model.cluster_wide``. Names may not contain ``.`` or ``,``.
    """


@hookspec
def register_patterns(register: Callable) -> None:
    """Register folders of rule patterns for the ``rules`` extractor.

    Call ``register(path)`` with a folder holding ``*.json`` pattern files in the format
    described in ``docs/patterns.md``. They are loaded after the built-in patterns, unless
    the user replaces all of them with ``--patterns DIR``.
    """


@hookspec
def register_actors(register: Callable) -> None:
    """Register files of actor data for ``eventcoder events`` (actor coding).

    Call ``register(path)`` with a JSON file, or a folder of ``*.json`` files, in the format of
    ``eventcoder/eventdata/data/actors/`` (described in ``docs/event_data.md``): any of
    ``countries`` (ISO alpha-3 -> extra ``names``, ``demonyms``, ``capitals``),
    ``organisations`` (``names``, ``code`` IGO/NGO, ``cameo``), ``sectors`` (sector code ->
    words) and ``people`` (a full name -> ``code``, ``sector``). Files load after the built-in
    ones and extend them; a name registered again takes the later file's code.
    """

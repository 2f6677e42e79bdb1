"""Loading plugins and collecting what they register into a checked :class:`Registry`.

Plugins load lazily, once per process: the first call to :func:`get_registry` imports the
built-in plugins and every entry point in the ``eventcoder`` group. Set
``EVENTCODER_DISABLE_PLUGINS=1`` (or ``all``) to load only the built-in ones, or to a
comma-separated list of entry-point names to block just those.
"""

from __future__ import annotations

import functools
import importlib
import os
from importlib.metadata import entry_points
from pathlib import Path
from typing import Callable

import pluggy

from eventcoder import hookspecs
from eventcoder.core.extractor_options import check_options_model
from eventcoder.core.vocabulary import ArgumentKind, EventType, Registry, Role

ENTRY_POINT_GROUP = "eventcoder"
DISABLE_ENV = "EVENTCODER_DISABLE_PLUGINS"
DEFAULT_PLUGINS = (
    "eventcoder.default_plugins.event_types",
    "eventcoder.default_plugins.rules",
    "eventcoder.default_plugins.llm",
    "eventcoder.default_plugins.model",
    "eventcoder.default_plugins.actors",
)


def blocked_plugins() -> set[str] | None:
    """Entry-point names blocked by the environment; ``None`` means all are blocked."""
    value = os.environ.get(DISABLE_ENV, "").strip()
    if value.lower() in {"1", "all", "*", "true", "yes"}:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def make_plugin_manager(errors: dict[str, str] | None = None) -> pluggy.PluginManager:
    """A plugin manager with the built-in plugins and the installed outside ones.

    Import failures are recorded in ``errors`` (plugin name -> message) instead of raised.
    """
    errors = {} if errors is None else errors
    pm = pluggy.PluginManager("eventcoder")
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    blocked = blocked_plugins()
    if blocked is None:
        return pm
    # pluggy's load_setuptools_entrypoints stops at the first broken plugin; we load each on
    # its own so one broken plugin is named and the others still load.
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in blocked or pm.get_plugin(ep.name) is not None:
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # a plugin can fail in any way; report it by name
            errors[ep.name] = f"failed to load ({ep.value}): {type(exc).__name__}: {exc}"
    return pm


def _call_each(pm: pluggy.PluginManager, hook_name: str, make_register: Callable, errors: dict) -> None:
    """Call ``hook_name`` on each plugin separately, so errors carry the plugin's name."""
    hook = getattr(pm.hook, hook_name)
    # get_hookimpls() lists in registration order: built-in plugins first, then outside ones.
    for impl in hook.get_hookimpls():
        plugin = impl.plugin_name
        if plugin in errors:
            continue
        try:
            impl.function(register=make_register(plugin))
        except Exception as exc:
            errors[plugin] = f"{hook_name}: {exc}" if isinstance(exc, (ValueError, TypeError)) else (
                f"{hook_name}: {type(exc).__name__}: {exc}"
            )


def build_registry(pm: pluggy.PluginManager, errors: dict[str, str] | None = None) -> Registry:
    """Collect and check what every plugin registers.

    A plugin that registers something invalid is recorded in ``registry.errors`` and what it
    registered is dropped as a whole, so a half-registered plugin never leaks in.
    """
    reg = Registry(errors=dict(errors or {}))
    def provided(plugin: str, what: str) -> None:
        reg.provided.setdefault(plugin, []).append(what)

    def kinds(plugin):
        def register(kind: ArgumentKind) -> None:
            if not isinstance(kind, ArgumentKind):
                raise TypeError(f"register_argument_kinds expects ArgumentKind, got {kind!r}")
            if kind.name in reg.kinds:
                raise ValueError(f"duplicate argument kind {kind.name!r}")
            reg.kinds[kind.name] = kind
            provided(plugin, f"kind {kind.name}")
        return register

    def types(plugin):
        def register(etype: EventType) -> None:
            if not isinstance(etype, EventType):
                raise TypeError(f"register_event_types expects EventType, got {etype!r}")
            reg.check_event_type(etype)
            reg.types[etype.name] = etype
            provided(plugin, f"type {etype.name}")
        return register

    def roles(plugin):
        def register(type_name: str, role: Role) -> None:
            etype = reg.types.get(type_name)
            if etype is None:
                raise ValueError(f"cannot add role {role.name!r}: unknown event type {type_name!r}")
            if etype.role(role.name):
                raise ValueError(f"{type_name} already has a role {role.name!r}")
            reg.check_role(type_name, role)
            reg.types[type_name] = EventType(
                etype.name, etype.description, etype.roles + (role,), etype.triggers
            )
            provided(plugin, f"role {type_name}.{role.name}")
        return register

    def extractors(plugin):
        def register(name: str, factory: Callable, description: str = "", options: type | None = None) -> None:
            if not callable(factory):
                raise TypeError(f"extractor {name!r}: factory is not callable")
            if not isinstance(name, str) or not name or "." in name or "," in name:
                raise ValueError(f"extractor name {name!r} must be a non-empty string without '.' or ','")
            if name in reg.extractors:
                raise ValueError(f"duplicate extractor {name!r}")
            reg.extractor_options[name] = check_options_model(name, options)
            reg.extractors[name] = factory
            reg.extractor_descriptions[name] = description
            provided(plugin, f"extractor {name}")
        return register

    def patterns(plugin):
        def register(path) -> None:
            folder = Path(path)
            if not folder.is_dir():
                raise ValueError(f"pattern folder {folder} does not exist")
            reg.pattern_dirs.append(folder)
            provided(plugin, f"patterns {folder}")
        return register

    def actors(plugin):
        def register(path) -> None:
            found = Path(path)
            if not (found.is_dir() or (found.is_file() and found.suffix == ".json")):
                raise ValueError(f"actor data {found} is neither a folder nor a .json file")
            reg.actor_data.append(found)
            provided(plugin, f"actors {found}")
        return register

    for hook_name, make in (
        ("register_argument_kinds", kinds),
        ("register_event_types", types),
        ("register_roles", roles),
        ("register_extractors", extractors),
        ("register_patterns", patterns),
        ("register_actors", actors),
    ):
        _call_each(pm, hook_name, make, reg.errors)
    _drop_failed(reg)
    return reg


def _drop_failed(reg: Registry) -> None:
    """Remove what a plugin registered before it failed: all or nothing per plugin."""
    for plugin in reg.errors:
        for what in reg.provided.pop(plugin, []):
            kind, _, name = what.partition(" ")
            if kind == "kind":
                reg.kinds.pop(name, None)
            elif kind == "type":
                reg.types.pop(name, None)
            elif kind == "role":
                type_name, _, role_name = name.partition(".")
                etype = reg.types.get(type_name)
                if etype:
                    reg.types[type_name] = EventType(
                        etype.name, etype.description,
                        tuple(r for r in etype.roles if r.name != role_name), etype.triggers,
                    )
            elif kind == "extractor":
                reg.extractors.pop(name, None)
                reg.extractor_descriptions.pop(name, None)
                reg.extractor_options.pop(name, None)
            elif kind == "patterns":
                reg.pattern_dirs = [p for p in reg.pattern_dirs if str(p) != name]
            elif kind == "actors":
                reg.actor_data = [p for p in reg.actor_data if str(p) != name]


@functools.cache
def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    errors: dict[str, str] = {}
    pm = make_plugin_manager(errors)
    return build_registry(pm, errors)


def reset() -> None:
    """Forget the loaded plugins (tests, or after installing a plugin at run time)."""
    get_registry.cache_clear()

"""Extractor options: each extractor declares a pydantic model, users set its fields.

An extractor registers ``options=Model`` where ``Model`` subclasses :class:`ExtractorOptions`.
Users set fields with ``-O NAME.FIELD=VALUE`` (repeatable; a list field takes one value per
``-O``); values are parsed by the model's field types, so a wrong type or an unknown field is
a :class:`~eventcoder.core.errors.UserError` naming the extractor, the field and what is
allowed. The factory receives the validated instance as ``context.options``.

Core knows no extractor by name: what an extractor needs once for a whole cluster run (a
shared request budget, cache shards) it arranges in :meth:`ExtractorOptions.cluster_wide`.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry


class ExtractorOptions(BaseModel):
    """Base of every extractor's options model: frozen (configs are hashed), no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Fields that change how a run goes, not what it writes (a cache path, a concurrency):
    #: a resumed run may change them. Every other field is recorded in the output manifest.
    run_only: ClassVar[frozenset[str]] = frozenset()

    def recorded(self) -> dict:
        """The fields that decide the output, as JSON values (for the output manifest)."""
        return self.model_dump(mode="json", exclude=set(self.run_only))

    @contextmanager
    def cluster_wide(self) -> Iterator["ExtractorOptions"]:
        """Options for the workers of a cluster run, set up once on the client (default: these).

        Override to share something across all workers for the length of the run; the
        extractor's factory sees what this yields in every worker.
        """
        yield self


class NoOptions(ExtractorOptions):
    """The options of an extractor that declares none."""


def check_options_model(name: str, model) -> type[ExtractorOptions]:
    """``model`` if it is a usable options model (None means none), else TypeError."""
    if model is None:
        return NoOptions
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"extractor {name!r}: options must be a pydantic model class, got {model!r}")
    if not issubclass(model, ExtractorOptions):
        raise TypeError(f"extractor {name!r}: options model {model.__name__} must subclass eventcoder.ExtractorOptions")
    return model


def parse_option_args(args: Iterable[str]) -> dict[str, dict[str, object]]:
    """``["llm.model=x", "rules.patterns=a", "rules.patterns=b"]`` -> ``{extractor: {field: value}}``.

    A field given more than once collects its values in a list, in order.
    """
    raw: dict[str, dict[str, object]] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        name, dot, field = key.strip().partition(".")
        if not sep or not dot or not name or not field:
            raise UserError(f"-O {arg}: expected NAME.FIELD=VALUE (e.g. -O llm.model=gpt-4o-mini)")
        fields = raw.setdefault(name, {})
        if field in fields:
            earlier = fields[field]
            fields[field] = [*(earlier if isinstance(earlier, list) else [earlier]), value]
        else:
            fields[field] = value
    return raw


def merge_raw(*layers: Mapping[str, Mapping[str, object]]) -> dict[str, dict[str, object]]:
    """Later layers win field by field (``-O`` over the old flags)."""
    merged: dict[str, dict[str, object]] = {}
    for layer in layers:
        for name, fields in layer.items():
            merged.setdefault(name, {}).update({k: v for k, v in fields.items() if v is not None})
    return {name: fields for name, fields in merged.items() if fields}


def options_model(registry: Registry, name: str) -> type[ExtractorOptions]:
    return registry.extractor_options.get(name, NoOptions)


def validate_options(registry: Registry, name: str, fields: Mapping[str, object]) -> ExtractorOptions:
    """The options instance of extractor ``name`` from user values, or a one-line UserError."""
    model = options_model(registry, name)
    for field in fields:
        if field not in model.model_fields:
            allowed = ", ".join(model.model_fields) or "none"
            raise UserError(f"-O {name}.{field}: extractor {name!r} has no option {field!r} (its options: {allowed})")
    values = {field: _as_list(model, field, value) for field, value in fields.items()}
    try:
        return model(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        given = fields.get(field, error.get("input"))
        expects = describe_type(model.model_fields[field].annotation) if field in model.model_fields else "?"
        raise UserError(
            f"-O {name}.{field}={given!r}: {error['msg']} (extractor {name!r}, option {field!r} takes {expects})"
        ) from None


def resolve_options(
    registry: Registry, extractors: Iterable[str],
    raw: Mapping[str, Mapping[str, object] | ExtractorOptions] | None = None,
) -> tuple[tuple[str, ExtractorOptions], ...]:
    """Validated options for each of ``extractors`` (defaults where the user set none).

    ``raw`` maps an extractor to its field values, or to an options instance already made.
    Options for an extractor that is not selected are an error: they would do nothing.
    """
    names = tuple(extractors)
    raw = dict(raw or {})
    for name in raw:
        if name not in names:
            known = name in registry.extractors
            raise UserError(
                f"-O {name}.*: extractor {name!r} is not selected (--extractor {','.join(names)})"
                if known else f"-O {name}.*: unknown extractor {name!r} (registered: {', '.join(sorted(registry.extractors))})"
            )
    resolved = []
    for name in names:
        given = raw.get(name) or {}
        if isinstance(given, ExtractorOptions):
            model = options_model(registry, name)
            if not isinstance(given, model):
                raise UserError(f"extractor {name!r} takes {model.__name__}, not {type(given).__name__}")
            resolved.append((name, given))
        else:
            resolved.append((name, validate_options(registry, name, given)))
    return tuple(resolved)


def _as_list(model: type[BaseModel], field: str, value: object) -> object:
    """One ``-O`` value for a list field is a list of one."""
    if _is_sequence(model.model_fields[field].annotation) and not isinstance(value, (list, tuple)):
        return [value]
    return value


def _is_sequence(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return origin in (list, tuple, set, frozenset)


_TYPE_NAMES = {str: "TEXT", int: "INTEGER", float: "FLOAT", bool: "BOOLEAN", Path: "PATH"}


def describe_type(annotation) -> str:
    """A plain name for a field type, as click shows them: TEXT, PATH, INTEGER, PATH..., ..."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return " | ".join(describe_type(arg) for arg in args)
    if origin is typing.Literal:
        return "|".join(str(arg) for arg in typing.get_args(annotation))
    if origin in (list, tuple, set, frozenset):
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return f"{describe_type(args[0]) if args else 'TEXT'}..."
    return _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)).upper())


def describe_options(model: type[ExtractorOptions]) -> list[dict]:
    """Each field of ``model``: name, type, default (JSON), help, whether it is run-only."""
    fields = []
    for name, info in model.model_fields.items():
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields.append({
            "name": name,
            "type": describe_type(info.annotation),
            "default": json.loads(json.dumps(default, default=str)),
            "required": info.is_required(),
            "help": info.description or "",
            "run_only": name in model.run_only,
        })
    return fields

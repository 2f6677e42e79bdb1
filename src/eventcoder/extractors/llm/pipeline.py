"""The spacy-llm component of the ``llm`` extractor, from a config file and the options.

Without ``--llm-config`` the config is ``default.cfg`` beside this module. Either way the
component must run ``eventcoder.Events.v1``; the command-line options are applied to the
config before it is assembled: ``--llm-model``, ``--llm-base-url`` and ``--llm-concurrency``
set the ``eventcoder.OpenAICompatible.v1`` model, ``--llm-examples`` the task's examples.
The response cache (``--llm-cache``, ``--no-cache``) goes into that model, or wraps any other
spacy-llm model (``eventcoder.CachedModel.v1``). A cache the config already sets on either
model is honoured as it is; set there *and* by ``--llm-cache``/``--no-cache`` (or by a dask
run, whose workers need shards of one cache) it is refused, never replaced. spacy-llm's own
BatchCache (``[components.NAME.cache]``) is switched off; a config that gives it a path is
refused, since it would cache docs around eventcoder's record of each prompt and response.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.util import CONFIG_SECTION_ORDER
from spacy_llm.pipeline.llm import LLMWrapper
from spacy_llm.util import assemble_from_config
from thinc.api import Config

from eventcoder.core.errors import InputError, UserError
from eventcoder.core.reading import read_text_document
from eventcoder.extractors.llm import registry as _registry  # noqa: F401  (registers the task, model and cache)
from eventcoder.extractors.llm.cache import canonical_json
from eventcoder.extractors.llm.tasks.events.task import EventsTask

DEFAULT_CONFIG = Path(__file__).with_name("default.cfg")
TASK = "eventcoder.Events.v2"
#: The task versions the llm extractor runs (v1: the long prompt and the list-of-roles answer).
TASKS = ("eventcoder.Events.v2", "eventcoder.Events.v1")
MODEL = "eventcoder.OpenAICompatible.v1"
CACHED_MODEL = "eventcoder.CachedModel.v1"
NO_BATCH_CACHE = {"@llm_misc": "spacy.BatchCache.v1", "path": None, "batch_size": 64, "max_batches_in_mem": 4}
#: Option -> parameter of eventcoder.OpenAICompatible.v1.
MODEL_OPTIONS = {"llm_model": "name", "llm_base_url": "base_url", "llm_concurrency": "concurrency",
                 "llm_server_identity": "server_identity", "llm_batch_sentences": "batch_sentences",
                 "llm_timeout": "timeout"}


@dataclass
class LLMComponent:
    """The assembled component, its name in the pipeline, and a label of its model for task meta."""

    component: LLMWrapper
    name: str
    model: str


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:400] or type(exc).__name__


def _find_component(config, where: str) -> str:
    components = config.get("components", {})
    pipeline = config.get("nlp", {}).get("pipeline", [])
    names = [name for name in pipeline if components.get(name, {}).get("factory") == "llm"]
    if not names:
        raise UserError(f"{where}: no component with factory = \"llm\" in [nlp] pipeline")
    tasks = [name for name in names if components[name].get("task", {}).get("@llm_tasks") in TASKS]
    return (tasks or names)[0]


def _apply_options(component: dict, options: dict, where: str) -> str:
    """Change ``component`` in place; return a label of its model."""
    task = component.setdefault("task", {"@llm_tasks": TASK})
    if task.get("@llm_tasks") not in TASKS:
        raise UserError(
            f"{where}: the llm component's task must be @llm_tasks = \"{TASK}\" (or {TASKS[1]}),"
            f" not {task.get('@llm_tasks')!r}"
        )
    if options.get("llm_examples"):
        task["examples"] = {"@llm_misc": "eventcoder.GoldExamples.v1", "path": str(options["llm_examples"])}
    if options.get("llm_similar_examples"):
        task["similar_examples"] = {"@llm_misc": "eventcoder.GoldExamples.v1", "path": str(options["llm_similar_examples"])}
        task["n_similar"] = options.get("llm_n_similar", 3)
    model = component.setdefault("model", {"@llm_models": MODEL})
    given = {param: options[option] for option, param in MODEL_OPTIONS.items() if options.get(option) is not None}
    ours = model.get("@llm_models") == MODEL
    if given and not ours:
        flags = ", ".join(f"--{o.replace('_', '-')}" for o, p in MODEL_OPTIONS.items() if p in given)
        raise UserError(f"{flags} only apply to {MODEL} models; set them in {where}")
    model.update(given)
    if ours and options.get("llm_semaphore"):  # a dask run: one request budget for the cluster
        model["semaphore"] = list(options["llm_semaphore"])
    label = str(model.get("name") or model.get("@llm_models"))
    _check_batch_cache(component, where)
    component["cache"] = dict(NO_BATCH_CACHE)
    component["save_io"] = True
    if _configured_cache(model, options, where):
        return label
    if not options.get("llm_no_cache"):
        cache = {"@llm_misc": "eventcoder.ResponseCache.v1", "path": options.get("llm_cache")}
        if options.get("llm_cache_shards"):  # a dask run: each worker writes its own shard
            cache = {"@llm_misc": "eventcoder.ShardedResponseCache.v1",
                     "main": options["llm_cache"], "shards": options["llm_cache_shards"]}
        if ours:
            model["cache"] = cache
        else:
            component["model"] = {
                "@llm_models": "eventcoder.CachedModel.v1",
                "identity": canonical_json(model),
                "model": model,
                "cache": cache,
            }
    return label


def _configured_cache(model: dict, options: dict, where: str) -> bool:
    """Whether the config sets the model's response cache itself (then it is used as it is);
    UserError when the options set one too."""
    if model.get("@llm_models") not in (MODEL, CACHED_MODEL) or model.get("cache") is None:
        return False
    flags = [flag for flag, key in (("--llm-cache", "llm_cache"), ("--no-cache", "llm_no_cache")) if options.get(key)]
    if options.get("llm_cache_shards"):
        raise UserError(f"{where} sets the model's cache, which dask workers cannot share: remove it and pass --llm-cache")
    if flags:
        raise UserError(f"{where} sets the model's cache and {' and '.join(flags)} sets another: keep one")
    return True


def _check_batch_cache(component: dict, where: str) -> None:
    cache = component.get("cache")
    if isinstance(cache, dict) and cache.get("path") is not None:
        raise UserError(f"{where}: spacy-llm's cache (path = {cache['path']}) is not supported, eventcoder caches each "
                        "response itself: remove [components.NAME.cache] and pass --llm-cache")


def _config_line(exc: BaseException) -> int:
    """The line configparser blamed (it is on the error or on its cause), else 0 (the file)."""
    for error in (exc, exc.__cause__ or exc.__context__):
        if getattr(error, "lineno", None):
            return error.lineno
        if getattr(error, "errors", None):  # ParsingError: [(line, text), ...]
            return error.errors[0][0]
    return 0


def read_llm_config(path: str | Path, where: str) -> Config:
    """A spacy-llm config file, read by the project's one reader; problems are ``FILE:LINE: ...``."""
    text = read_text_document(path, "LLM config")
    try:
        return Config(section_order=CONFIG_SECTION_ORDER).from_str(text, interpolate=True)
    except Exception as exc:  # syntax errors, duplicates, bad interpolation: all the user's to fix
        raise InputError(str(path), _config_line(exc), f"cannot read {where}: {_one_line(exc)}") from None


def build_component(options: dict) -> LLMComponent:
    """Assemble the llm component; every problem is a one-line :class:`UserError`."""
    path = options.get("llm_config")
    where = f"--llm-config {path}" if path else "the default llm config"
    config = read_llm_config(path or DEFAULT_CONFIG, where)
    name = _find_component(config, where)
    component = config["components"][name]
    label = _apply_options(component, options, where)
    try:
        nlp = assemble_from_config(config)
    except UserError:
        raise
    except Exception as exc:  # unknown registered names, invalid settings, a model's start-up failure
        raise UserError(f"cannot build the LLM pipeline from {where}: {_one_line(exc)}") from None
    llm = nlp.get_pipe(name)
    if not isinstance(llm.task, EventsTask):
        raise UserError(f"{where}: the llm component's task is not {TASK}")
    return LLMComponent(llm, name, label)

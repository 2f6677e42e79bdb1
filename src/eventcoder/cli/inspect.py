"""Commands that inspect inputs and the installed vocabulary: validate, types, plugins, schemas."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from eventcoder.cli.app import app, out, registry_with_warnings, say, skipping_option


@app.command()
def validate(
    file: str = typer.Argument(..., help="A task or gold JSONL file."),
    kind: str = typer.Option("auto", "--kind", help="task, gold, or auto (per line)."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Check FILE as --skip-invalid reads it: lone surrogates replaced by U+FFFD (counted), not reported."),
) -> None:
    """Check FILE against schemas/ and the task invariants; report each bad line by number.

    Exits 0 when every line is valid, 1 otherwise.
    """
    from eventcoder.pipeline.validate import KINDS, validate_file

    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="--kind")
    registry = registry_with_warnings()
    bad_lines: set[int] = set()
    lines = 0
    skipping = skipping_option(skip_invalid)
    for number, problem in validate_file(file, registry, kind, skipping):
        bad_lines.add(number)
        say(f"{file}:{number}: {problem}")
    from eventcoder.core.reading import open_binary

    with open_binary(file) as handle:
        lines = sum(1 for raw in handle if raw.strip())
    replaced = skipping.summary() if skipping else ""
    if bad_lines:
        say(f"{file}: {len(bad_lines)} of {lines} lines invalid{replaced}")
        raise typer.Exit(1)
    say(f"{file}: {lines} lines valid{replaced}")



@app.command()
def types(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List event types and their roles, from all plugins."""
    registry = registry_with_warnings()
    data = [
        {
            "name": t.name,
            "description": t.description,
            "roles": [{"name": r.name, "kind": r.kind, "repeats": r.repeats, "description": r.description} for r in t.roles],
        }
        for t in registry.types.values()
    ]
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table("type", "role", "kind", "repeats", "description")
    for etype in data:
        for i, role in enumerate(etype["roles"]):
            table.add_row(etype["name"] if i == 0 else "", role["name"], role["kind"], "yes" if role["repeats"] else "", role["description"])
    out.print(table)


@app.command()
def plugins(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List loaded plugins, what each registered, and plugins that failed."""
    from eventcoder.plugins import get_registry

    registry = get_registry()
    data = {
        "plugins": [{"name": name, "registered": what} for name, what in registry.provided.items()],
        "errors": [{"name": name, "error": message} for name, message in registry.errors.items()],
    }
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table("plugin", "registered")
    for item in data["plugins"]:
        table.add_row(item["name"], ", ".join(item["registered"]))
    for item in data["errors"]:
        table.add_row(f"[red]{item['name']}[/red]", f"[red]FAILED: {item['error']}[/red]")
    out.print(table)


@app.command()
def extractors(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List every extractor with its options (type, default, description); set them with -O NAME.FIELD=VALUE."""
    from eventcoder.core.extractor_options import describe_options, options_model
    from eventcoder.plugins import get_registry

    registry = get_registry()
    owners = {what.partition(" ")[2]: plugin for plugin, provided in registry.provided.items()
              for what in provided if what.startswith("extractor ")}
    data = [
        {"name": name, "plugin": owners.get(name, ""), "description": registry.extractor_descriptions.get(name, ""),
         "options": describe_options(options_model(registry, name))}
        for name in registry.extractors
    ]
    if as_json:
        print(json.dumps(data, indent=2))
        return
    for item in data:
        out.print(f"[bold]{item['name']}[/bold] ({item['plugin']})", highlight=False)
        out.print(f"  {item['description']}", highlight=False)
        if not item["options"]:
            out.print("  no options", highlight=False)
        for field in item["options"]:
            default = "required" if field["required"] else f"default {json.dumps(field['default'])}"
            out.print(f"  -O {item['name']}.{field['name']}={field['type']}  ({default})  {field['help']}",
                      highlight=False, markup=False)
        out.print("")


@app.command()
def schemas(write: Path | None = typer.Option(None, "--write", help="Write the schema files into this folder.")) -> None:
    """Print (or --write) the JSON Schemas of the task and gold formats."""
    from eventcoder.core.json_schemas import schemas as format_schemas
    from eventcoder.core.json_schemas import write_schemas
    from eventcoder.extractors.llm.response_schema import published_schemas

    files = {**format_schemas(), **published_schemas()}
    if write:
        for path in write_schemas(write, files):
            say(f"wrote {path}")
    else:
        print(json.dumps(files, indent=2, ensure_ascii=False))

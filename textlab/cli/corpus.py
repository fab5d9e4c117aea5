"""``textlab corpus``: the texts that ship with textlab, for the examples and the classroom."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer

from .. import corpora, io
from ..errors import UsageError
from .app import command_app
from .options import FormatOpt, NoHeader, Output
from .output import emit_table

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus\n\n"
    "  textlab corpus es | textlab letters --compare spanish --top 5\n\n"
    "  textlab corpus en -o wikipedia-en.txt\n\n"
    "  textlab letters $(textlab corpus en --path)",
)
def corpus(
    name: Annotated[
        str | None, typer.Argument(help="Which corpus: en, es or analogies. None: list them.", show_default=False)
    ] = None,
    path: Annotated[
        bool, typer.Option("--path", help="Print where the (xz-compressed) file is installed instead of its text.")
    ] = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """The corpora bundled with textlab (offline): list them, or write one's text.

    Their licenses and sources are in the README.md beside them (textlab corpus --path en shows where).
    """
    if name is None:
        rows = [(c.name, c.language, c.license, c.about) for c in corpora.CORPORA.values()]
        emit_table(["name", "language", "license", "about"], rows, fmt=fmt, output=output, header=not no_header)
        return
    if name not in corpora.CORPORA:
        raise UsageError(f"no bundled corpus {name!r}: choose one of {', '.join(corpora.CORPORA)}")
    source = corpora.path(name)
    with io.atomic_output(output, binary=True) as out:
        if path:
            out.write(f"{source}\n".encode())
            return
        stream, _ = io.open_binary(str(source))  # textlab's reader: it knows the file is xz
        with stream:
            shutil.copyfileobj(stream, out, io.CHUNK_SIZE)

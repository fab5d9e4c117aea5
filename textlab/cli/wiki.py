"""``textlab wiki fetch`` and ``textlab wiki dump``: Wikipedia as plain prose."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import io
from ..errors import UsageError
from ..wiki import Article, DumpError
from ..wiki.fetch import WikipediaClient, default_cache_dir
from .app import command_app
from .options import Output, PartitionSize, Scheduler
from .options import Progress as ProgressOpt
from .output import warn
from .progress import Meter, wanted

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

wiki_app = command_app(
    help="Wikipedia as plain text: one article through the API, or every article of a dump.",
    no_args_is_help=True,
)
app.add_typer(wiki_app, name="wiki")


@wiki_app.command(
    epilog="Examples:\n\n"
    "  textlab wiki fetch Cat | textlab letters --top 5\n\n"
    "  textlab wiki fetch --lang es Gato Perro -o gatos-perros.txt\n\n"
    "  textlab wiki fetch --summary 'Claude Shannon'",
)
def fetch(
    titles: Annotated[
        list[str], typer.Argument(help="Article titles (redirects are followed: cats -> Cat).", show_default=False)
    ],
    lang: Annotated[str, typer.Option("--lang", "-l", help="Wikipedia edition: en, es, de, fr ...")] = "en",
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the lead section, before the first heading.")
    ] = False,
    user_agent: Annotated[
        str | None,
        typer.Option(
            "--user-agent",
            help="Who is asking, with a contact, as Wikimedia requires.  [default: $TEXTLAB_USER_AGENT or textlab's]",
            show_default=False,
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", help="Where fetched articles are kept.  [default: ~/.cache/textlab/wiki]", show_default=False
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Always ask the network; neither read nor write the cache.")
    ] = False,
    output: Output = None,
) -> None:
    """Fetch Wikipedia articles as plain text: a title line, then one paragraph per line.

    Several articles are separated by a blank line. Articles are cached on
    disk, so running the same command again needs no network.
    """
    from ..wiki.parallel import format_article

    client = WikipediaClient(lang, user_agent, None if no_cache else (cache_dir or default_cache_dir()))
    fetched = [client.fetch(title, summary) for title in titles]  # all or nothing: fetch before writing
    with io.atomic_output(output) as out:
        for article in fetched:
            out.write(format_article(Article(0, article.title, article.text)))  # as wiki dump writes one


@wiki_app.command(
    epilog="Examples:\n\n"
    "  textlab wiki dump enwiki-latest-pages-articles.xml.bz2 | textlab letters --top 10\n\n"
    "  textlab wiki dump --limit 100 --format jsonl eswiki-latest-pages-articles.xml.bz2 -o es.jsonl\n\n"
    "  textlab wiki dump dump.xml.bz2 | textlab words | textlab ngrams --unit word -n 2 -o bigrams.tsv",
)
def dump(
    files: Annotated[
        list[str],
        typer.Argument(
            help="MediaWiki XML dumps (.xml, .bz2, .gz, .xz), or '-'.", show_default=False, metavar="DUMP..."
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="text (title line, paragraphs, blank line) or jsonl ({id, title, text})."),
    ] = "text",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after N articles.", show_default=False)
    ] = None,
    min_words: Annotated[int, typer.Option("--min-words", min=0, help="Skip articles with fewer words (stubs).")] = 0,
    namespace: Annotated[
        list[int] | None,
        typer.Option(
            "--namespace", help="Namespaces to keep (repeatable).  [default: 0, articles]", show_default=False
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes extracting at once.  [default: the machine's cores]",
            show_default=False,
        ),
    ] = None,
    index: Annotated[
        str | None,
        typer.Option(
            "--index",
            help="The multistream dump's index file (...-multistream-index.txt.bz2): where its streams start. "
            "Without it they are found by their headers.",
            metavar="FILE",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of standard output; with --scheduler, "
            "a new directory for the numbered shards.",
            metavar="FILE|DIR",
        ),
    ] = None,
    progress: ProgressOpt = False,
    scheduler: Scheduler = None,
    partition_size: PartitionSize = "64M",
) -> None:
    """Stream a Wikipedia XML dump (pages-articles) out as plain prose, in constant memory.

    Redirects and pages outside the article namespace are skipped; templates,
    tables, references, comments, file and category links, HTML tags and
    magic words are removed; link text, bold and italic text, headings and
    list items are kept.  With --scheduler, the workers of a Dask cluster
    extract parts of the dump into numbered shards in the -o directory
    (00000.txt, 00001.txt, ...): read in order, they are the same text.
    """
    from ..wiki.parallel import Settings, article_texts, read_index

    if fmt not in ("text", "jsonl"):
        raise UsageError(f"--format {fmt!r}: use text or jsonl")
    settings = Settings(keep=tuple(namespace or [0]), min_words=min_words, fmt=fmt)
    offsets = read_index(index) if index is not None else None
    if scheduler:
        if limit is not None:
            raise UsageError("--limit reads the start of a dump: run it without --scheduler")
        from .cluster import dump_on_cluster

        dump_on_cluster(scheduler, files, output, settings, offsets, partition_size, progress)
        return
    io.check_output_path(output)
    from ..machine import cores

    jobs = jobs or cores()
    written = 0
    failure: DumpError | None = None
    meter = Meter("dump", "{articles:,} articles", show=wanted(progress, files))
    # A dump that breaks off still yields its complete articles: they are kept
    # (in the -o file too), and the error says how many there are.
    total = io.input_size(files)
    with io.atomic_output(output) as out, meter:
        done_bytes = 0
        for path in files:
            read = 0
            try:
                for text, read in article_texts(path, settings, jobs, offsets):
                    out.write(text)
                    written += 1
                    meter.update(done_bytes + read, total, articles=written)
                    if limit is not None and written >= limit:
                        break
            except DumpError as e:
                failure = DumpError(f"{io.describe(path)}: {e}", e.pages_done)
                break
            done_bytes += read
            if limit is not None and written >= limit:
                break
        if failure is not None and written == 0:
            raise failure  # nothing worth keeping: no output file either
    if failure is not None:
        where = f" to {output}" if output not in (None, "-") else ""
        noun = "article was" if written == 1 else "articles were"
        raise DumpError(f"{failure.message}; {written:,} complete {noun} written{where}", failure.pages_done)
    if written == 0:
        warn("no articles found (check --namespace and --min-words)")

"""``textlab wiki dump`` and ``textlab wiki fetch``: markup removal, streaming, errors, a faked network."""

from __future__ import annotations

import bz2
import json

import httpx
import pytest

from textlab.wiki import Namespaces, clean
from textlab.wiki.fetch import WikipediaClient

from .conftest import ROOT, corpus_text, run_pipeline, shared_file

LEAKS = ["{{", "}}", "[[", "]]", "{|", "|}", "<ref", "&lt;", "File:", "Category:", "Image:"]


# -- markup ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "wikitext, prose",
    [
        ("'''Cats''' are ''small''.", "Cats are small."),
        ("A [[domestic cat|house cat]] and a [[dog]]s.", "A house cat and a dogs."),
        ("Big {{Infobox|a={{nested|x}}|b=2}}cat.", "Big cat."),
        ("x {{{1|default}}} y", "x y"),
        ("He said<ref name=a>Smith 2001, p. 3</ref> so.<ref name=a/>", "He said so."),
        ("A <!-- hidden\nnote --> cat", "A cat"),
        ("[[File:Cat.jpg|thumb|A [[cat]] on a [[mat]]]]Cats purr.", "Cats purr."),
        ("[[Image:Bicyclo[1.1.0]butane.png|thumb|Bicyclo[1.1.0]butane]]Text.", "Text."),
        ("Cats.\n[[Category:Felines]]\n[[de:Katze]]", "Cats."),
        ("See [http://example.org the site] or [http://example.org].", "See the site or."),
        ("== History ==\nOld.\n* one\n# two", "History\nOld.\none\ntwo"),
        ("{| class=wikitable\n|-\n| a || b\n{|\n| inner\n|}\n|}\nAfter.", "After."),
        ("Paris ({{IPA|paʁi}}; {{lang|fr|Paris}}) is", "Paris (Paris) is"),
        ("A&nbsp;cat &amp; a dog &ndash; x", "A cat & a dog – x"),
        ("__NOTOC__Cats<br/>purr.", "Cats purr."),
        ("Keys <nowiki>{|}~</nowiki> here.", "Keys {|}~ here."),
        ("<math>\\frac{a}{b}</math>Ratio.", "Ratio."),
        ("[[Paris (France)|]] is", "Paris is"),
        ("[[:Category:Cats|the cat category]] lists", "the cat category lists"),
    ],
)
def test_clean(wikitext, prose):
    assert clean(wikitext) == prose


def test_localized_namespaces_are_recognised():
    ns = Namespaces()
    ns.add(6, "Archivo")
    ns.add(14, "Categoría")
    text = "[[Archivo:Gato.jpg|miniatura|Un gato]]El gato.\n[[Categoría:Felinos]]"
    assert clean(text, ns) == "El gato."
    assert clean(text) != "El gato."  # without the dump's siteinfo, a Spanish file link would leak


# -- dump: the real English sample -----------------------------------------------
@pytest.fixture(scope="module")
def sample_prose(tmp_path_factory):
    from typer.testing import CliRunner

    from textlab.cli import app

    dump = shared_file("enwiki-sample.xml.bz2")
    out = tmp_path_factory.mktemp("wiki") / "sample.txt"
    result = CliRunner().invoke(app, ["wiki", "dump", str(dump), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_sample_has_no_markup_leaks(sample_prose):
    for leak in LEAKS:
        assert leak not in sample_prose, f"{leak!r} leaked into the prose"
    assert len(sample_prose.split()) > 400_000


def test_sample_skips_redirects_and_other_namespaces(sample_prose):
    titles = [block.split("\n", 1)[0] for block in sample_prose.strip().split("\n\n")]
    assert "Anarchism" in titles and "Albert Einstein" in titles
    assert "AccessibleComputing" not in titles  # a redirect
    assert not any(t.startswith("Wikipedia:") for t in titles)  # namespace 4
    assert len(titles) == len(set(titles)) > 90


def test_dump_pipes_into_letters(run, sample_prose):
    result = run("letters", "--ignore-case", "--top", "3", "--format", "tsv", input=sample_prose)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split("\t")[0] == "e"


def test_bundled_corpus_is_what_the_extractor_writes(sample_prose):
    # corpora/wikipedia-en.txt.xz is `textlab wiki dump` of this very dump: a change to the
    # extractor shows here (and then the corpus wants rebuilding with scripts/make_corpora.py)
    assert corpus_text("en") == sample_prose


# -- dump: a small Spanish dump of our own ------------------------------------------
SPANISH_DUMP = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="es">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Discusión</namespace>
      <namespace key="6" case="first-letter">Archivo</namespace>
      <namespace key="10" case="first-letter">Plantilla</namespace>
      <namespace key="14" case="first-letter">Categoría</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>Gato</title><ns>0</ns><id>1</id>
    <revision><id>11</id><contributor><username>X</username><id>99</id></contributor>
      <text xml:space="preserve">{{Ficha de taxón|nombre=Gato}}
El '''gato doméstico''' ([[Felis silvestris catus|''Felis catus'']]) es un [[mamífero]] carnívoro.&lt;ref&gt;Fuente&lt;/ref&gt;
[[Archivo:Gato.jpg|miniatura|Un [[gato]] al sol]]
== Etimología ==
La palabra ''gato'' viene del latín.
[[Categoría:Felinos]]</text>
    </revision>
  </page>
  <page>
    <title>Minino</title><ns>0</ns><id>2</id><redirect title="Gato" />
    <revision><id>12</id><text xml:space="preserve">#REDIRECCIÓN [[Gato]]</text></revision>
  </page>
  <page>
    <title>Categoría:Felinos</title><ns>14</ns><id>3</id>
    <revision><id>13</id><text xml:space="preserve">Los felinos son una familia de mamíferos.</text></revision>
  </page>
  <page>
    <title>Discusión:Gato</title><ns>1</ns><id>4</id>
    <revision><id>14</id><text xml:space="preserve">Una discusión sobre el artículo.</text></revision>
  </page>
  <page>
    <title>Perro</title><ns>0</ns><id>5</id>
    <revision><id>15</id><text xml:space="preserve">El '''perro''' ladra. Es un animal doméstico muy común en todo el mundo.</text></revision>
  </page>
</mediawiki>
"""


@pytest.fixture
def spanish_dump(tmp_path):
    path = tmp_path / "eswiki.xml.bz2"
    path.write_bytes(bz2.compress(SPANISH_DUMP.encode()))
    return path


def test_spanish_dump_articles_only(run, spanish_dump):
    result = run("wiki", "dump", str(spanish_dump))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Gato\nEl gato doméstico (Felis catus) es un mamífero carnívoro.\nEtimología\n"
        "La palabra gato viene del latín.\n\n"
        "Perro\nEl perro ladra. Es un animal doméstico muy común en todo el mundo.\n\n"
    )


def test_namespace_option(run, spanish_dump):
    result = run("wiki", "dump", "--namespace", "14", str(spanish_dump))
    assert result.stdout == "Categoría:Felinos\nLos felinos son una familia de mamíferos.\n\n"


def test_jsonl_limit_and_min_words(run, spanish_dump):
    result = run("wiki", "dump", "--format", "jsonl", str(spanish_dump))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["title"]) for r in records] == [(1, "Gato"), (5, "Perro")]
    assert set(records[0]) == {"id", "title", "text"}
    assert run("wiki", "dump", "--limit", "1", str(spanish_dump)).stdout.startswith("Gato\n")
    assert run("wiki", "dump", "--limit", "1", str(spanish_dump)).stdout.count("\n\n") == 1
    only_long = run("wiki", "dump", "--min-words", "14", "-f", "jsonl", str(spanish_dump)).stdout
    assert [json.loads(x)["title"] for x in only_long.splitlines()] == ["Gato"]  # 16 words; Perro has 13


def test_truncated_bz2_keeps_complete_articles(run, tmp_path):
    pages = "".join(
        f"<page><title>Art {i}</title><ns>0</ns><id>{i}</id><revision><id>{i}</id>"
        f"<text>Article number {i} has some words in it. {'Filler text. ' * (i % 50)}</text></revision></page>\n"
        for i in range(1, 3000)
    )
    # 100 KB blocks: a cut stream still holds whole blocks to decompress
    data = bz2.compress(f"<mediawiki><siteinfo></siteinfo>{pages}</mediawiki>".encode(), compresslevel=1)
    cut = tmp_path / "cut.xml.bz2"
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.txt"
    result = run("wiki", "dump", str(cut), "-o", str(out))
    assert result.exit_code == 1
    assert "ends early" in result.stderr and "complete articles were written" in result.stderr
    assert "Traceback" not in result.stderr
    written = int(result.stderr.split("; ")[-1].split()[0].replace(",", ""))
    blocks = out.read_text().strip().split("\n\n")
    assert len(blocks) == written > 0
    assert blocks[-1].startswith(f"Art {written}\nArticle number {written} ")


def test_truncated_plain_xml_and_not_a_dump(run, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(SPANISH_DUMP[: SPANISH_DUMP.index("<title>Perro")], encoding="utf-8")
    result = run("wiki", "dump", str(broken))
    assert result.exit_code == 1 and "ends early" in result.stderr
    assert result.stdout.startswith("Gato\n")
    text = tmp_path / "plain.txt"
    text.write_text("just some text\n")
    result = run("wiki", "dump", str(text), "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 1 and "not a MediaWiki XML dump" in result.stderr
    assert not (tmp_path / "out.txt").exists()
    other = tmp_path / "other.xml"
    other.write_text("<html><body>hi</body></html>")
    assert "not a MediaWiki XML dump" in run("wiki", "dump", str(other)).stderr


def test_dump_from_stdin_and_bad_format(run):
    result = run("wiki", "dump", "-", input=SPANISH_DUMP.encode())
    assert result.stdout.startswith("Gato\n")
    assert run("wiki", "dump", "--format", "xml", "-", input=b"").exit_code == 2


# -- fetch, with the HTTP layer under wikipedia-api faked ---------------------------
CAT_EXTRACT = (
    "The cat (Felis catus) is a small domesticated carnivorous mammal.\n"
    "It is the only domesticated species of the family Felidae.\n\n\n"
    "== Etymology ==\nThe word cat comes from Old English catt.\n\n\n"
    "== Behaviour ==\nCats are crepuscular.\n"
)
RESPONSES = {
    ("en", "Cats"): {
        "batchcomplete": "",
        "query": {
            "redirects": [{"from": "Cats", "to": "Cat"}],
            "pages": {"6678": {"pageid": 6678, "ns": 0, "title": "Cat", "extract": CAT_EXTRACT}},
        },
    },
    ("en", "Cat"): {"query": {"pages": {"6678": {"pageid": 6678, "ns": 0, "title": "Cat", "extract": CAT_EXTRACT}}}},
    ("en", "Dog"): {
        "query": {
            "pages": {
                "4269567": {
                    "pageid": 4269567,
                    "ns": 0,
                    "title": "Dog",
                    "extract": "The dog is a domesticated descendant of the wolf.",
                }
            }
        }
    },
    ("es", "Ñandú"): {
        "batchcomplete": "",
        "query": {
            "pages": {
                "57218": {
                    "pageid": 57218,
                    "ns": 0,
                    "title": "Ñandú",
                    "extract": "El ñandú es un ave corredora de Sudamérica.",
                }
            }
        },
    },
    ("en", "Xyzzy Nonexistent"): {
        "batchcomplete": "",
        "query": {"pages": {"-1": {"ns": 0, "title": "Xyzzy Nonexistent", "missing": ""}}},
    },
}


class FakeWikipedia:
    """Answers the MediaWiki API from RESPONSES; records every request."""

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("Name or service not known", request=request)
        lang = request.url.host.split(".")[0]
        answer = RESPONSES.get((lang, request.url.params["titles"]))
        assert answer is not None, f"unexpected request {request.url}"
        return httpx.Response(200, json=answer)


@pytest.fixture
def fake(monkeypatch):
    """Route wikipedia-api's real httpx client to FakeWikipedia instead of the network."""
    server = FakeWikipedia()
    monkeypatch.setattr(httpx, "HTTPTransport", lambda *a, **k: httpx.MockTransport(server))
    return server


def test_fetch_follows_redirect_and_caches(run, fake, tmp_path):
    args = [
        "wiki",
        "fetch",
        "Cats",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--user-agent",
        "class-demo (me@example.org)",
    ]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Cat\nThe cat (Felis catus) is a small domesticated carnivorous mammal.\n"
        "It is the only domesticated species of the family Felidae.\nEtymology\n"
        "The word cat comes from Old English catt.\nBehaviour\nCats are crepuscular.\n\n"
    )
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request.url.host == "en.wikipedia.org"
    assert request.headers["user-agent"].startswith("class-demo (me@example.org)")
    assert run(*args).stdout == result.stdout  # the second run reads the cache
    assert len(fake.requests) == 1
    assert run(*args, "--no-cache").stdout == result.stdout
    assert len(fake.requests) == 2


def test_fetch_summary_and_accents(run, fake, tmp_path):
    result = run("wiki", "fetch", "--lang", "es", "Ñandú", "--no-cache")
    assert result.stdout == "Ñandú\nEl ñandú es un ave corredora de Sudamérica.\n\n"
    assert fake.requests[0].url.host == "es.wikipedia.org"
    summary = run("wiki", "fetch", "--summary", "Cats", "--no-cache").stdout
    assert summary == (
        "Cat\nThe cat (Felis catus) is a small domesticated carnivorous mammal.\n"
        "It is the only domesticated species of the family Felidae.\n\n"
    )


def test_fetch_missing_page(run, fake, tmp_path):
    out = tmp_path / "out.txt"
    result = run("wiki", "fetch", "Cats", "Xyzzy Nonexistent", "--no-cache", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "textlab: error: no article titled 'Xyzzy Nonexistent' on en.wikipedia.org "
        "(check the spelling, or the Wikipedia's language)"
    )
    assert not out.exists()  # all or nothing


def test_fetch_without_network_suggests_the_dump(run, fake):
    fake.down = True
    result = run("wiki", "fetch", "Cats", "--no-cache")
    assert result.exit_code == 1
    assert "cannot reach en.wikipedia.org (no network?)" in result.stderr
    assert "textlab wiki dump" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fetch_rejects_a_bad_language(run):
    result = run("wiki", "fetch", "--lang", "English!", "Cat", "--no-cache")
    assert result.exit_code == 2 and "not a Wikipedia language code" in result.stderr


def test_client_library_use(fake, tmp_path):
    client = WikipediaClient("en", cache_dir=tmp_path)
    article = client.fetch("Cats")
    assert (article.title, article.cached) == ("Cat", False)
    assert client.fetch("Cats").cached
    assert "textlab" in fake.requests[0].headers["user-agent"]


# -- the README's examples -------------------------------------------------------


def readme_block(heading: str) -> list[str]:
    """The command lines of the first ```sh block after ``heading`` in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(heading) :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh\n") + 6)]
    return [line for line in block.splitlines() if line.strip()]


WIKI_HEADING = "### `textlab wiki fetch` and `textlab wiki dump`"


def test_readme_wiki_fetch_example(run, fake, tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    fetch_line, _ = readme_block(WIKI_HEADING)
    table = run_pipeline(run, fetch_line)
    assert table.splitlines()[0] == "letter\tcount\tpercent\tenglish\tdifference"


def test_readme_wiki_dump_example(run, tmp_path, monkeypatch):
    dump = shared_file("enwiki-sample.xml.bz2")  # a real dump: the README's command needs one
    monkeypatch.chdir(tmp_path)
    _, dump_line = readme_block(WIKI_HEADING)
    dump_line = dump_line.replace("enwiki-latest-pages-articles.xml.bz2", str(dump))
    run_pipeline(run, dump_line)
    bigrams = (tmp_path / "bigrams.tsv").read_text(encoding="utf-8").splitlines()
    assert bigrams[0] == "ngram\tcount" and bigrams[1].startswith("of the\t")

"""The corpora bundled in textlab.corpora: readable as installed, and as their documentation describes them."""

from __future__ import annotations

import re

import pytest

from textlab import corpora

from .conftest import corpus_bytes, corpus_path, corpus_text

LEAKS = ["{{", "}}", "[[", "]]", "{|", "|}", "<ref", "&lt;", "&amp;"]


def documented(name: str, what: str) -> int:
    """A figure from a corpus's one-line description: documented("en", "words") -> 455563."""
    match = re.search(r"([\d,]+) " + what, corpora.CORPORA[name].about)
    assert match, (name, what, corpora.CORPORA[name].about)
    return int(match.group(1).replace(",", ""))


def english_articles() -> list[tuple[str, str]]:
    """(title, prose) of each article: a title line, paragraphs, a blank line after each."""
    blocks = corpus_text("en").split("\n\n")
    assert blocks[-1] == ""  # the file ends with an article's blank line
    return [tuple(block.split("\n", 1)) for block in blocks[:-1]]  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(corpora.CORPORA))
def test_every_corpus_is_an_installed_xz_file_of_utf8_text(name):
    path = corpus_path(name)
    assert path.is_file() and path.name == corpora.CORPORA[name].file
    assert path.read_bytes()[:6] == b"\xfd7zXZ\x00"
    data = corpus_bytes(name)
    data.decode("utf-8")  # strictly valid
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")


def test_unknown_corpus_name():
    with pytest.raises(KeyError):
        corpora.path("klingon")


def test_english_articles_are_as_documented():
    articles = english_articles()
    assert len(articles) == documented("en", "articles")
    assert sum(len(prose.split()) for _, prose in articles) == documented("en", "words")
    titles = [title for title, _ in articles]
    assert len(set(titles)) == len(titles)
    assert all(line.strip() for _, prose in articles for line in prose.split("\n"))  # no blank line inside
    text = corpus_text("en")
    for leak in LEAKS:
        assert leak not in text, f"{leak!r}: wiki markup in the prose"


def test_the_attribution_table_lists_every_article_with_its_words():
    # CC BY-SA asks for attribution: the README beside the file names every article (page and revision)
    readme = (corpus_path("en").parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| title | page id | revision id | words |") :]
    rows = [line.split(" | ") for line in table.splitlines()[2:] if line.startswith("| ")]
    listed = [(row[0][2:], int(row[3].rstrip(" |").replace(",", ""))) for row in rows]
    assert all(row[1].isdigit() and row[2].isdigit() for row in rows)  # page id, revision id
    assert listed == [(title, len(prose.split())) for title, prose in english_articles()]


def test_quijote_is_one_paragraph_a_line():
    text = corpus_text("es")
    assert len(text.split()) == documented("es", "words")
    lines = text.split("\n")[:-1]
    assert all(line.strip() == line and line for line in lines)  # no blank lines, no hard wrapping leftovers
    assert lines[0] == "Primera parte del ingenioso hidalgo don Quijote de la Mancha"
    assert lines[2].startswith("En un lugar de la Mancha, de cuyo nombre no quiero acordarme")
    assert "ñ" in text and "Sancho" in text


def test_analogy_questions_are_four_words_under_sections():
    lines = corpus_text("analogies").split("\n")[:-1]
    sections = [line for line in lines if line.startswith(": ")]
    questions = [line.split() for line in lines if not line.startswith(": ")]
    assert len(questions) == documented("analogies", "questions")
    assert len(sections) == 14 and lines[0] == ": capital-common-countries"
    assert all(len(q) == 4 for q in questions)
    assert sum(s.startswith(": gram") for s in sections) == 9  # syntactic; the other 5 are semantic


def test_corpus_command_writes_the_text_and_the_path(run):
    listing = run("corpus", "-f", "tsv")
    assert listing.exit_code == 0, listing.stderr
    assert [line.split("\t")[0] for line in listing.stdout.splitlines()[1:]] == list(corpora.CORPORA)
    assert run("corpus", "es").stdout_bytes == corpus_bytes("es")
    assert run("corpus", "en", "--path").stdout == f"{corpus_path('en')}\n"

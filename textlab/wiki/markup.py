"""Wikitext to readable prose, with regular expressions.

MediaWiki markup is not a regular language (templates nest, tables nest,
links nest inside file captions), but it is regular *from the inside out*:
the innermost template ``{{...}}`` contains no braces, the innermost link
``[[...]]`` no brackets. So each construct is removed by a regex that only
matches the innermost level, applied until nothing changes. A few passes
clear any real nesting depth, and each pass runs at C speed over the whole
article.

What goes, what stays (the order below is the order of the passes):

    comments, <ref>, <math>, <gallery> ... (with their content)    removed
    {{templates}}, {{{parameters}}}, {| tables |}                   removed
      ... except a few that print text: {{lang|fr|chat}} -> chat,
          {{nowrap|5 km}} -> 5 km, {{convert|5|km}} -> 5 km
    [[File:...]], [[Category:...]], interlanguage [[de:...]]        removed
    [[target|text]] -> text, [[target]] -> target                   kept
    [http://url text] -> text                                       kept
    '''bold''', ''italic'' -> bold, italic                          kept
    == Heading == -> Heading,  * item -> item                       kept
    other HTML tags, __MAGIC_WORDS__                                removed

>>> clean("'''Cats''' ([[Felis catus]]) are {{lang|la|animalia}}.<ref>x</ref>")
'Cats (Felis catus) are animalia.'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Elements removed together with everything inside them.
_DROPPED_ELEMENTS = (
    "ref|references|math|chem|ce|gallery|timeline|imagemap|score|syntaxhighlight|source|graph|"
    "templatedata|templatestyles|mapframe|maplink|hiero|includeonly|noinclude|indicator|table"
)
_SELF_CLOSING = re.compile(rf"<(?:{_DROPPED_ELEMENTS})\b[^>]*?/>", re.I)
_ELEMENT = re.compile(rf"<({_DROPPED_ELEMENTS})\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# <nowiki> and <pre> hold literal text: its markup characters are hidden in
# the private-use area during the passes and restored at the end.
_LITERAL = re.compile(r"<(nowiki|pre)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_MARKUP_CHARS = "{}[]|'<>=*#:;!"
_HIDE = str.maketrans({c: chr(0xE000 + i) for i, c in enumerate(_MARKUP_CHARS)})
_SHOW = str.maketrans({chr(0xE000 + i): c for i, c in enumerate(_MARKUP_CHARS)})

_PARAMETER = re.compile(r"\{\{\{[^{}]*\}\}\}")
_TEMPLATE = re.compile(r"\{\{([^{}]*)\}\}")
# A table: from a line opening `{|` to the first line closing `|}` with no
# other table opening in between (the innermost table).
_TABLE = re.compile(r"^[ \t:]*\{\|(?:(?!^[ \t:]*\{\|).)*?^[ \t]*\|\}[^\n]*", re.M | re.S)
# Target and label may hold single brackets ("Bicyclo[1.1.0]butane"), never a link.
_LINK = re.compile(r"\[\[((?:[^\[\]|]|\[[^\[\]|]*\])*)(?:\|((?:[^\[\]]|\[[^\[\]]*\])*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:|ftp:|mailto:|news:|irc:|//)[^\s\]]*(?:\s+([^\]]*))?\]", re.I)
_EMPHASIS = re.compile(r"'{2,5}")
_MAGIC = re.compile(r"__[A-Z]+__")
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_LEFTOVER = re.compile(r"\{\{|\}\}|\[\[|\]\]|\{\||\|\}")

_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$", re.M)
_LIST_MARK = re.compile(r"^[*#:;]+[ \t]*", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*[|!].*$", re.M)
_RULE = re.compile(r"^-{4,}", re.M)
_EMPTY_PARENS = re.compile(r"\(\s*(?:[,;:]\s*)*\)")
_PUNCT_AFTER_PAREN = re.compile(r"\(\s*(?:[,;:]\s*)+")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?)])")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LETTER = re.compile(r"[^\W\d_]")

# Language codes of interlanguage links ([[de:Katze]]) look like this.
_LANGUAGE_PREFIX = re.compile(r"[a-z]{2,3}(?:-[a-z]+)*")
# Templates that print text readers would miss: name -> which argument(s) to keep.
_TEXT_TEMPLATES: dict[str, int | tuple[int, ...]] = {
    "lang": -1,
    "nowrap": 1,
    "nobr": 1,
    "convert": (1, 2),
    "sic": -1,
    "small": 1,
    "smaller": 1,
}


@dataclass
class Namespaces:
    """The namespace names of a wiki, as its dump's <siteinfo> lists them.

    ``dropped`` are the prefixes whose links are not prose (files, categories,
    media, and anything not in the article namespace unless it has link
    text); English names are always included because many wikis accept them
    as aliases (``[[Image:...]]`` on every wiki).
    """

    names: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        english = {"media": -2, "special": -1, "file": 6, "image": 6, "category": 14, "template": 10}
        for name, key in english.items():
            self.names.setdefault(name, key)

    def add(self, key: int, name: str) -> None:
        self.names[name.strip().lower()] = key

    def of(self, prefix: str) -> int | None:
        return self.names.get(prefix.strip().lower().replace("_", " "))


def _template(match: re.Match[str]) -> str:
    parts = match.group(1).split("|")
    keep = _TEXT_TEMPLATES.get(parts[0].strip().lower())
    if keep is None:
        return ""
    args = [p for p in parts[1:] if "=" not in p]
    if isinstance(keep, tuple):
        return " ".join(args[i - 1].strip() for i in keep if i <= len(args))
    if keep == -1:
        return args[-1].strip() if args else ""
    return args[keep - 1].strip() if len(args) >= keep else ""


def _repeat(pattern: re.Pattern[str], replacement, text: str) -> str:
    """Apply ``pattern.sub`` until the text stops changing (innermost level first)."""
    while True:
        text, n = pattern.subn(replacement, text)
        if n == 0:
            return text


def _link_text(namespaces: Namespaces):
    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        shown = target.lstrip(":")
        if ":" in shown:
            prefix = shown.split(":", 1)[0]
            ns = namespaces.of(prefix)
            if ns in (6, -2) or (ns == 14 and not target.startswith(":")):
                return ""  # a file or a category: not part of the prose
            if ns is not None and ns != 0:
                return label.strip() if label else ""
            if ns is None and label is None and _LANGUAGE_PREFIX.fullmatch(prefix):
                return ""  # an interlanguage link
        if label is None:
            return shown.split("#", 1)[0] if not shown.startswith("#") else shown[1:]
        if label == "":  # the pipe trick: [[Paris (France)|]] -> Paris
            return re.sub(r"\s*\(.*\)$", "", shown.split(":")[-1])
        return label

    return replace


def clean(wikitext: str, namespaces: Namespaces | None = None) -> str:
    """Readable prose from ``wikitext``: paragraphs separated by newlines, one per line.

    Headings and list items become lines of their own; lines left with no
    letter at all (a table residue, a lone bullet) are dropped.
    """
    ns = namespaces or Namespaces()
    text = html.unescape(wikitext).replace("\xa0", " ")  # &nbsp; &ndash; and double-escaped &lt;ref&gt;
    text = _COMMENT.sub("", text)
    text, literals = _LITERAL.subn(lambda m: m.group(2).translate(_HIDE), text)
    text = _SELF_CLOSING.sub("", text)
    text = _ELEMENT.sub("", text)
    text = _PARAMETER.sub("", text)
    text = _repeat(_TEMPLATE, _template, text)
    text = _repeat(_TABLE, "", text)
    text = _repeat(_LINK, _link_text(ns), text)
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
    text = _EMPHASIS.sub("", text)
    text = _MAGIC.sub("", text)
    text = _BR.sub(" ", text)
    text = _TAG.sub("", text)
    text = _LEFTOVER.sub("", text)
    text = _HEADING.sub(lambda m: "\n" + m.group(2) + "\n", text)
    text = _TABLE_ROW.sub("", text)
    text = _RULE.sub("", text)
    text = _LIST_MARK.sub("", text)
    text = _EMPTY_PARENS.sub("", text)
    text = _PUNCT_AFTER_PAREN.sub("(", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    prose = "\n".join(_paragraphs(text))
    return prose.translate(_SHOW) if literals else prose  # translate is slow: only when needed


def _paragraphs(text: str) -> Iterable[str]:
    """The non-empty lines of the cleaned text that contain a letter, stripped."""
    for block in _PARAGRAPH_BREAK.split(text):
        for line in block.split("\n"):
            line = line.strip()
            if line and _LETTER.search(line):
                yield line

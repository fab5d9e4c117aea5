"""The corpora that ship inside textlab, so the tour, the examples and the tests work offline.

The files are xz-compressed (every textlab command reads them as they are) and
installed as the package ``textlab.corpora``; ``README.md`` beside them gives
each one's source, license and attribution.

>>> sorted(CORPORA)
['analogies', 'en', 'es']
>>> path("en").name
'wikipedia-en.txt.xz'
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Corpus:
    name: str
    file: str
    language: str
    about: str
    license: str


CORPORA = {
    c.name: c
    for c in [
        Corpus("en", "wikipedia-en.txt.xz", "en",
               "English Wikipedia: the 106 articles of a sample dump (455,563 words)", "CC BY-SA 3.0"),
        Corpus("es", "quijote-es.txt.xz", "es",
               "Don Quijote de la Mancha, Miguel de Cervantes (375,879 words)", "public domain"),
        Corpus("analogies", "questions-words.txt.xz", "en",
               "Google analogy questions, Mikolov et al. 2013 (19,544 questions)", "Apache 2.0"),
    ]
}  # fmt: skip


def path(name: str) -> Path:
    """The installed file of corpus ``name`` (a key of ``CORPORA``).

    A normal install (wheel or ``pip install .``) unpacks package data as files,
    so this is a real path that every textlab input, and ``xzcat``, can open.
    """
    if name not in CORPORA:
        raise KeyError(name)
    return Path(str(resources.files(__name__).joinpath(CORPORA[name].file)))

"""The lecture as one-liners: every step of "What is ChatGPT doing", as data.

Each step is a title, a short explanation and one or more shell pipelines of
textlab commands, in English or in Spanish. The command line (``textlab.cli.tour``)
prints each pipeline exactly as a student would type it, runs it as separate
``textlab`` processes (so what the tour shows is what the shell gives), and
prints its output. Every file a step writes goes to one directory, whose
``corpus.txt`` is the corpus, so the commands run again there as printed.

>>> [s.name for s in steps("es")][:3]
['letters', 'random-letters', 'pairs']
>>> steps("en")[1].pipelines[0].shell()
'textlab generate -n 1 --letters-only -i --alphabet a-z --length 60 --seed 2 corpus.txt'
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

#: What the steps read and write, in the tour's directory.
CORPUS, WORDS, TOKENIZER, VECTORS = "corpus.txt", "corpus.words", "tokenizer.json", "vectors.txt"

#: word2vec for a corpus of about 400,000 words. The C tool's defaults (100 dimensions,
#: 5 epochs) are made for hundreds of millions: here they leave the vectors half-trained.
#: 50 dimensions and 15 passes give neighbours that mean something in about 20 s (a test
#: checks the analogies below on these very settings). Two workers on every machine: the
#: vectors depend on their number, and a class should see the same neighbours on every
#: screen as on the teacher's, whatever the cores (on one core two workers take turns).
#: The C tool's skip-gram rate, 0.025, rather than textlab's 0.05: fifteen passes over a
#: corpus this small train enough at it, and 0.05 overshot the examples (quijote : sancho ::
#: caballero : escudero fell from first to third; "moon"'s neighbours took in "communion").
WORD2VEC = ["--dim", "50", "--epochs", "15", "--min-count", "5", "--alpha", "0.025", "--workers", "2"]


@dataclass
class Pipeline:
    """Stages of one shell pipeline (each an argv for ``textlab``), optional text fed to the first,
    and how many lines of its output to show (``label``: print its one line after the label)."""

    stages: list[list[str]]
    stdin: str | None = None
    show: int = 15
    label: str | None = None

    def shell(self) -> str:
        text = " | ".join(shlex.join(["textlab", *s]) for s in self.stages)
        return f"echo {shlex.quote(self.stdin.strip())} | {text}" if self.stdin else text


@dataclass
class Step:
    name: str
    title: str
    explain: str
    pipelines: list[Pipeline] = field(default_factory=list)


@dataclass(frozen=True)
class Language:
    """What differs between the English and the Spanish tour: the corpus, the reference
    letter frequencies, the alphabet, the examples, and every sentence shown."""

    corpus: str  # a name in textlab.corpora
    reference: str  # letters --compare
    alphabet: str  # generate/heatmap --alphabet
    start: str  # word-ngrams: the word to continue
    context: str  # next-word: the context to predict after
    sentence: str  # tokens: the sentence to split
    neighbour: str  # embeddings: nearest words of
    analogies: list[tuple[str, str, str, str]]  # a : b :: c : expected
    text: dict[str, str]  # titles, explanations and labels, by key


ENGLISH = Language(
    corpus="en", reference="english", alphabet="a-z", start="the", context="the first",
    sentence="Language models split text into tokens.", neighbour="moon",
    analogies=[("he", "she", "his", "her"), ("one", "two", "three", "four")],
    text={
        "corpus": "In {out}, corpus.txt is {corpus}.",
        "bundled": "the corpus that comes with textlab, English Wikipedia: 106 articles (455,563 words)",
        "letters": "Letter counts",
        "letters.explain": "Count the letters of the text, most frequent first, beside the standard frequencies of "
        "English letters (Lewand 2000). The same as a bar chart goes to letters.png.",
        "random-letters": "Random letters",
        "random-letters.explain": "Draw letters at random with the frequencies just counted: first the letters "
        "alone, then the letters and the space. It is not English, but each letter comes as often as in the text.",
        "without": "without the space:",
        "with": "with the space:",
        "pairs": "Letter pairs",
        "pairs.explain": "How often each letter follows each other one (the full picture goes to pairs.png): "
        "the commonest pairs, then what follows a q: row q is almost all u (</s> is the end of a word, as in Iraq).",
        "random-words": "Random words from letter n-grams",
        "random-words.explain": "Words drawn letter by letter from models of growing order n: n = 0 draws the "
        "letters a-z alike, n = 1 by their frequency, n = 2 by the letter before, and so on. From noise to "
        "something like English.",
        "word-ngrams": "Text from word n-grams",
        "word-ngrams.explain": "The same with words: turn the text into a word stream, then continue 'the' with "
        "a model of word triples (each word depends on the two before it; ' / ' is the end of a line).",
        "tokens": "Tokens",
        "tokens.explain": "Train a byte-pair-encoding tokenizer on the text, look at its first merges, and split "
        "a sentence into tokens (inspect shows a space as ␣; the tokenizer's own pieces spell it Ġ).",
        "embeddings": "Embeddings",
        "embeddings.explain": "Fit word vectors (word2vec, skip-gram), then ask for the words nearest 'moon' and "
        "for analogies (a : b :: c : ?). On 450,000 words, neighbours are already topical and grammatical "
        "analogies work; man : woman :: king : queen needs millions of words: fit the vectors on a Wikipedia dump "
        "(textlab wiki dump enwiki-latest-pages-articles.xml.bz2 | textlab words | textlab word2vec -o "
        "enwiki.vec).",
        "next-word": "Next-word probabilities and temperature",
        "next-word.explain": "The most probable next words after a context, their ranked probabilities on "
        "log-log axes (ranked.png: a power law), then samples: at temperature 0 the model always takes the most "
        "probable word and falls into a loop; 0.8 and 1.5 draw more freely (</s> is the end of a line).",
        "pause": "(Enter: next step)",
        "done": "tour done in {seconds:.0f} s",
        "kept": "the tour's files are in {out}",
        "not-kept": " (--out DIR keeps its files)",
    },
)  # fmt: skip

SPANISH = Language(
    corpus="es", reference="spanish", alphabet="es", start="el", context="dijo sancho",
    sentence="Los modelos de lenguaje dividen el texto en piezas pequeñas.", neighbour="caballero",
    analogies=[("quijote", "sancho", "caballero", "escudero"), ("quijote", "rocinante", "sancho", "rucio")],
    text={
        "corpus": "En {out}, corpus.txt es {corpus}.",
        "bundled": "el corpus que trae textlab, Don Quijote de la Mancha, de Miguel de Cervantes (375.879 palabras)",
        "letters": "Frecuencia de las letras",
        "letters.explain": "Contamos las letras del texto, de la más frecuente a la menos, junto a las "
        "frecuencias habituales del español (con ñ y las vocales acentuadas). El diagrama de barras se guarda "
        "en letters.png.",
        "random-letters": "Letras al azar",
        "random-letters.explain": "Sacamos letras al azar con las frecuencias que acabamos de contar: primero "
        "solo letras, después letras y el espacio. No es español, pero cada letra sale tan a menudo como en el "
        "texto.",
        "without": "sin el espacio:",
        "with": "con el espacio:",
        "pairs": "Pares de letras",
        "pairs.explain": "Cuántas veces sigue cada letra a cada una de las demás (la imagen completa se guarda en "
        "pairs.png): los pares más frecuentes, y qué sigue a una q: la fila de la q es toda u.",
        "random-words": "Palabras al azar con n-gramas de letras",
        "random-words.explain": "Palabras sacadas letra a letra con modelos de orden n creciente: n = 0 saca las "
        "letras del alfabeto por igual, n = 1 según su frecuencia, n = 2 según la letra anterior, y así. Del "
        "ruido a algo que se parece al español.",
        "word-ngrams": "Texto con n-gramas de palabras",
        "word-ngrams.explain": "Lo mismo con palabras: pasamos el texto a una secuencia de palabras y continuamos "
        "a partir de 'el' con un modelo de trigramas de palabras (cada palabra depende de las dos anteriores; "
        "' / ' es un fin de línea).",
        "tokens": "Tokens",
        "tokens.explain": "Entrenamos un tokenizador BPE (byte-pair encoding) con el texto, miramos sus primeras "
        "fusiones y partimos una frase en tokens. inspect muestra el espacio como ␣; en las piezas del "
        "tokenizador el espacio es Ġ, y una letra como ñ, que ocupa dos bytes, se ve como Ã±.",
        "embeddings": "Embeddings (vectores de palabras)",
        "embeddings.explain": "Ajustamos vectores de palabras (word2vec, skip-gram) y buscamos las palabras más "
        "cercanas a 'caballero' y la respuesta de unas analogías (a : b :: c : ?). Con las 376.000 palabras del "
        "Quijote las vecinas ya tienen sentido; hombre : mujer :: rey : reina necesita millones de palabras: "
        "para eso ajustamos los vectores sobre un volcado de Wikipedia (textlab wiki dump "
        "eswiki-latest-pages-articles.xml.bz2 | textlab words | textlab word2vec -o eswiki.vec).",
        "next-word": "Probabilidad de la palabra siguiente y temperatura",
        "next-word.explain": "Las palabras siguientes más probables tras un contexto, sus probabilidades "
        "ordenadas en ejes log-log (ranked.png: una ley de potencias), y luego muestras: con temperatura 0 el "
        "modelo toma siempre la palabra más probable y cae en un bucle; con 0,8 y 1,5 elige con más libertad "
        "(</s> es el fin de una línea).",
        "pause": "(Intro: siguiente paso)",
        "done": "recorrido terminado en {seconds:.0f} s",
        "kept": "los ficheros del recorrido están en {out}",
        "not-kept": " (--out DIR los guarda)",
    },
)  # fmt: skip

LANGUAGES = {"en": ENGLISH, "es": SPANISH}


#: The word stream of the corpus, which the later steps read (see NEEDS_WORDS).
MAKE_WORDS = Pipeline([["words", CORPUS, "-o", WORDS]])


def steps(lang: str = "en") -> list[Step]:
    """The tour's steps in ``lang`` ("en" or "es"); every file they name lives in the tour's directory."""
    ex = LANGUAGES[lang]
    t = ex.text
    letters = ["-i", "--alphabet", ex.alphabet]  # case folded, the language's alphabet

    def step(name: str, pipelines: list[Pipeline]) -> Step:
        return Step(name, t[name], t[name + ".explain"], pipelines)

    draw = ["generate", "--unit", "word", "-n", "3", "--start", ex.context, "--length", "40"]
    return [
        step("letters", [Pipeline([["letters", CORPUS, "--compare", ex.reference, "--top", "10"]]),
                         Pipeline([["letters", CORPUS, "--compare", ex.reference, "-o", "letters.png"]])]),
        step("random-letters", [
            Pipeline([["generate", "-n", "1", "--letters-only", *letters, "--length", "60", "--seed", "2", CORPUS]],
                     label=t["without"]),
            Pipeline([["generate", "-n", "1", *letters, "--length", "60", "--seed", "2", CORPUS]], label=t["with"]),
        ]),
        step("pairs", [Pipeline([["heatmap", "--alphabet", ex.alphabet, CORPUS, "-o", "pairs.png"]]),
                       Pipeline([["ngrams", "-n", "2", "--letters-only", "-i", "--prob", "--top", "8", CORPUS]]),
                       Pipeline([["predict", "-n", "2", "--letters-only", "-i", "q", "--top", "3", CORPUS]])]),
        step("random-words", [
            Pipeline([["generate", "-n", str(n), "--words", *letters, "--count", "6", "--sep", " ", "--seed", "1",
                       CORPUS]], label=f"n = {n}:")
            for n in range(6)
        ]),
        step("word-ngrams", [
            MAKE_WORDS,
            Pipeline([["generate", "--unit", "word", "-n", "3", "--start", ex.start, "--length", "25", "--seed", "1",
                       WORDS]]),
        ]),
        step("tokens", [Pipeline([["bpe", "train", CORPUS, "--vocab-size", "1000", "-o", TOKENIZER]]),
                        Pipeline([["bpe", "inspect", "-t", TOKENIZER, "--top", "8"]]),
                        Pipeline([["bpe", "encode", "-t", TOKENIZER]], stdin=ex.sentence + "\n")]),
        step("embeddings", [
            Pipeline([["word2vec", WORDS, *WORD2VEC, "--quiet", "-o", VECTORS]]),
            Pipeline([["similar", "-v", VECTORS, ex.neighbour, "--top", "5"]]),
            *[Pipeline([["analogy", "-v", VECTORS, a, b, c, "--top", "3"]]) for a, b, c, _ in ex.analogies],
        ]),
        step("next-word", [
            Pipeline([["predict", "--unit", "word", "-n", "3", ex.context, "--top", "5", WORDS]]),
            Pipeline([["predict", "--unit", "word", "-n", "3", ex.context, "--top", "50", WORDS],
                      ["zipf", "-o", "ranked.png"]]),
            *[Pipeline([[*draw, "--temperature", temp, "--seed", "1", WORDS]]) for temp in ("0", "0.8", "1.5")],
        ]),
    ]  # fmt: skip


STEP_NAMES = [s.name for s in steps()]
#: Steps that read the word stream the word-ngrams step writes.
NEEDS_WORDS = {"embeddings", "next-word"}

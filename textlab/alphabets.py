"""Named alphabets: the letters of a language, in its order (no NumPy: the command line reads them at start).

>>> len(ALPHABETS["es"]), ALPHABETS["es"][14]
(33, 'ñ')
"""

ALPHABETS = {
    "a-z": "abcdefghijklmnopqrstuvwxyz",
    "en": "abcdefghijklmnopqrstuvwxyz",
    # Spanish: ñ after n, and the accented vowels and ü, which textlab counts as letters of their own
    "es": "abcdefghijklmnñopqrstuvwxyzáéíóúü",
}

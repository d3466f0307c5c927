"""The ways a reader reads one line of text, for finding names hidden from a plain search.

A reader sees a name in "P e l l b y", in "Pell-" at a line end followed by "by", in
"Pell<b>by</b>" and "Pell&#98;y" typed into a findings file, in "Pell**by**" and in
"Pell|by". :func:`readings` gives the line as written plus each of these readings; the guard
looks for names in all of them (identifiers, dates and postcodes have their own exact rules).
"""

from __future__ import annotations

import html
import re

# markup a writer may type: a tag, or Markdown emphasis and code marks inside a word
_TAG = re.compile(r"<[^<>]{0,200}>")
_MARKS = re.compile(r"(?<=[^\W_])[*_`~^|]+(?=[^\W_])")
# three or more single letters or digits, each followed by one space, dot or hyphen: "P e l l b y"
_SPACED = re.compile(r"(?<![^\W_])(?:[^\W_][ .\-·•]){2,}[^\W_](?![^\W_])")
# a word broken at a line end or by a hyphen: "Pell- by", "Pell -by", "Pell-\nby", "Pell-by"
_BROKEN = re.compile(r"(?<=[^\W\d_])\s*[-\u00ad\u2010\u2011]\s*(?=[^\W\d_])")
# symbols typed for letters inside a word ("J@yden", "5m!th", "Pell|by")
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W_])[@$!|](?=[^\W_])|(?<=[^\W_])[@$!|]|[@$!|](?=[^\W_])")
_FOR_LETTERS = str.maketrans({"@": "a", "$": "s", "!": "i", "|": "l"})


def readings(text: str) -> list[str]:
    """``text`` and the other readings a reader makes of it (only those that differ)."""
    found = [text]
    unescaped = text
    for _ in range(3):  # "&amp;#98;" is "&#98;" is "b"
        again = html.unescape(unescaped)
        if again == unescaped:
            break
        unescaped = again
    plain = _MARKS.sub("", _TAG.sub("", unescaped))
    symbols = _SYMBOL_IN_WORD.sub(lambda m: m[0].translate(_FOR_LETTERS), plain)
    joined = _BROKEN.sub("", symbols)
    spaced = _SPACED.sub(lambda m: re.sub(r"[ .\-·•]", "", m[0]), joined)
    for reading in (unescaped, plain, symbols, joined, spaced):
        if reading not in found:
            found.append(reading)
    return found

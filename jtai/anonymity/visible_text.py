"""Text as a reader sees it, for the anonymity guard.

A name can be hidden from a plain search without hiding it from a reader: a soft hyphen
pasted from Word, a zero-width space or a right-to-left override leave "Keston" on the page
while the text holds something else. The guard therefore reads text in the form a reader
sees:

- **Unicode NFKC** form: full-width letters, mathematical letters and ligatures become plain
  letters, and a letter with a combining accent becomes one accented letter.
- **Invisible characters are removed**: every format character (Unicode category Cf: soft
  hyphen, zero-width space, joiner and non-joiner, word joiner, byte order mark, bidi marks
  and embeddings), combining marks left over after NFKC (a strike-through, the combining
  grapheme joiner, variation selectors) and the Hangul filler letters, which show nothing.
- **A right-to-left override** (U+202E) shows the letters after it reversed, so they are
  read reversed, up to the end of the override (U+202C) or of the line.
- **Look-alike letters**: Cyrillic and Greek letters drawn like Latin ones ("К", "е", "ο")
  are read as those Latin letters.
- Letters that look like an apostrophe (``ʼ``, ``ʻ``) are read as ``'``.

Names are then compared without case and without accents (:func:`fold`): "Késton" is
"Keston". :func:`html_lines` gives the text of an HTML document, line by line, with the
metadata a reader or a screen reader meets (``<title>``, ``alt``, ``title``, ``aria-label``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html.parser import HTMLParser

# letters that look like an apostrophe but count as letters in a regular expression
_APOSTROPHES = str.maketrans({"\u02bc": "'", "\u02bb": "'"})
_OVERRIDE = re.compile("\u202e([^\u202c\u202e]*)(?:\u202c|$)")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# letters that draw nothing: the Hangul fillers
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Cyrillic and Greek capitals drawn like a Latin capital, with their small letters so that
# reading look-alikes and folding case can be done in either order.
_LOOKALIKE_PAIRS = (
    # Cyrillic
    ("\u0410\u0430", "Aa"),
    ("\u0412\u0432", "Bb"),
    ("\u0415\u0435", "Ee"),
    ("\u041a\u043a", "Kk"),
    ("\u041c\u043c", "Mm"),
    ("\u041d\u043d", "Hh"),
    ("\u041e\u043e", "Oo"),
    ("\u0420\u0440", "Pp"),
    ("\u0421\u0441", "Cc"),
    ("\u0422\u0442", "Tt"),
    ("\u0423\u0443", "Yy"),
    ("\u0425\u0445", "Xx"),
    ("\u0405\u0455", "Ss"),
    ("\u0406\u0456", "Ii"),
    ("\u0408\u0458", "Jj"),
    ("\u0500\u0501", "Dd"),
    ("\u04ba\u04bb", "Hh"),
    ("\u051a\u051b", "Qq"),
    ("\u051c\u051d", "Ww"),
    ("\u04ae\u04af", "Yy"),
    # Greek
    ("\u0391\u03b1", "Aa"),
    ("\u0392\u03b2", "Bb"),
    ("\u0395\u03b5", "Ee"),
    ("\u0396\u03b6", "Zz"),
    ("\u0397\u03b7", "Hh"),
    ("\u0399\u03b9", "Ii"),
    ("\u039a\u03ba", "Kk"),
    ("\u039c\u03bc", "Mm"),
    ("\u039d\u03bd", "Nn"),
    ("\u039f\u03bf", "Oo"),
    ("\u03a1\u03c1", "Pp"),
    ("\u03a4\u03c4", "Tt"),
    ("\u03a5\u03c5", "Yy"),
    ("\u03a7\u03c7", "Xx"),
    # Latin letters drawn like a plain one: dotless i, script g
    ("\u0131\u0261", "ig"),
)
_LOOKALIKES = str.maketrans("".join(a for a, _ in _LOOKALIKE_PAIRS), "".join(b for _, b in _LOOKALIKE_PAIRS))


def normalise(text: str) -> str:
    """``text`` as a reader sees it: NFKC, invisible characters removed, overrides undone.

    Letters keep their script and accents (see :func:`readable` for look-alikes).
    """
    if text.isascii():
        return text
    if "\u202e" in text:
        text = _OVERRIDE.sub(lambda m: m[1][::-1], text)
    text = unicodedata.normalize("NFKC", text)
    return _NOT_ASCII.sub(_visible, text).translate(_APOSTROPHES)


def readable(text: str) -> str:
    """:func:`normalise`, with Cyrillic and Greek look-alike letters read as Latin ones."""
    return normalise(text).translate(_LOOKALIKES)


def fold(word: str) -> str:
    """A word as names are compared: look-alikes as Latin letters, no case, no accents."""
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFD", word.casefold().translate(_LOOKALIKES))
    return "".join(char for char in folded if not unicodedata.combining(char))


@functools.cache
def _shown(char: str) -> bool:
    if char in _BLANK_LETTERS:
        return False
    return unicodedata.category(char) not in {"Cf", "Mn", "Me"}


def _visible(match: re.Match[str]) -> str:
    return match[0] if _shown(match[0]) else ""


def html_lines(html: str) -> list[tuple[str, str]]:
    """The text of an HTML document as (heading, line) pairs, metadata first."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.lines


class _TextParser(HTMLParser):
    _BLOCKS = frozenset(
        {
            "p",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "td",
            "th",
            "caption",
            "div",
            "title",
            "address",
            "figcaption",
            "dt",
            "dd",
            "tr",
            "br",
            "section",
            "header",
            "footer",
            "text",
            "desc",
        }
    )
    _SKIP = frozenset({"style", "script"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._heading = "document metadata"
        self._in_heading = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        for name, value in attrs:
            if value and name in {"content", "alt", "title", "aria-label"}:
                self.lines.append((self._heading, value))
        if tag in self._BLOCKS:
            self._flush()
        self._in_heading = tag in {"h1", "h2", "h3", "h4"}

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        if tag in self._BLOCKS:
            text = self._flush()
            if tag in {"h1", "h2", "h3", "h4"} and text:
                self._heading = f"under {text!r}" if len(text) < 80 else f"under {text[:77]!r}..."
        if tag in {"h1", "h2", "h3", "h4"}:
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> str:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.lines.append((self._heading, text))
        return text

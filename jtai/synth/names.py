"""Name pools for the fictional area, nicknames and the typo model.

First names are ordinary English given names (a given name alone identifies nobody).
Surnames are invented by joining two syllables ("Gullwick", "Fenmore"), so no child of the
fictional area can be mistaken for a real person. Pools are ordered: weights fall off with
rank (a Zipf law), so common names repeat as they do in a real area.
"""

from __future__ import annotations

from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by sex and broad group ("w": White / Mixed / Other, "a": Asian, "b": Black).
BOYS: dict[str, tuple[str, ...]] = {
    "w": _words(
        "Oliver Harry Jack George Noah Charlie Jacob Alfie Freddie Oscar Thomas Leo William "
        "James Joshua Henry Archie Ethan Joseph Samuel Daniel Max Logan Lucas Alexander "
        "Benjamin Matthew Edward Christopher Jonathan Michael Nicholas Robert Anthony "
        "Frederick Kieran Connor Callum Tyler Reece Liam Dylan Riley Mason Jayden Kai Lewis "
        "Ryan Bradley Jordan"
    ),
    "a": _words(
        "Mohammed Muhammad Ibrahim Yusuf Ali Hamza Omar Zain Ayaan Arjun Rohan Aarav Ishaan "
        "Hassan Bilal Imran Rayyan Adam"
    ),
    "b": _words(
        "Daniel David Joshua Samuel Emmanuel Jayden Tyrese Kwame Malachi Isaac Elijah Tobi "
        "Femi Abdi Musa Nathaniel"
    ),
}
GIRLS: dict[str, tuple[str, ...]] = {
    "w": _words(
        "Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Jessica Sophie Grace Evie "
        "Ruby Chloe Charlotte Daisy Freya Phoebe Millie Hannah Katherine Elizabeth Rebecca "
        "Samantha Jennifer Victoria Abigail Alexandra Megan Lauren Courtney Jade Shannon "
        "Paige Bethany Amber Kayleigh Leah Holly Summer Scarlett Harriet Zara Eleanor "
        "Margaret Natalie Stephanie Rose"
    ),
    "a": _words(
        "Aisha Maryam Fatima Zainab Hafsa Amira Inaya Anaya Priya Aaliyah Sana Safiya Noor "
        "Khadija Ayesha Riya Simran Layla"
    ),
    "b": _words(
        "Precious Grace Blessing Esther Abigail Deborah Amara Zuri Nia Chantelle Faith Hodan "
        "Ifeoma Adaeze Imani Jasmine"
    ),
}

_NICKNAME_PAIRS = _words(
    "Alexander:Alex Alexandra:Alex Benjamin:Ben Christopher:Chris Daniel:Dan Edward:Ed "
    "Elizabeth:Beth Frederick:Fred Freddie:Fred Jacob:Jake James:Jim Jennifer:Jen "
    "Jessica:Jess Jonathan:Jon Joseph:Joe Joshua:Josh Katherine:Kate Margaret:Maggie "
    "Matthew:Matt Michael:Mike Mohammed:Mo Muhammad:Mo Nathaniel:Nate Nicholas:Nick "
    "Oliver:Ollie Rebecca:Becky Robert:Rob Samantha:Sam Samuel:Sam Stephanie:Steph "
    "Thomas:Tom Victoria:Vicky William:Will Abigail:Abbie Anthony:Tony Natalie:Nat "
    "Eleanor:Ellie Harriet:Hattie Isabella:Bella Charlotte:Lottie Callum:Cal "
    "Bradley:Brad Ibrahim:Ibby Emmanuel:Manny Kayleigh:Kay"
)
NICKNAMES: dict[str, str] = {a: b for a, _, b in (p.partition(":") for p in _NICKNAME_PAIRS)}
"""Given name -> the short form some agencies record."""

_FIRST_SYLLABLES = _words(
    "Ash Brack Cold Fen Gull Harrow Kes Lang Marsh Nether Oak Pell Quill Rook Salt "
    "Tarn Thorn Wend Yar Brine Cress Dun Eel Flint Gorse Heath Ing Kelp Linnet Moor "
    "Nettle Osprey Puffin Reed Sedge Tide Whin Wrack Bram Cob "
)
_LAST_SYLLABLES = _words(
    "by combe ford well wick ton more ley worth field bridge stone hurst dale wood "
    "ham croft shaw cote mouth gate holme thwaite stead bury low marsh win den brook "
)
SURNAMES: tuple[str, ...] = tuple(a + b for b in _LAST_SYLLABLES for a in _FIRST_SYLLABLES)
"""1,200 invented surnames; earlier entries are drawn more often."""

WORKER_SURNAMES = SURNAMES[::37]

_KEY_NEIGHBOURS = {
    "a": "qsz",
    "b": "vgn",
    "c": "xdv",
    "d": "sfe",
    "e": "wrd",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "i": "uok",
    "j": "hku",
    "k": "jli",
    "l": "ko",
    "m": "nj",
    "n": "bmh",
    "o": "ipl",
    "p": "ol",
    "q": "wa",
    "r": "etf",
    "s": "adw",
    "t": "ryg",
    "u": "yij",
    "v": "cbf",
    "w": "qes",
    "x": "zcs",
    "y": "tuh",
    "z": "xa",
}


def zipf_weights(n: int, exponent: float = 1.0) -> Any:
    """Probabilities for ranks 1..n that fall off as 1/rank**exponent."""
    import numpy as np

    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    return w / w.sum()


def typo(name: str, draw: float, pick: float) -> str:
    """One keyboard slip in ``name``: substitute, delete, transpose or double a letter.

    Args:
        name: the correct name (at least 3 letters for a visible change).
        draw: a uniform number in [0, 1) choosing the position.
        pick: a uniform number in [0, 1) choosing the kind of slip and the letter.

    Returns:
        The name with one slip; never the name itself when it has 3 letters or more.
    """
    if len(name) < 3:
        return name + name[-1]
    pos = 1 + int(draw * (len(name) - 2))  # never the first letter: people notice that one
    kind = int(pick * 4)
    low = name[pos].lower()
    if kind == 0 and low in _KEY_NEIGHBOURS:
        options = _KEY_NEIGHBOURS[low]
        new = options[int(pick * 4 * len(options)) % len(options)]
        if new != low:
            return name[:pos] + new + name[pos + 1 :]
    if kind == 1:
        return name[:pos] + name[pos + 1 :]
    if kind == 2 and pos + 1 < len(name) and name[pos] != name[pos + 1]:
        return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]
    return name[:pos] + name[pos] + name[pos:]

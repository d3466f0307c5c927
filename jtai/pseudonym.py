"""Stable pseudonyms: a keyed HMAC of the workspace key, so they cannot be reversed or guessed.

A pseudonym looks like ``C-7KQ3-XM9D``: a prefix for the kind of thing, then 8 characters
of Crockford base 32 (no I, L, O or U, so it reads aloud without confusion).
"""

from __future__ import annotations

import hashlib
import hmac

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def pseudonym(key: bytes, value: str, *, prefix: str = "C") -> str:
    """The pseudonym of ``value`` (a child id, a record id) under ``key``.

    The same key and value always give the same pseudonym; without the key it cannot be
    linked back to the value.
    """
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")  # 40 bits -> 8 base-32 characters
    chars = []
    for _ in range(8):
        number, rem = divmod(number, 32)
        chars.append(_ALPHABET[rem])
    text = "".join(reversed(chars))
    return f"{prefix}-{text[:4]}-{text[4:]}"

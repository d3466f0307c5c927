"""Recognise a file by its content, and decode CSV text.

An ``.xls`` renamed ``.xlsx`` is still a workbook, and a binary file or an empty file is
one clear :class:`~jtai.errors.InputError`. CSV text may be UTF-8 (with or without BOM),
Windows-1252, or UTF-16 (with or without BOM). UTF-8 text with a damaged byte is refused
rather than read as Windows-1252, which would garble every other character beyond ASCII.
"""

from __future__ import annotations

import re

from jtai.errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_CHARS = 256 * 1024


def kind_of(data: bytes) -> str:
    """``"xlsx"``, ``"ole"`` (xls or encrypted), ``"csv"``; raise for what cannot be read."""
    if not data:
        raise InputError("the file is empty (0 bytes).", hint="Export it again from the source system.")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "ole"
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        if not data.decode("utf-16", errors="replace").strip("\ufeff \t\r\n"):
            raise _empty_text()
        return "csv"  # UTF-16 text
    _refuse_markup(head)
    # text damaged by a few NUL bytes is still text: each costs only its cell (see readers)
    nuls = head.count(0)
    controls = sum(1 for b in head if 0 < b < 9 or 13 < b < 32)
    if controls > len(head) // 100 or nuls > len(head) // 10:
        raise InputError(
            "is not a CSV or Excel file (it holds binary data).",
            hint="Export the data as CSV or .xlsx and load that.",
        )
    return "csv"


def _empty_text() -> InputError:
    return InputError(
        "the file is empty (it holds only a byte-order mark or blank lines, no header and no rows).",
        hint="Export it again from the source system.",
    )


def _refuse_markup(head: bytes) -> None:
    """Refuse a file that holds no text rows: only a BOM or blanks, a web page, an XML spreadsheet."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start:
        raise _empty_text()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<table" in start):
        raise InputError(
            "is a web page (HTML), not a CSV or Excel file, whatever its name says; it was probably "
            "saved from a browser or a report viewer.",
            hint="Export or download the data itself as .xlsx or CSV from the source system, and load that.",
        )
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in start:
        raise InputError(
            "is an Excel 2003 XML spreadsheet, which jtai does not read.",
            hint="Open it in Excel and save it as .xlsx (Excel Workbook), then load that.",
        )


def utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when text without a byte-order mark is UTF-16.

    An extract is mostly ASCII: in UTF-16 every other byte is then NUL (the high byte of
    each character) and the bytes between are printable. Checked only when the start of
    the file holds a NUL at all, so other files pay nothing.
    """
    if b"\x00" not in head:
        return None
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    for nuls, chars, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls.count(0) < 0.6 * pairs or chars.count(0) > pairs // 100:
            continue
        text = head[: 2 * pairs].decode(encoding, errors="replace")
        plain = sum(1 for c in text if c in "\t\r\n" or " " <= c <= "~")
        if plain >= 0.9 * len(text):
            return encoding
    return None


def decode(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes for the parser, and the text of the file's start for sniffing.

    Raises:
        InputError: UTF-16 text that is cut short or damaged; UTF-8 text with a byte that
            is not UTF-8 (reading it all as Windows-1252 would garble its other characters).
    """
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16(data, "utf-16")
    elif (encoding := utf16_without_bom(data[:8192])) is not None:
        text = _utf16(data, encoding)
    else:
        try:
            if not _is_utf8(data):
                data.decode("utf-8")  # raises, saying where
        except UnicodeDecodeError as exc:
            _refuse_damaged_utf8(data, exc, bom)
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            data = text.encode("utf-8")
        return data, data[:SNIFF_CHARS].decode("utf-8", errors="ignore")
    return text.encode("utf-8"), text[:SNIFF_CHARS]


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, checked in place by pyarrow (several times faster than
    decoding it, which builds the whole text only to throw it away)."""
    import struct

    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    text = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start - exc.start % 2].decode(encoding, errors="replace").count("\n") + 1
        if len(data) % 2 and exc.end >= len(data):
            problem = "its last character is cut off (the file has an odd number of bytes)"
        else:
            problem = f"line {line} holds bytes that are not a character (byte {exc.start:,} of the file)"
        raise InputError(
            f"is UTF-16 text, but {problem}.",
            hint="The file was damaged in copying or export: export it again from the source "
            "system, as CSV UTF-8 if it offers that.",
        ) from None


# A byte that is not UTF-8, as Python's surrogateescape handler writes it, and any other
# character beyond ASCII (a valid multi-byte UTF-8 sequence).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _refuse_damaged_utf8(data: bytes, exc: UnicodeDecodeError, offset: int) -> None:
    """Refuse UTF-8 text with a few bytes that are not UTF-8; return for Windows-1252 text.

    A file whose other non-ASCII characters are valid UTF-8 sequences is UTF-8: reading it
    all as Windows-1252 would turn every one of them into two or three wrong characters.
    A Windows-1252 file almost never holds a valid UTF-8 sequence (it would take an
    accented capital followed by a symbol), so it is read as before.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_NOT_UTF8.findall(text))
    good = len(_MULTIBYTE.findall(text))
    if not good or good < bad:
        return
    line = data.count(b"\n", 0, exc.start) + 1
    more = f"; {bad - 1:,} more such bytes follow" if bad > 1 else ""
    raise InputError(
        f"is UTF-8 text except at line {line}: byte {exc.start + offset + 1:,} of the file "
        f"(0x{data[exc.start]:02X}) is not UTF-8{more}.",
        hint="Reading the file in another encoding would garble its other characters. Open it, "
        "correct that character, and save it as UTF-8 (in Excel: Save As > CSV UTF-8), then "
        "load it again.",
    )

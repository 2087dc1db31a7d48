"""Decoding text files as French users produce them: UTF-8 (with or without BOM), cp1252, latin-1,
UTF-16 with a BOM (Windows Notepad's "Unicode"), and files that mix UTF-8 and cp1252 lines (text
pasted from several sources)."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from cloterres.errors import InputError

MAX_TEXT_BYTES = 200_000_000
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control characters no text format we write can carry (XML 1.0 refuses them); tab and line
# breaks are kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures: ``Œuvre Été`` -> ``oeuvre ete``."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def detect_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode_line(line: bytes, encoding: str = "") -> str:
    """One line: UTF-8 when it is valid UTF-8, else cp1252, else latin-1 (bytes cp1252 leaves
    undefined). A cp1252 line is almost never valid UTF-8 once it has an accent, so files that
    mix UTF-8 and cp1252 lines are read right line by line (``encoding`` is only a hint)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def decode_lines(lines: Iterable[bytes], encoding: str) -> Iterator[str]:
    """Decode a file read in binary line by line (line endings kept)."""
    first = True
    for line in lines:
        text = decode_line(line, encoding)
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        yield text


def decode(raw: bytes) -> str:
    """The text of a whole file: UTF-8, UTF-16 with a BOM, cp1252, or a mix of UTF-8 and cp1252
    lines."""
    encoding = detect_encoding(raw)
    if encoding == "utf-16":
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "".join(decode_lines(raw.splitlines(keepends=True), encoding))


def without_controls(text: str) -> str:
    """The text without NUL and other control characters (tab and line breaks kept)."""
    return _CONTROL.sub("", text)


def looks_binary(head: bytes) -> bool:
    """NUL bytes in a file that is not UTF-16: an image, an archive, a program; unless they are
    a few stray NULs in what is otherwise text (:func:`stray_nuls`)."""
    return b"\x00" in head and not head.startswith(_UTF16_BOMS) and not stray_nuls(head)


def stray_nuls(head: bytes) -> bool:
    """A few NUL bytes (at most 5 %, or 16) in a text: once removed, the rest decodes and holds
    almost no other control bytes than tab and line breaks (a copy-paste accident, not a binary
    file nor UTF-16 without its BOM, where every other byte is NUL)."""
    nuls = head.count(b"\x00")
    if not nuls or head.startswith(_UTF16_BOMS) or nuls > max(16, len(head) // 20):
        return False
    rest = head.replace(b"\x00", b"")
    controls = sum(rest.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    if controls * 100 > len(rest):
        return False
    try:
        rest.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(rest) - 4:
            try:
                rest.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def warn_stray_nuls(path: Path) -> None:
    import warnings

    from cloterres.errors import InputWarning

    warnings.warn(
        InputWarning(f"{path} : octets nuls (NUL) parasites retirés du texte"), stacklevel=2
    )


def read_text(path: Path) -> str:
    """The whole text of a file, decoded; a binary file is refused with a French message."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"{path} : fichier trop volumineux ({size // 1_000_000} Mo) pour une transcription"
        )
    raw = path.read_bytes()
    if looks_binary(raw[:65536]):
        raise InputError(
            f"{path} : fichier binaire, ce n'est pas un texte ; enregistrez la transcription en .txt (UTF-8) ou en .docx"
        )
    if b"\x00" in raw and not raw.startswith(_UTF16_BOMS):
        if not stray_nuls(raw):
            raise InputError(
                f"{path} : fichier binaire, ce n'est pas un texte ; enregistrez la transcription en "
                f".txt (UTF-8) ou en .docx"
            )
        warn_stray_nuls(path)
        raw = raw.replace(b"\x00", b"")
    return decode(raw)

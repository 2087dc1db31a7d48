"""Decoding text files as French users produce them: UTF-8 (with or without BOM), cp1252, latin-1."""

from __future__ import annotations

from pathlib import Path

from cloterres.errors import InputError

MAX_TEXT_BYTES = 200_000_000


def detect_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
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


def read_text(path: Path) -> str:
    """The whole text of a file, decoded; a binary file is refused with a French message."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"{path} : fichier trop volumineux ({size // 1_000_000} Mo) pour une transcription"
        )
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise InputError(
            f"{path} : fichier binaire, ce n'est pas un texte ; enregistrez la transcription en .txt (UTF-8) ou en .docx"
        )
    encoding = detect_encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")

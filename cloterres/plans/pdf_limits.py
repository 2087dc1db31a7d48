"""Bounds on what a PDF may decompress, checked while pdfminer decodes its streams.

A PDF stream compressed with FlateDecode (or LZW, or RunLength) can expand a thousandfold: a
3 MB "decompression bomb" asks for gigabytes. pdfminer decodes streams with ``zlib.decompress``
and no limit, so :func:`install` gives its ``pdftypes`` module bounded decoders instead:

- one stream may give at most ``MAX_STREAM`` bytes once decoded, checked while decoding (zlib's
  ``max_length``), so memory never holds more than that for one stream;
- one document may decode at most ``MAX_TOTAL`` bytes in all (pdfminer keeps decoded streams).

Going over either stops the reading with :class:`PdfBombError`. It derives from BaseException
so that no ``except Exception`` inside pdfminer swallows it; the PDF reader turns it into one
French line (exit 2).
"""

from __future__ import annotations

import zlib
from io import BytesIO
from typing import Any

MAX_STREAM = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_PAGES = 5000
_decoded = 0


class PdfBombError(BaseException):
    """A stream or the whole document decodes to more than the limits."""

    def __init__(self, what: str = "") -> None:
        super().__init__(what)
        self.what = what


def reset() -> None:
    """Start counting for a new document."""
    global _decoded
    _decoded = 0


def _account(size: int) -> None:
    global _decoded
    if size > MAX_STREAM:
        raise PdfBombError(f"un flux dépasse {MAX_STREAM // 2**20} Mo une fois décompressé")
    _decoded += size
    if _decoded > MAX_TOTAL:
        raise PdfBombError(
            f"le document dépasse {MAX_TOTAL // 2**20} Mo de données une fois décompressé"
        )


def _too_big() -> PdfBombError:
    return PdfBombError(f"un flux dépasse {MAX_STREAM // 2**20} Mo une fois décompressé")


def _inflate(data: bytes, *, tolerant: bool) -> bytes:
    """Inflate, stopping as soon as the output passes MAX_STREAM. ``tolerant``: a damaged
    stream keeps what came before the damage (what pdfminer's ``decompress_corrupted`` does);
    otherwise zlib's error goes up (and pdfminer then tries the tolerant way)."""
    d = zlib.decompressobj()
    out = bytearray()
    view = memoryview(data)
    step = 1 << 16
    try:
        for pos in range(0, len(data), step):
            out += d.decompress(view[pos : pos + step], MAX_STREAM + 1 - len(out))
            if d.unconsumed_tail or len(out) > MAX_STREAM:
                raise _too_big()
            if d.eof:
                break
        out += d.flush()
    except zlib.error:
        if not tolerant:
            raise
    if len(out) > MAX_STREAM:
        raise _too_big()
    _account(len(out))
    return bytes(out)


class _BoundedZlib:
    """What pdfminer's ``pdftypes`` uses of ``zlib``, with ``decompress`` bounded."""

    error = zlib.error

    def decompress(self, data: bytes, *_args: Any, **_kwargs: Any) -> bytes:
        return _inflate(data, tolerant=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    return _inflate(data, tolerant=True)


def _lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    parts: list[bytes] = []
    size = 0
    for chunk in LZWDecoder(BytesIO(data)).run():
        size += len(chunk)
        if size > MAX_STREAM:
            raise _too_big()
        parts.append(chunk)
    _account(size)
    return b"".join(parts)


def _rldecode(data: bytes) -> bytes:
    from pdfminer.runlength import rldecode

    if len(data) * 128 > MAX_STREAM:  # a run expands 128 times at most: check the worst first
        out = rldecode(data[: MAX_STREAM // 64])
        if len(out) > MAX_STREAM:
            raise _too_big()
    out = rldecode(data)
    _account(len(out))
    return out


_installed = False


def install() -> None:
    """Give pdfminer's stream decoder the bounded decoders (once per process)."""
    global _installed
    if _installed:
        return
    from pdfminer import pdftypes

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    pdftypes.lzwdecode = _lzwdecode
    pdftypes.rldecode = _rldecode
    _installed = True

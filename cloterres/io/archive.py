"""Bounded ZIP inputs: every ZIP-based reader (.xlsx, .docx, .qdpx) checks the archive here
before any library opens it.

The checks read only the central directory: number of members, uncompressed size of each member
and of the whole archive, and compression ratio. The declared sizes can be trusted as bounds:
Python's ``zipfile`` (used by openpyxl, python-docx and our REFI-QDA reader) stops decompressing
a member at its declared size and then checks its CRC, so a member that lies about its size is
an error, never a bigger read.
"""

from __future__ import annotations

import fnmatch
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cloterres.errors import InputError

MIB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """What an archive of one kind may hold once decompressed."""

    kind: str  # French, for messages: "classeur Excel", "document Word"...
    members: int = 10_000
    member_bytes: int = 256 * MIB
    total_bytes: int = 1024 * MIB
    ratio: int = 200  # largest compression ratio of a member bigger than ``ratio_from``
    ratio_from: int = 4 * MIB
    #: Members read as a stream (worksheets), allowed up to ``streamed_bytes``.
    streamed: tuple[str, ...] = ()
    streamed_bytes: int = 0


XLSX_LIMITS = ZipLimits(
    "classeur Excel",
    member_bytes=256 * MIB,  # shared strings, styles: loaded whole by openpyxl
    total_bytes=2048 * MIB,
    streamed=("xl/worksheets/*.xml",),  # read row by row in read-only mode
    streamed_bytes=1536 * MIB,
)
# An OpenDocument spreadsheet is read whole by calamine: smaller limits than a streamed .xlsx.
ODS_LIMITS = ZipLimits("classeur OpenDocument", member_bytes=512 * MIB, total_bytes=768 * MIB)
DOCX_LIMITS = ZipLimits("document Word", member_bytes=128 * MIB, total_bytes=512 * MIB)
QDPX_LIMITS = ZipLimits(
    "projet REFI-QDA", members=50_000, member_bytes=200 * MIB, total_bytes=1024 * MIB
)


def _mb(size: int) -> str:
    return f"{size / MIB:.0f} Mo"


def check_zip(path: Path, limits: ZipLimits) -> None:
    """Raise InputError (one French line) unless ``path`` is a ZIP archive within ``limits``."""
    name = str(path)
    redo = f"ouvrez-le dans son logiciel et enregistrez-le à nouveau ({limits.kind})"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InputError(
            f"{name} : ce n'est pas un {limits.kind} valide (archive ZIP illisible ou tronquée) ; "
            f"{redo}"
        ) from None
    except (ValueError, NotImplementedError, EOFError, RuntimeError) as exc:
        raise InputError(f"{name} : {limits.kind} illisible ({exc}) ; {redo}") from None
    if len(infos) > limits.members:
        raise InputError(
            f"{name} : l'archive contient {len(infos)} fichiers (au plus {limits.members} "
            f"acceptés pour un {limits.kind}), refusée par prudence"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError(
                f"{name} : {limits.kind} chiffré (protégé par un mot de passe) ; enregistrez-le "
                f"sans mot de passe"
            )
        streamed = any(fnmatch.fnmatch(info.filename, p) for p in limits.streamed)
        allowed = limits.streamed_bytes if streamed else limits.member_bytes
        if info.file_size > allowed:
            raise InputError(
                f"{name} : la partie « {info.filename} » fait {_mb(info.file_size)} une fois "
                f"décompressée (au plus {_mb(allowed)} pour un {limits.kind}), refusée par "
                f"prudence ; découpez le fichier"
            )
        if info.file_size > limits.ratio_from and (
            info.file_size > limits.ratio * max(info.compress_size, 1)
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                f"{name} : la partie « {info.filename} » est compressée {ratio} fois (bombe de "
                f"décompression ?), refusée par prudence ; {redo}"
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise InputError(
                f"{name} : l'archive dépasse {_mb(limits.total_bytes)} une fois décompressée "
                f"(limite pour un {limits.kind}), refusée par prudence ; découpez le fichier"
            )


def check_docx(path: Path) -> None:
    """The checks a Word file passes before it is opened (cheap: the commands run them on every
    input before the language model loads); raises InputError."""
    if path.stat().st_size == 0:
        raise InputError(
            f"{path} : document Word vide (0 octet) ; enregistrez-le à nouveau depuis Word ou "
            f"LibreOffice au format .docx"
        )
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{path} : document Word illisible (ce n'est pas un fichier .docx valide, il est "
            f"peut-être tronqué ou endommagé) ; ouvrez-le dans Word ou LibreOffice et "
            f"enregistrez-le à nouveau au format .docx"
        )
    check_zip(path, DOCX_LIMITS)  # bounded: no ZIP bomb or oversized member is opened


def normalize_member(name: str) -> str:
    """A ZIP member name as a clean relative POSIX path ("" for the archive root)."""
    cleaned = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
    return "" if cleaned == "." else cleaned


def is_archiver_junk(name: str) -> bool:
    """macOS resource forks and folders that archivers add ("__MACOSX/", "._x")."""
    norm = normalize_member(name)
    return norm.startswith("__MACOSX/") or PurePosixPath(norm).name.startswith("._")

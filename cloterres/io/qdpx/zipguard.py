"""The ZIP guard of REFI-QDA archives: the archive is checked (:func:`check_archive`, on top of
the generic checks of :mod:`cloterres.io.archive`) and every member is read with bounds on what
is actually decompressed (:class:`ProjectArchive`). Messages name REFI-QDA projects."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from cloterres.errors import InputError
from cloterres.io.archive import (
    QDPX_LIMITS,
    ZipLimits,
    check_zip,
    is_archiver_junk,
    normalize_member,
)

#: Largest uncompressed ZIP member read on import, and largest total read from one archive.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024

_READ_CHUNK = 1024 * 1024


def open_zip(path: Path) -> zipfile.ZipFile:
    """The archive at ``path``, opened; InputError (one French line) when it cannot be."""
    label = str(path)
    if not path.exists():
        raise InputError(f"{label} : fichier introuvable ; vérifiez le chemin")
    if path.is_dir():
        raise InputError(f"{label} : est un dossier ; donnez le fichier .qdpx exporté")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(
            f"{label} : archive REFI-QDA illisible (ce n'est pas une archive ZIP valide) ; "
            "exportez à nouveau le projet depuis votre logiciel"
        ) from None
    except OSError as exc:
        raise InputError(f"{label} : lecture impossible ({exc.strerror or exc})") from None
    except (ValueError, NotImplementedError, EOFError) as exc:
        raise InputError(
            f"{label} : archive REFI-QDA illisible ({exc}) ; "
            "exportez à nouveau le projet depuis votre logiciel"
        ) from None


def check_archive(path: Path) -> None:
    """The generic checks of a ZIP archive, with the bounds of a REFI-QDA project."""
    check_zip(
        path,
        ZipLimits(
            QDPX_LIMITS.kind,
            members=QDPX_LIMITS.members,
            member_bytes=MAX_MEMBER_BYTES,
            total_bytes=MAX_TOTAL_BYTES,
        ),
    )


class ProjectArchive:
    """Bounded reads from a REFI-QDA ZIP archive."""

    def __init__(self, zf: zipfile.ZipFile, label: str) -> None:
        self.zf = zf
        self.label = label
        self.total = 0
        self.members = [
            i for i in zf.infolist() if not i.is_dir() and not is_archiver_junk(i.filename)
        ]
        self.by_lower: dict[str, zipfile.ZipInfo] = {}
        for info in self.members:
            self.by_lower.setdefault(normalize_member(info.filename).lower(), info)

    def find_qde(self) -> zipfile.ZipInfo:
        qdes = [i for i in self.members if i.filename.lower().endswith(".qde")]
        if len(qdes) == 1:
            return qdes[0]
        if not qdes:
            raise InputError(
                f"{self.label} : aucun fichier .qde dans l'archive, ce n'est pas un projet "
                "REFI-QDA ; exportez le projet au format REFI-QDA (.qdpx) depuis votre logiciel"
            )
        named = [i for i in qdes if PurePosixPath(i.filename).name.lower() == "project.qde"]
        if len(named) == 1:
            return named[0]
        names = ", ".join(i.filename for i in qdes)
        raise InputError(
            f"{self.label} : plusieurs fichiers .qde dans l'archive ({names}) ; "
            "exportez un seul projet par fichier .qdpx"
        )

    def lookup(self, candidates: Iterable[str]) -> zipfile.ZipInfo | None:
        for candidate in candidates:
            info = self.by_lower.get(normalize_member(candidate).lower())
            if info is not None:
                return info
        return None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        label = f"{self.label} ({info.filename})"
        member_mb = MAX_MEMBER_BYTES // (1024 * 1024)
        total_mb = MAX_TOTAL_BYTES // (1024 * 1024)
        too_big = (
            f"{label} : fichier de plus de {member_mb} Mo une fois décompressé, refusé par "
            "prudence ; exportez le projet sans ce fichier ou découpez la source"
        )
        too_much = (
            f"{self.label} : l'archive dépasse {total_mb} Mo une fois décompressée, refusée par "
            "prudence ; exportez un projet plus petit"
        )
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(too_big)
        if self.total + info.file_size > MAX_TOTAL_BYTES:
            raise InputError(too_much)
        # The declared size may lie: count what is actually decompressed.
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.total)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(min(_READ_CHUNK, limit + 1 - size)):
                    size += len(chunk)
                    if size > limit:
                        raise InputError(too_big if limit == MAX_MEMBER_BYTES else too_much)
                    chunks.append(chunk)
        except InputError:
            raise
        except RuntimeError:  # encrypted member
            raise InputError(
                f"{label} : fichier chiffré (mot de passe) ; exportez le projet sans chiffrement"
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise InputError(
                f"{label} : archive REFI-QDA illisible ({exc}) ; "
                "exportez à nouveau le projet depuis votre logiciel"
            ) from None
        self.total += size
        return b"".join(chunks)

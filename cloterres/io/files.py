"""Safe file writing: a temporary file in the same folder, renamed into place when complete."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.errors import InputError


def check_input_files(paths: list[Path], missing_hint: str) -> None:
    """Every input exists and is a file (one French line otherwise); ``missing_hint`` says what
    to give when there is no input at all."""
    if not paths:
        raise InputError(missing_hint)
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} : fichier introuvable ; vérifiez le chemin")
        if path.is_dir():
            raise InputError(f"{path} : est un dossier ; donnez les fichiers à lire qu'il contient")


# Files a folder of inputs often holds that are never inputs, whatever their extension.
_NOT_INPUTS = ("readme", "lisezmoi", "licence", "license", "changelog", "notes")


@dataclass
class ExpandedInputs:
    """The inputs once every folder is replaced by the files it holds; ``skipped`` names, per
    folder, what it holds that the command does not read (sub-folders end with ``/``)."""

    files: list[Path] = field(default_factory=list)
    skipped: dict[Path, list[str]] = field(default_factory=dict)


def _is_input(entry: Path, suffixes: tuple[str, ...]) -> bool:
    name = entry.name
    if name.startswith((".", "~$")) or not entry.is_file():  # hidden files, Office lock files
        return False
    if entry.stem.lower().startswith(_NOT_INPUTS):
        return False
    return entry.suffix.lower() in suffixes


def expand_folders(
    paths: list[Path], suffixes: tuple[str, ...], what: str, exclude: tuple[Path, ...] = ()
) -> ExpandedInputs:
    """Every folder among ``paths`` becomes the files it holds (not its sub-folders) whose
    extension is one of ``suffixes``, sorted by name; README and hidden files are skipped.
    Files of ``exclude`` (given elsewhere on the command line) are skipped too. Other paths
    stay as given. A folder with no such file is an :class:`InputError` (``what``
    names the inputs, « plan ou tableau de mesures » say)."""
    expanded = ExpandedInputs()
    for path in paths:
        if not path.is_dir():
            expanded.files.append(path)
            continue
        try:
            entries = sorted(path.iterdir(), key=lambda e: e.name.lower())
        except OSError as exc:
            raise InputError(f"{path} : dossier illisible ({os_error_fr(exc)})") from None
        excluded = {p.resolve() for p in exclude}
        kept = [e for e in entries if _is_input(e, suffixes) and e.resolve() not in excluded]
        skipped = [
            e.name + ("/" if e.is_dir() else "")
            for e in entries
            if e not in kept and not e.name.startswith(".")
        ]
        if not kept:
            raise InputError(
                f"{path} : le dossier ne contient aucun {what} ({', '.join(suffixes)}) ; "
                f"donnez un autre dossier ou les fichiers eux-mêmes"
            )
        expanded.files.extend(kept)
        if skipped:
            expanded.skipped[path] = skipped
    return expanded


def prepare_output(path: Path, *, overwrite: bool, inputs: list[Path] | None = None) -> None:
    """Refuse outputs that would destroy something the user has."""
    resolved = path.resolve()
    for source in inputs or []:
        if source.exists() and source.resolve() == resolved:
            raise InputError(
                f"{path} : le fichier de sortie est aussi un fichier d'entrée ; choisissez un autre nom"
            )
    if path.is_dir():
        raise InputError(f"{path} : est un dossier ; donnez un nom de fichier de sortie")
    if path.exists() and not overwrite:
        raise InputError(
            f"{path} : le fichier existe déjà ; choisissez un autre nom ou ajoutez --ecraser pour le remplacer"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{path.parent} : impossible de créer le dossier de sortie ({exc.strerror})"
        ) from None


_ERRNO_FR = {
    errno.ENOSPC: "disque plein ; libérez de la place ou écrivez ailleurs",
    errno.EDQUOT: "quota disque dépassé ; libérez de la place ou écrivez ailleurs",
    errno.EFBIG: "fichier trop grand pour ce système de fichiers",
    errno.EROFS: "système de fichiers en lecture seule ; écrivez ailleurs",
    errno.EACCES: "accès refusé (droits insuffisants) ; vérifiez les droits ou écrivez ailleurs",
    errno.EPERM: "opération non permise ; vérifiez les droits ou écrivez ailleurs",
    errno.ENOENT: "fichier ou dossier introuvable ; vérifiez le chemin",
    errno.EISDIR: "est un dossier ; donnez un nom de fichier",
    errno.ENOTDIR: "une partie du chemin n'est pas un dossier ; vérifiez le chemin",
    errno.ENAMETOOLONG: "nom de fichier trop long ; choisissez un nom plus court",
    errno.EIO: "erreur d'entrée-sortie du disque ; vérifiez le support",
    errno.EMFILE: "trop de fichiers ouverts ; fermez des programmes et relancez",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
    errno.ETXTBSY: "fichier occupé par un autre programme ; fermez-le et relancez",
    errno.EBUSY: "fichier occupé par un autre programme ; fermez-le et relancez",
}


def visible_name(name: str | os.PathLike[str] | None) -> str:
    """The output a hidden temporary file stands for (``dir/.x.xlsx.123.ab.tmp`` ->
    ``dir/x.xlsx``); any other name as is."""
    if name is None:
        return ""
    path = Path(os.fsdecode(name))
    parts = path.name.split(".")
    # ".<name>.<pid>.<random>.tmp": name may hold dots itself
    if path.name.startswith(".") and len(parts) >= 5 and parts[-1] == "tmp" and parts[-3].isdigit():
        return str(path.with_name(".".join(parts[1:-3])))
    return str(path)


def os_error_fr(exc: OSError) -> str:
    """An operating-system error in one French phrase (no hidden temporary file name)."""
    text = _ERRNO_FR.get(exc.errno or -1)
    if text is None:
        text = f"erreur du système ({exc.strerror or type(exc).__name__})"
    return text


def temp_prefix(path: Path) -> str:
    """Temporary files of ``path`` are ``.<name>.<pid>.<random>.tmp`` in the same folder."""
    return f".{path.name}."


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files a killed run left next to ``path`` (their process is gone);
    return them. A file of a process still running is left alone."""
    removed: list[Path] = []
    prefix = temp_prefix(path)
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for candidate in candidates:
        parts = candidate.name[len(prefix) :].split(".")
        if len(parts) != 3 or parts[2] != "tmp" or not parts[0].isdigit():
            continue
        pid = int(parts[0])
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process: leave its file alone
    return True


@contextlib.contextmanager
def atomic_path(path: Path, *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success.

    The temporary file is named ``.<name>.<pid>.<random>.tmp`` (hidden, next to the output). It
    is removed on any error; if the process is killed, the next run writing the same output
    removes it. The destination only ever holds the previous complete file or the new one.
    ``private``: the file stays readable by its owner only (mode 0600), e.g. the
    correspondence table of a pseudonymisation."""
    remove_stale_temps(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f"{temp_prefix(path)}{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    if not private:  # mkstemp makes it private; outputs get the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        with tmp.open("rb") as fh:  # on disk before the rename: a power cut leaves a whole file
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.filename is None or visible_name(exc.filename) in (str(path), str(tmp)):
            shown = visible_name(path)  # a staged output: its final name
            raise InputError(f"{shown} : écriture impossible : {os_error_fr(exc)}") from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class Staging:
    """The outputs of one run, each written to a hidden temporary file next to it and renamed
    into place only when every one of them was written (:func:`staged`)."""

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []  # (temporary, final)

    def path(self, final: Path) -> Path:
        """A temporary file for ``final`` (the next run removes it if this one is killed)."""
        remove_stale_temps(final)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f"{temp_prefix(final)}{os.getpid()}.", suffix=".tmp", dir=final.parent
            )
        except OSError as exc:
            raise InputError(f"{final} : écriture impossible : {os_error_fr(exc)}") from None
        os.close(fd)
        tmp = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        self._files.append((tmp, final))
        return tmp

    def commit(self) -> None:
        for tmp, final in self._files:
            try:
                with tmp.open("rb") as fh:
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise InputError(f"{final} : écriture impossible : {os_error_fr(exc)}") from None
        # Keep each previous file under a hidden name (a hard link) until every rename is done:
        # if one fails (the output became a folder, rights changed), the earlier ones are put
        # back, so the user keeps the whole previous set.
        done: list[tuple[Path, Path | None]] = []  # (final, backup of the previous file)
        try:
            for tmp, final in self._files:
                backup = None
                if final.is_file():
                    backup = final.with_name(f"{temp_prefix(final)}{os.getpid()}.ancien.tmp")
                    try:
                        os.link(final, backup)
                    except OSError:  # no hard links here (FAT): no way back for this one
                        backup = None
                os.replace(tmp, final)
                done.append((final, backup))
        except OSError as exc:
            for final, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, final)
                    else:
                        final.unlink()
            raise InputError(
                f"{visible_name(exc.filename) or 'sortie'} : écriture impossible : "
                f"{os_error_fr(exc)} ; les fichiers précédents sont conservés"
            ) from None
        finally:
            for _final, backup in done:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
        self._files = []

    def discard(self) -> None:
        for tmp, _final in self._files:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._files = []


@contextlib.contextmanager
def staged() -> Iterator[Staging]:
    """Outputs written together: all renamed into place at the end, or none (any error)."""
    staging = Staging()
    try:
        yield staging
        staging.commit()
    except OSError as exc:
        staging.discard()
        where = visible_name(exc.filename)
        raise InputError(
            f"{where + ' : ' if where else ''}écriture impossible : {os_error_fr(exc)}"
        ) from None
    except BaseException:
        staging.discard()
        raise


def remove_stale_dirs(folder: Path) -> None:
    """Remove the hidden report folders (``.<name>.rap.<random>``) a killed run left next to
    ``folder``, when their process is gone (the pid is in the name)."""
    prefix = f".{folder.name}.rap."
    try:
        candidates = [p for p in folder.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for candidate in candidates:
        pid = candidate.name[len(prefix) :].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        shutil.rmtree(candidate, ignore_errors=True)

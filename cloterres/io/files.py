"""Safe file writing: a temporary file in the same folder, renamed into place when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
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
            raise InputError(
                f"{path} : est un dossier ; donnez les fichiers qu'il contient (par exemple {path}/*)"
            )


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
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

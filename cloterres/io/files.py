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


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` only on success."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

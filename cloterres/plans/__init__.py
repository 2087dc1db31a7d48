"""Front end for CLS action plans: reading measures from the files evaluators receive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.files import check_input_files
from cloterres.plans.tables import TABLE_SUFFIXES, ReadReport, read_table
from cloterres.units import Measure

__all__ = ["ReadReport", "check_inputs", "read_measures"]

_LATER = {
    ".docx": "document Word",
    ".pdf": "document PDF",
    ".txt": "document texte",
    ".md": "document texte",
}


def check_inputs(paths: list[Path]) -> None:
    """Fail early, before any output is written, on inputs that cannot be read at all."""
    check_input_files(
        paths,
        "aucun fichier de mesures donné ; exemple : cloterres categoriser plan.csv --sortie mesures.xlsx",
    )
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            continue
        if suffix in (".xls", ".ods"):
            raise InputError(
                f"{path} : format {suffix} non pris en charge ; ouvrez-le dans Excel ou "
                f"LibreOffice et enregistrez-le au format .xlsx"
            )
        if suffix in _LATER:
            raise InputError(
                f"{path} : la lecture directe d'un {_LATER[suffix]} n'est pas encore disponible ; "
                f"recopiez les mesures dans un tableau CSV ou .xlsx (une ligne par mesure)"
            )
        raise InputError(
            f"{path} : extension « {suffix or '(aucune)'} » non reconnue ; donnez un tableau "
            f".csv ou .xlsx (une ligne par mesure)"
        )


def read_measures(paths: list[Path], report: ReadReport) -> Iterator[Measure]:
    """Stream the measures of every input file, in order."""
    check_inputs(paths)
    for path in paths:
        yield from read_table(path, report)

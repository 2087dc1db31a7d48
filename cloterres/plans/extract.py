"""Extract the measures of action plans without categorising them (the library function behind
``cloterres extraire``): evaluators check and fix the file, then give it to ``categoriser``.

The ``.xlsx`` output has a « Mesures » sheet in the column layout the table reader reads back
(standard fields, then « Objectif », « Territoire », « Calendrier », « Financement »,
« Indicateurs », other fields, and « Source »), and the « Import » sheet. ``.csv`` (French Excel
dialect) and ``.jsonl`` hold the same measures.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.errors import InputError
from cloterres.io.excel import write_table
from cloterres.io.files import atomic_path, prepare_output
from cloterres.io.safety import csv_safe
from cloterres.io.sources import Warning_
from cloterres.plans import ReadReport, check_inputs, read_measures
from cloterres.plans.fields import DOCUMENT_FIELDS, EXTRA_FIELDS
from cloterres.plans.measure import MEASURE_FIELDS, Measure
from cloterres.plans.report import SHEET_IMPORT, DocumentReport, write_import_sheet

OUTPUT_FORMATS = (".xlsx", ".csv", ".jsonl")
SHEET_MEASURES = "Mesures"
SOURCE_HEADER = "Source"
_EXTRA_ORDER = tuple(DOCUMENT_FIELDS[name] for name in EXTRA_FIELDS)


@dataclass
class ExtractReport:
    output: Path
    measures: int = 0
    imports: list[DocumentReport] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    seconds: float = 0.0


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(
            f"{path} : format de sortie « {suffix or '(aucune extension)'} » inconnu ; "
            f"utilisez .xlsx (classeur), .csv ou .jsonl"
        )
    return suffix


def measure_columns(measures: list[Measure]) -> list[str]:
    """Headers of the « Mesures » sheet: standard fields, document fields, other fields, source."""
    headers = [MEASURE_FIELDS[name] for name in MEASURE_FIELDS]
    others: list[str] = []
    for measure in measures:
        for key in measure.extra:
            if key not in _EXTRA_ORDER and key not in others:
                others.append(key)
    present = [label for label in _EXTRA_ORDER if any(label in m.extra for m in measures)]
    objective = [label for label in present if label == DOCUMENT_FIELDS["objectif"]]
    present = [label for label in present if label not in objective]
    return [*headers[:3], *objective, *headers[3:], *present, *others, SOURCE_HEADER]


def measure_row(measure: Measure, headers: list[str]) -> list[str]:
    by_label = {label: measure.fields()[name] for name, label in MEASURE_FIELDS.items()}
    row = []
    for header in headers:
        if header == SOURCE_HEADER:
            row.append(measure.source.describe())
        elif header in by_label:
            row.append(by_label[header])
        else:
            row.append(measure.extra.get(header, ""))
    return row


def _write_xlsx(path: Path, measures: list[Measure], imports: list[DocumentReport]) -> None:
    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new workbook holds one worksheet
    ws.title = SHEET_MEASURES
    headers = measure_columns(measures)
    wide = {"Intitulé": 45, "Description": 60, "Axe": 30, "Objectif": 30, "Partenaires": 30}
    widths = [wide.get(h, 22 if h != "Identifiant" else 14) for h in headers]
    write_table(
        ws,
        headers,
        (measure_row(m, headers) for m in measures),
        widths=widths,
        wrap=set(range(2, len(headers) + 1)),
        freeze_col=1,
    )
    write_import_sheet(wb.create_sheet(SHEET_IMPORT), imports)
    wb.save(path)


def _write_csv(path: Path, measures: list[Measure]) -> None:
    headers = measure_columns(measures)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow([csv_safe(h) for h in headers])  # extra headers come from the input
        for measure in measures:
            writer.writerow([csv_safe(v) for v in measure_row(measure, headers)])


def _write_jsonl(path: Path, measures: list[Measure]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for m in measures:
            obj = {name: getattr(m, name) for name in MEASURE_FIELDS}
            obj["autres_colonnes"] = dict(m.extra)
            obj["source"] = m.source.model_dump(exclude_none=True)
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def extract(
    inputs: list[Path],
    output: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExtractReport:
    """Read every input and write its measures to ``output`` (by extension).

    Every input is read before anything is written: a bad input raises InputError and leaves no
    output file."""
    started = time.perf_counter()
    fmt = _format(output)
    check_inputs(inputs)
    prepare_output(output, overwrite=overwrite, inputs=inputs)
    read_report = ReadReport()
    measures: list[Measure] = []
    for measure in read_measures(inputs, read_report):
        measures.append(measure)
        if progress is not None:
            progress(len(measures))
    if not measures:
        names = ", ".join(str(p) for p in inputs)
        raise InputError(
            f"{names} : aucune mesure trouvée (seulement une ligne d'en-tête ou des lignes "
            f"vides) ; ajoutez une ligne par mesure sous l'en-tête"
        )
    with atomic_path(output) as tmp:
        if fmt == ".xlsx":
            _write_xlsx(tmp, measures, read_report.documents)
        elif fmt == ".csv":
            _write_csv(tmp, measures)
        else:
            _write_jsonl(tmp, measures)
    return ExtractReport(
        output=output,
        measures=len(measures),
        imports=read_report.documents,
        warnings=read_report.warnings,
        seconds=time.perf_counter() - started,
    )

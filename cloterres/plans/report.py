"""The import report: what was found in each input, so a user can judge whether the extraction
is complete before trusting the categories (printed, and written as the « Import » sheet)."""

from __future__ import annotations

from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, Field

from cloterres.io.display import display_path
from cloterres.io.excel import stream_table, write_table
from cloterres.plans.fields import DOCUMENT_FIELDS, field_of
from cloterres.plans.measure import MEASURE_FIELDS, Measure

SHEET_IMPORT = "Import"
MAX_AXES = 200


class DocumentReport(BaseModel):
    """What was read from one input file (a document or a table)."""

    fichier: str
    format: str
    pages: int | None = None
    paragraphes: int | None = None
    tableaux: int | None = None
    contrat: str = ""
    axes: list[str] = Field(default_factory=list)
    mesures: int = 0
    champs: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(DOCUMENT_FIELDS, 0))
    sans_intitule: list[str] = Field(default_factory=list)
    ignores: list[str] = Field(default_factory=list)  # blocks or tables skipped, and why
    remarques: list[str] = Field(default_factory=list)

    def count(self, measure: Measure) -> None:
        """Add one measure to the counts."""
        self.mesures += 1
        present = {
            name for name in DOCUMENT_FIELDS if name in MEASURE_FIELDS and getattr(measure, name)
        }
        for key, value in measure.extra.items():
            name = field_of(key)
            if name in DOCUMENT_FIELDS and value.strip():
                present.add(name)
        for name in present:
            self.champs[name] += 1
        if not measure.intitule.strip():
            self.sans_intitule.append(measure.id)
        axe = measure.axe.strip()
        if axe and axe not in self.axes and len(self.axes) < MAX_AXES:
            self.axes.append(axe)

    @property
    def missing(self) -> list[str]:
        return [DOCUMENT_FIELDS[n] for n, c in self.champs.items() if c == 0]

    def lines(self) -> list[str]:
        """The report in French, a few lines per file, for the terminal."""
        size = []
        if self.pages is not None:
            size.append(f"{self.pages} page(s)")
        if self.paragraphes is not None:
            size.append(f"{self.paragraphes} paragraphe(s)")
        if self.tableaux is not None:
            size.append(f"{self.tableaux} tableau(x)")
        head = f"Import de {self.fichier} ({', '.join([self.format, *size])}) : "
        head += f"{len(self.axes)} axe(s), {self.mesures} mesure(s)"
        if self.contrat:
            head += f", contrat « {self.contrat} »"
        out = [head]
        if self.mesures:
            found = ", ".join(
                f"{DOCUMENT_FIELDS[n].lower()} {c}/{self.mesures}"
                for n, c in self.champs.items()
                if c
            )
            out.append(f"  champs trouvés : {found}")
            if self.missing:
                out.append(f"  champs absents : {', '.join(m.lower() for m in self.missing)}")
        if self.sans_intitule:
            out.append(
                f"  mesures sans intitulé : {', '.join(self.sans_intitule[:10])}"
                + (" …" if len(self.sans_intitule) > 10 else "")
            )
        out.extend(f"  ignoré : {item}" for item in self.ignores[:10])
        if len(self.ignores) > 10:
            out.append(f"  … et {len(self.ignores) - 10} autre(s) élément(s) ignoré(s)")
        out.extend(f"  remarque : {item}" for item in self.remarques[:10])
        return out


def report_lines(reports: list[DocumentReport]) -> list[str]:
    return [line for r in reports for line in r.lines()]


def write_import_sheet(ws: Worksheet | WriteOnlyWorksheet, reports: list[DocumentReport]) -> None:
    """The « Import » sheet: one row per input file, then every skipped element and remark.

    Headers avoid the names the table reader takes for a measure column (« Intitulé »...), so a
    workbook written by ``extraire`` reads back with only its « Mesures » sheet."""
    headers = [
        "Fichier",
        "Format",
        "Pages",
        "Paragraphes",
        "Tableaux",
        "Contrat retenu",
        "Nombre d'axes",
        "Mesures trouvées",
        *(f"Avec {label.lower()}" for label in DOCUMENT_FIELDS.values()),
        "Champs absents",
        "Sans intitulé (identifiants)",
        "Éléments ignorés (motif)",
        "Remarques",
        "Liste des axes",
    ]
    rows = [
        [
            display_path(r.fichier),
            r.format,
            r.pages,
            r.paragraphes,
            r.tableaux,
            r.contrat,
            len(r.axes),
            r.mesures,
            *(r.champs[name] for name in DOCUMENT_FIELDS),
            ", ".join(r.missing),
            ", ".join(r.sans_intitule),
            "\n".join(r.ignores) or "aucun",
            "\n".join(r.remarques),
            "\n".join(r.axes),
        ]
        for r in reports
    ]
    widths = [36, 14, 8, 12, 10, 34, 10, 11] + [11] * len(DOCUMENT_FIELDS) + [30, 24, 60, 40, 60]
    n = len(headers)
    wrap = {1, 6, *range(n - 4, n + 1)}
    if isinstance(ws, WriteOnlyWorksheet):  # the categoriser workbook is written streaming
        stream_table(ws, headers, rows, widths=widths, wrap=wrap)
    else:
        write_table(ws, headers, rows, widths=widths, wrap=wrap)

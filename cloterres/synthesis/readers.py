"""Read what ``categoriser`` and ``coder`` wrote (JSONL, CSV) into summary records.

The kind of each file (categorised measures or coded interview units) is detected from its
content, not its name. Wrong files end in one French line naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloterres.engine.grid import Grid
from cloterres.engine.labels import Kind
from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS, MEASURES, kind_of_row
from cloterres.interviews.model import CASE_VARIABLES, INTERVIEWER_TURN
from cloterres.io.archive import XLSX_LIMITS, check_zip
from cloterres.io.jsonl_read import iter_json_objects
from cloterres.io.rows import MeasureRow, RowFieldError, UnitRow
from cloterres.io.safety import looks_like_formula
from cloterres.io.text import detect_encoding, looks_binary, stray_nuls, warn_stray_nuls
from cloterres.plans.measure import MEASURE_FIELDS
from cloterres.plans.summary import FLAG_DEFAULT, FLAG_REVIEW, decision_flag
from cloterres.synthesis.records import (
    UNKNOWN_CONTRACT,
    InterviewUnit,
    MeasureRecord,
)

csv.field_size_limit(10_000_000)

LABEL_SEPARATOR = "|"
_JSONL_EXPECTED = "donnez un fichier .jsonl écrit par cloterres categoriser ou cloterres coder"
_NOT_OURS = (
    "ni des mesures catégorisées ni des unités d'entretien codées ; donnez un fichier écrit par "
    "cloterres categoriser ou cloterres coder (.jsonl ou .csv)"
)


@dataclass
class SynthesisData:
    """Everything read from the inputs, with what came from each file."""

    measures: list[MeasureRecord] = field(default_factory=list)
    units: list[InterviewUnit] = field(default_factory=list)
    files: list[tuple[str, Kind, int]] = field(default_factory=list)  # (file, kind, records)


def read_inputs(paths: list[Path]) -> SynthesisData:
    data = SynthesisData()
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} : fichier introuvable ; vérifiez le chemin")
        if path.is_dir():
            raise InputError(f"{path} : est un dossier ; donnez les fichiers qu'il contient")
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            kind, records = _read_jsonl(path)
        elif suffix == ".csv":
            kind, records = _read_csv(path)
        elif suffix == ".xlsx":
            kind, records = _read_xlsx(path)
        else:
            raise InputError(
                f"{path} : format « {suffix or '(aucune extension)'} » non pris en charge ; donnez "
                f"la sortie .jsonl, .csv ou .xlsx de cloterres categoriser ou cloterres coder"
            )
        if kind == MEASURES.kind:
            data.measures.extend(records)  # type: ignore[arg-type]
        else:
            data.units.extend(records)  # type: ignore[arg-type]
        data.files.append((str(path), kind, len(records)))
    return data


def resolve_measures(grid: Grid, records: list[MeasureRecord]) -> list[MeasureRecord]:
    """Labels keyed by the grid's dimension ids, with category ids.

    A study workbook names dimensions and categories by their French labels: they are turned
    into ids (an unknown label is left as it is, for ``check_measures`` to report). Columns
    named after a derived attribute (CSV, workbook) become ``derives``.
    """
    categories = {
        d.id: {**{fold(c.label): c.id for c in d.categories}, **{c.id: c.id for c in d.categories}}
        for d in grid.dimensions
    }
    out: list[MeasureRecord] = []
    for rec in records:
        derives = dict(rec.derives)
        for der in grid.derives:
            for key in (der.id, der.label):
                if key in rec.labels and der.id not in derives:
                    derives[der.id] = _derived_value(" ".join(rec.labels[key]))
        labels: dict[str, list[str]] = {}
        for dim in grid.dimensions:
            values = rec.labels.get(dim.id, rec.labels.get(dim.label, []))
            known = categories[dim.id]
            labels[dim.id] = [known.get(v, known.get(fold(v).strip(), v)) for v in values]
        flags = _resolve_flags(grid, rec.flags)
        out.append(rec.model_copy(update={"labels": labels, "derives": derives, "flags": flags}))
    return out


def _resolve_flags(grid: Grid, flags: dict[str, str]) -> dict[str, str]:
    """Flag keys as "dim.cat" ids, whether given by ids or as « Dimension › Catégorie »."""
    if not flags:
        return {}
    by_label = {
        f"{d.label} › {c.label}": f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories
    }
    return {by_label.get(key, key): flag for key, flag in flags.items()}


# --- JSONL ---------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> tuple[Kind, list[MeasureRecord] | list[InterviewUnit]]:
    kind: Kind | None = None
    measures: list[MeasureRecord] = []
    units: list[InterviewUnit] = []
    for number, obj in iter_json_objects(path, _JSONL_EXPECTED):
        where = f"{path}, ligne {number}"
        line_kind: Kind | None = kind_of_row(obj)
        if line_kind is None:
            raise InputError(f"{where} : ni « labels » ni « codes » : {_NOT_OURS}")
        if kind is None:
            kind = line_kind
        elif line_kind != kind:
            raise InputError(
                f"{where} : mélange de mesures et d'unités d'entretien dans un même "
                f"fichier ; séparez-les"
            )
        if kind == MEASURES.kind:
            measures.append(_measure_from_json(obj, where))
        else:
            units.append(_unit_from_json(obj, where))
    if kind is None:
        raise InputError(f"{path} : fichier vide ; aucune mesure ni unité d'entretien")
    return kind, (measures if kind == MEASURES.kind else units)


DEFAULT_EVIDENCE = ": par défaut (aucun indice dans le texte)"


_MEASURE_FIELDS = ("labels", "derives", "id", "contrat", "sans_texte", "decisions")
_UNIT_FIELDS = ("variables", "id", "entretien", "codes", "code", "decisions")


def _row_error(exc: RowFieldError, where: str) -> InputError:
    """The French message of a field of a JSONL row that the synthesis cannot use."""
    name = exc.field
    if name == "labels" and len(exc.path) == 1:
        return InputError(f"{where} : « labels » doit être un objet {{dimension: [catégories]}}")
    if name == "labels":
        return InputError(f"{where} : « labels.{exc.path[1]} » doit être une liste de textes")
    if name in ("derives", "variables"):
        return InputError(f"{where} : « {name} » doit être un objet")
    if name == "codes":
        return InputError(f"{where} : « codes » doit être une liste de textes")
    return InputError(f"{where} : « {name} » doit être un texte")


def _required(value: str | None, where: str, name: str) -> str:
    if value is None:
        raise InputError(f"{where} : champ « {name} » manquant")
    return value


def _measure_from_json(obj: dict[str, Any], where: str) -> MeasureRecord:
    try:
        row = MeasureRow.read(obj, _MEASURE_FIELDS, required=("labels",), lenient=("decisions",))
    except RowFieldError as exc:
        raise _row_error(exc, where) from None
    return MeasureRecord(
        id=_required(row.id, where, "id"),
        contrat=(row.contrat or "").strip() or UNKNOWN_CONTRACT,
        labels=dict(row.labels),
        derives={k: v for k, v in row.derives.items() if v is None or isinstance(v, str | bool)},
        sans_texte=row.sans_texte,
        source=where,
        flags=_decision_flags(row.decisions),
    )


REVIEW_EVIDENCE = " — à vérifier"


def _evidence_flags(text: str) -> dict[str, str]:
    """The labels that are not sure, read from the French evidence text of a CSV or workbook
    row (one line per label: « Dimension › Catégorie : why [confiance 0,45] — à vérifier »),
    keyed « Dimension › Catégorie »."""
    flags: dict[str, str] = {}
    for line in text.splitlines():
        head, sep, why = line.partition(" : ")
        if not sep:
            continue
        if why.startswith(DEFAULT_EVIDENCE[2:]):
            flags[head.strip()] = FLAG_DEFAULT
        elif line.rstrip().endswith(REVIEW_EVIDENCE.strip()):
            flags[head.strip()] = FLAG_REVIEW
    return flags


def _decision_flags(decisions: dict[str, dict[str, dict[str, Any]]]) -> dict[str, str]:
    """The labels a categoriser JSONL row says are not sure (given by default, or marked
    « à vérifier »)."""
    flags: dict[str, str] = {}
    for dim, by_cat in decisions.items():
        for cat, why in by_cat.items():
            flag = decision_flag(why)
            if flag is not None:
                flags[f"{dim}.{cat}"] = flag
    return flags


def _unit_from_json(obj: dict[str, Any], where: str) -> InterviewUnit:
    try:
        row = UnitRow.read(obj, _UNIT_FIELDS, required=("codes",), lenient=("decisions",))
    except RowFieldError as exc:
        raise _row_error(exc, where) from None
    return InterviewUnit(
        id=_required(row.id, where, "id"),
        entretien=_required(row.entretien, where, "entretien"),
        variables={str(k): str(v) for k, v in row.variables.items() if v not in (None, "")},
        codes=list(row.codes),
        coded=row.code,
        source=where,
        to_check=[
            code
            for code in row.codes
            if isinstance(row.decisions.get(code), dict) and row.decisions[code].get("a_verifier")
        ],
    )


# --- CSV -----------------------------------------------------------------------------------


def _uncsv(value: str) -> str:
    """Undo the quote ``csv_safe`` put before formula-like text."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


def _read_csv(path: Path) -> tuple[Kind, list[MeasureRecord] | list[InterviewUnit]]:
    raw = path.read_bytes()
    if looks_binary(raw[:65536]) or (b"\x00" in raw and not stray_nuls(raw)):
        raise InputError(f"{path} : fichier binaire, ce n'est pas un CSV")
    if b"\x00" in raw:
        warn_stray_nuls(path)
        raw = raw.replace(b"\x00", b"")
    encoding = detect_encoding(raw[:65536])
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    # parsed from the text itself: a quoted cell keeps its line breaks (the evidence, one
    # line per label)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InputError(f"{path} : fichier vide ; aucune mesure ni unité d'entretien")
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0]]
    if "autres_colonnes" in header and "preuves" in header:
        return MEASURES.kind, _measures_from_csv(path, header, rows[1:])
    if {"entretien", "locuteur", "codes"} <= set(header):
        return INTERVIEWS.kind, _units_from_csv(path, header, rows[1:])
    if "intitule" in header or "texte" in header:
        raise InputError(
            f"{path} : ce tableau n'est pas encore catégorisé ou codé ; lancez d'abord "
            f"cloterres categoriser (mesures) ou cloterres coder (entretiens) et donnez leur sortie"
        )
    raise InputError(f"{path}, ligne 1 : en-têtes non reconnus : {_NOT_OURS}")


def _cell(row: list[str], index: int) -> str:
    return _uncsv(row[index].strip()) if index < len(row) else ""


def _measures_from_csv(path: Path, header: list[str], rows: list[list[str]]) -> list[MeasureRecord]:
    # label and derived columns lie between "autres_colonnes" and "preuves" (by position: the
    # dimension "public" has the same name as the measure field "public" before them)
    start, stop = header.index("autres_colonnes") + 1, header.index("preuves")
    if "id" not in header[:start]:
        raise InputError(f"{path}, ligne 1 : colonne « id » manquante : {_NOT_OURS}")
    i_id = header.index("id")
    i_contract = header.index("contrat") if "contrat" in header[:start] else None
    records: list[MeasureRecord] = []
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        labels = {
            header[i]: [v for v in _cell(row, i).split(LABEL_SEPARATOR) if v.strip()]
            for i in range(start, stop)
        }
        labels = {k: [v.strip() for v in vs] for k, vs in labels.items()}
        record_id = _cell(row, i_id)
        if not record_id:
            raise InputError(f"{path}, ligne {number} : identifiant vide (colonne « id »)")
        contract = _cell(row, i_contract) if i_contract is not None else ""
        records.append(
            MeasureRecord(
                id=record_id,
                contrat=contract or UNKNOWN_CONTRACT,
                labels=labels,
                sans_texte=not any(labels.values()),
                source=f"{path}, ligne {number}",
                flags=_evidence_flags(_cell(row, stop)),
            )
        )
    return records


def _units_from_csv(path: Path, header: list[str], rows: list[list[str]]) -> list[InterviewUnit]:
    # case variables lie between "entretien" and "locuteur"; the "enqueteur" right after
    # "locuteur" is the interviewer flag (the variable of the same name is the interviewer's name)
    i_interview, i_speaker = header.index("entretien"), header.index("locuteur")
    i_flag = i_speaker + 1 if header[i_speaker + 1 : i_speaker + 2] == ["enqueteur"] else None
    i_codes = header.index("codes")
    i_check = header.index("a_verifier") if "a_verifier" in header else None
    i_id = header.index("id") if "id" in header else None
    units: list[InterviewUnit] = []
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        where = f"{path}, ligne {number}"
        interview = _cell(row, i_interview)
        if not interview:
            raise InputError(f"{where} : entretien vide (colonne « entretien »)")
        variables = {
            header[i]: _cell(row, i) for i in range(i_interview + 1, i_speaker) if _cell(row, i)
        }
        units.append(
            InterviewUnit(
                id=_cell(row, i_id) if i_id is not None else f"{interview}-{number}",
                entretien=interview,
                variables=variables,
                codes=[c.strip() for c in _cell(row, i_codes).split(LABEL_SEPARATOR) if c.strip()],
                coded=i_flag is None or _cell(row, i_flag).lower() != "oui",
                source=where,
                to_check=[
                    c.strip()
                    for c in (_cell(row, i_check) if i_check is not None else "").split(
                        LABEL_SEPARATOR
                    )
                    if c.strip()
                ],
            )
        )
    return units


# --- XLSX (the study workbooks of categoriser and coder, possibly corrected by hand) ----------

SHEET_MEASURES = "Mesures"
SHEET_UNITS = "Unités codées"
WORKBOOK_SEPARATOR = ";"
CODES_HEADER = "Identifiants des codes"


def _read_xlsx(path: Path) -> tuple[Kind, list[MeasureRecord] | list[InterviewUnit]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(path, XLSX_LIMITS)  # bounded: no ZIP bomb or oversized member is opened
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise InputError(
            f"{path} : classeur illisible ou endommagé ; rouvrez-le dans Excel ou LibreOffice et "
            f"enregistrez-le au format .xlsx"
        ) from None
    try:
        if SHEET_MEASURES in wb.sheetnames:
            rows: list[tuple[object, ...]] = list(wb[SHEET_MEASURES].iter_rows(values_only=True))
            return MEASURES.kind, _measures_from_xlsx(path, rows)
        if SHEET_UNITS in wb.sheetnames:
            rows = list(wb[SHEET_UNITS].iter_rows(values_only=True))
            return INTERVIEWS.kind, _units_from_xlsx(path, rows)
    finally:
        wb.close()
    raise InputError(
        f"{path} : ni feuille « {SHEET_MEASURES} » ni feuille « {SHEET_UNITS} » : {_NOT_OURS}"
    )


def _value(row: tuple[object, ...], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    return str(row[index]).strip()


def _header(path: Path, sheet: str, rows: list[tuple[object, ...]], needed: list[str]) -> list[str]:
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
    missing = [n for n in needed if n not in header]
    if missing:
        raise InputError(
            f"{path}, feuille « {sheet} », ligne 1 : colonne « {missing[0]} » manquante ; ce "
            f"n'est pas un classeur écrit par cloterres"
        )
    return header


def _measures_from_xlsx(path: Path, rows: list[tuple[object, ...]]) -> list[MeasureRecord]:
    header = _header(path, SHEET_MEASURES, rows, ["Identifiant", "Contrat", "Remarque"])
    fixed = set(MEASURE_FIELDS.values()) | {"Source", "Remarque", ""}
    label_columns = [
        i
        for i, h in enumerate(header)
        if h not in fixed and not h.startswith(("Preuves", "À vérifier"))
    ]
    i_id, i_contract = header.index("Identifiant"), header.index("Contrat")
    i_remark = header.index("Remarque")
    i_evidence = next((i for i, h in enumerate(header) if h.startswith("Preuves")), None)
    records: list[MeasureRecord] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        where = f"{path}, feuille « {SHEET_MEASURES} », ligne {number}"
        record_id = _value(row, i_id)
        if not record_id:
            raise InputError(f"{where} : identifiant vide (colonne « Identifiant »)")
        labels = {
            header[i]: [v.strip() for v in _value(row, i).split(WORKBOOK_SEPARATOR) if v.strip()]
            for i in label_columns
        }
        records.append(
            MeasureRecord(
                id=record_id,
                contrat=_value(row, i_contract) or UNKNOWN_CONTRACT,
                labels=labels,
                sans_texte=_value(row, i_remark).startswith("Mesure sans texte"),
                source=where,
                flags=_evidence_flags(_value(row, i_evidence)),
            )
        )
    return records


def _units_from_xlsx(path: Path, rows: list[tuple[object, ...]]) -> list[InterviewUnit]:
    header = _header(path, SHEET_UNITS, rows, ["Unité", "Entretien", CODES_HEADER])
    variables = {label: key for key, label in CASE_VARIABLES.items() if label in header}
    i_unit, i_interview = header.index("Unité"), header.index("Entretien")
    # the variable "Enquêteur" (interviewer's name) comes before "Locuteur", the flag after it
    # (headed « Tour de l'enquêteur », or « Enquêteur » in workbooks of earlier versions)
    i_speaker = header.index("Locuteur") if "Locuteur" in header else 0
    i_flag = next(
        (
            i
            for i, h in enumerate(header)
            if h == INTERVIEWER_TURN or (h == "Enquêteur" and i > i_speaker)
        ),
        None,
    )
    i_codes = header.index(CODES_HEADER)
    i_text_codes = header.index("Codes") if "Codes" in header else None
    units: list[InterviewUnit] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        where = f"{path}, feuille « {SHEET_UNITS} », ligne {number}"
        interview = _value(row, i_interview)
        if not interview:
            raise InputError(f"{where} : entretien vide (colonne « Entretien »)")
        values = {
            key: _value(row, header.index(label))
            for label, key in variables.items()
            if header.index(label) < (i_speaker or len(header)) and _value(row, header.index(label))
        }
        codes = [c.strip() for c in _value(row, i_codes).split(LABEL_SEPARATOR) if c.strip()]
        shown = _value(row, i_text_codes).splitlines()
        units.append(
            InterviewUnit(
                id=_value(row, i_unit) or f"{interview}-{number}",
                entretien=interview,
                variables=values,
                codes=codes,
                coded=_value(row, i_flag).lower() != "oui"
                and _value(row, i_text_codes) != "(non codée)",
                source=where,
                # the « Codes » column shows the codes in the same order, « (à vérifier) » after
                # those of low confidence
                to_check=[
                    code
                    for code, text in zip(codes, shown, strict=False)
                    if text.rstrip().endswith("(à vérifier)")
                ],
            )
        )
    return units


def _derived_value(display: str) -> str | bool | None:
    """Inverse of ``derived_display``: « Oui » -> True, « Mixte » -> "mixte", "" -> None."""
    text = display.strip()
    if not text:
        return None
    if text.lower() == "oui":
        return True
    if text.lower() == "non":
        return False
    return text.lower().replace(" ", "_")

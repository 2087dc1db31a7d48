"""Write a review workbook (``cloterres revue exporter``).

Sheet « Revue »: one row per unit. Read-only columns: the unit (id, contract or interview,
text), and unless the export is blind, the tool's proposal (labels in French) and its evidence.
Editable columns: « Revu » (oui / empty), then per dimension either one list column of French
labels (single-label dimension) or one column per category taking a mark « x » (multi-label
dimension), grouped under a header row naming the dimension. Editable cells are prefilled with
the current proposal: this coder's latest labels where they already reviewed, otherwise the
machine's (blind export: this coder's own labels only, otherwise empty).

The sheet is protected without a password: only editable cells can be changed, rows and
columns cannot be inserted, deleted or sorted (filtering is allowed); the workbook structure is
locked so sheets cannot be renamed, moved or unhidden. The very hidden sheet « cloterres »
records the export's identity (see :mod:`cloterres.review.layout`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.engine.grid import Dimension, Grid
from cloterres.errors import InputError
from cloterres.frontends import FRONT_ENDS, front_end
from cloterres.io.display import display_path, french_date
from cloterres.io.excel import (
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    print_setup,
    put,
)
from cloterres.io.files import atomic_path, prepare_output
from cloterres.review.layout import (
    FIRST_ROW,
    HEADER_ROW,
    MARK,
    REVIEWED,
    SHEET_GUIDE,
    SHEET_LISTS,
    SHEET_META,
    SHEET_REVIEW,
    EditColumn,
    ReviewIdentity,
    canonical,
    row_checksum,
    sheet_checksum,
)
from cloterres.store import ENGINE_CODER, HUMAN, MACHINE, LabelState, Study, UnitView

CENTER = Alignment(horizontal="center", vertical="top")
EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
READ_FILL = PatternFill("solid", fgColor="F2F2F2")
GROUP_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="BFBFBF")
GROUP_BORDER = Border(left=Side(style="medium", color="1F4E78"))


@dataclass
class ExportReport:
    output: Path
    kind: str
    units: int
    blind: bool
    from_coder: int  # units prefilled with this coder's own earlier labels


def check_coder_name(coder: str) -> str:
    name = coder.strip()
    if not name:
        raise InputError("--codeur : donnez le nom du codeur (par exemple --codeur « Claire M. »)")
    if name.casefold() == ENGINE_CODER:
        raise InputError(
            f"--codeur : « {ENGINE_CODER} » est réservé à l'outil ; donnez le nom d'une personne"
        )
    if len(name) > 200:
        raise InputError("--codeur : nom trop long (200 caractères au plus)")
    return name


def study_kind(study: Study, kind: str | None) -> str:
    kinds = study.kinds()
    if kind is not None:
        if kind not in FRONT_ENDS:
            raise InputError(f"--type : « {kind} » inconnu ; choisissez {' ou '.join(FRONT_ENDS)}")
        if kind not in kinds:
            raise InputError(
                f"{study.name} : l'étude ne contient aucune unité de type « {kind} » codée par "
                f"l'outil ; lancez d'abord cloterres {front_end(kind).command}"
                f" ... --etude {study.name}"
            )
        return kind
    if not kinds:
        raise InputError(
            f"{study.name} : l'étude ne contient encore aucune unité codée ; lancez d'abord "
            f"cloterres categoriser ... --etude {study.name} (ou cloterres coder ...)"
        )
    if len(kinds) > 1:
        raise InputError(
            f"{study.name} : l'étude contient des mesures et des entretiens ; précisez --type "
            f"mesures ou --type entretiens"
        )
    return kinds[0]


def by_unit(states: Iterable[LabelState]) -> dict[str, dict[str, LabelState]]:
    out: dict[str, dict[str, LabelState]] = {}
    for s in states:
        out.setdefault(s.unit, {})[s.dimension] = s
    return out


def evidence_text(grid: Grid, dim_id: str, state: LabelState) -> list[str]:
    """French lines telling why the machine applied each category of one dimension."""
    dim = grid.dimension(dim_id)
    lines = []
    for cat in state.categories:
        try:
            head = f"{dim.label} › {dim.category(cat).label}"
        except KeyError:
            head = f"{dim.label} › {cat}"
        why = (state.evidence or {}).get(cat) or {}
        origin = why.get("origine", "")
        spans = why.get("preuves") or []
        words = ", ".join(
            f"« {s.get('texte', '')} »" + (f" ({s['champ']})" if s.get("champ") else "")
            for s in spans
        )
        if origin == "implique":
            line = f"{head} : déduit de « {why.get('source', '')} »"
        elif origin == "defaut":
            line = f"{head} : par défaut (aucun indice dans le texte)"
        elif origin == "modele":
            line = f"{head} : modèle appris" + (
                f", mots les plus influents : {words}" if words else ""
            )
            if why.get("reference"):
                line += f" ; exemple de référence le plus proche : {why['reference']}"
        elif spans:
            suffix = " — d'après l'axe seulement" if origin == "contexte" else ""
            line = f"{head} : {words}{suffix}"
        else:
            line = head
        if isinstance(why.get("confiance"), int | float):
            line += f" [confiance {why['confiance']:.2f}]".replace(".", ",")
        if why.get("a_verifier"):
            line += " — à vérifier"
        lines.append(line)
    return lines


def needs_check(state: dict[str, LabelState]) -> bool:
    """A unit with a machine label to check by hand (default or low confidence)."""
    return any(
        isinstance(why, dict) and why.get("a_verifier")
        for s in state.values()
        for why in (s.evidence or {}).values()
    )


def labels_text(grid: Grid, labels: dict[str, list[str]]) -> str:
    lines = []
    for dim in grid.dimensions:
        cats = labels.get(dim.id)
        if cats is None:
            continue
        names = []
        for cat in cats:
            try:
                names.append(dim.category(cat).label)
            except KeyError:
                names.append(cat)
        lines.append(f"{dim.label} : {'; '.join(names) if names else '—'}")
    return "\n".join(lines)


def _unit_cells(kind: str, unit: UnitView) -> list[object]:
    cells = front_end(kind).review_cells
    return cells(unit.fields, unit.text) if cells is not None else []


def _select_units(
    study: Study,
    kind: str,
    machine: dict[str, dict[str, LabelState]],
    contracts: list[str] | None,
    interviews: list[str] | None,
    blind: bool,
) -> list[UnitView]:
    """The units the machine coded, filtered by contract or interview; the ones with a label to
    check first (unless the coder is blind to the machine)."""
    units = [u for u in study.units(kind) if u.key in machine]
    if contracts:
        wanted = {c.casefold().strip() for c in contracts}
        units = [u for u in units if str(u.fields.get("contrat", "")).casefold() in wanted]
    if interviews:
        wanted = {i.casefold().strip() for i in interviews}
        units = [u for u in units if str(u.fields.get("entretien", "")).casefold() in wanted]
    if not units:
        raise InputError(
            f"{study.name} : aucune unité ne correspond aux filtres donnés (--contrat, --entretien)"
        )
    if not blind:  # the labels to check by hand first (a blind coder must not see which)
        units.sort(key=lambda u: not needs_check(machine[u.key]))
    return units


def _prefill(
    units: list[UnitView],
    grid: Grid,
    machine: dict[str, dict[str, LabelState]],
    own: dict[str, dict[str, LabelState]],
    blind: bool,
) -> tuple[dict[str, dict[str, list[str]]], int]:
    """The labels each row starts with (the coder's own, else the machine's unless blind), and
    how many units the coder had already labelled."""
    prefill: dict[str, dict[str, list[str]]] = {}
    from_coder = 0
    for unit in units:
        mine = own.get(unit.key, {})
        from_coder += bool(mine)
        labels: dict[str, list[str]] = {}
        for dim in grid.dimensions:
            if dim.id in mine:
                labels[dim.id] = list(mine[dim.id].categories)
            elif not blind and dim.id in machine[unit.key]:
                labels[dim.id] = list(machine[unit.key][dim.id].categories)
            else:
                labels[dim.id] = []
        prefill[unit.key] = labels
    return prefill, from_coder


@dataclass
class _Columns:
    """The columns of the review sheet: what each edit column holds, the groups of the first
    row, the list validation of each single-choice dimension."""

    reviewed: int
    edits: list[EditColumn]
    single: dict[str, dict[str, str]]
    validations: dict[str, DataValidation]
    groups: list[tuple[int, int, str]]
    last: int


def _columns(ws: Worksheet, lists: Worksheet, grid: Grid, kind: str, blind: bool) -> _Columns:
    """Write the header row (unit, proposal, « Revu », one column per category of a multiple
    dimension or one per single dimension) and the lists of the single dimensions."""
    unit_headers = [("Identifiant", 14)] + [
        (label, width) for _, label, width in front_end(kind).review_columns
    ]
    proposal_headers = [] if blind else [("Propositions de l'outil", 40), ("Preuves", 50)]
    col = 1
    groups: list[tuple[int, int, str]] = []
    for text, width in unit_headers + proposal_headers:
        _header(ws, col, text, width)
        col += 1
    groups.append((1, len(unit_headers), "Unité (lecture seule)"))
    if proposal_headers:
        groups.append((len(unit_headers) + 1, col - 1, "Proposition de l'outil (lecture seule)"))
    reviewed_col = col
    _header(ws, col, "Revu", 8)
    groups.append((col, col, "Votre revue"))
    out = _Columns(reviewed_col, [], {}, {}, groups, col)
    col += 1
    list_col = 1
    for dim in grid.dimensions:
        first = col
        if dim.multiple:
            for cat in dim.categories:
                _header(ws, col, cat.label, 6, rotate=True)
                out.edits.append(
                    EditColumn(
                        index=col,
                        dimension=dim.id,
                        category=cat.id,
                        header=f"{dim.label} › {cat.label}",
                    )
                )
                col += 1
        else:
            _header(ws, col, dim.label, 30)
            out.edits.append(EditColumn(index=col, dimension=dim.id, header=dim.label))
            out.single[dim.id] = {c.label: c.id for c in dim.categories}
            out.validations[dim.id] = _single_list(lists, list_col, dim)
            list_col += 1
        groups.append((first, col - 1, dim.label))
    out.last = col - 1
    return out


def _single_list(lists: Worksheet, list_col: int, dim: Dimension) -> DataValidation:
    """The categories of a single-choice dimension in a column of the lists sheet, and the
    validation that offers them."""
    put(lists, 1, list_col, dim.label).font = Font(bold=True)
    for i, cat in enumerate(dim.categories, start=2):
        put(lists, i, list_col, cat.label)
    letter = get_column_letter(list_col)
    return DataValidation(
        type="list",
        formula1=f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(dim.categories) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Catégorie inconnue",
        error=f"Choisissez une seule catégorie de « {dim.label} » dans la liste.",
        promptTitle=dim.label[:32],
        prompt="Une seule catégorie : choisissez-la dans la liste.",
    )


def _group_row(ws: Worksheet, groups: list[tuple[int, int, str]]) -> None:
    """The first row: one merged title over each group of columns."""
    for first, last, text in groups:
        cell = put(ws, 1, first, text, wrap=True)
        cell.font = Font(bold=True)
        cell.fill = GROUP_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if last > first:
            ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
        for c in range(first, last + 1):
            ws.cell(row=1, column=c).border = Border(left=THIN, right=THIN, top=THIN)
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROW].height = 150


def _marks(ws: Worksheet, columns: _Columns) -> tuple[DataValidation, DataValidation]:
    """The validations of the « x » marks and of « Revu », added to the sheet with the lists."""
    mark_dv = DataValidation(
        type="list", formula1=f'"{MARK}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Marque invalide", error="Tapez x pour cocher cette catégorie, ou laissez vide.",
    )  # fmt: skip
    reviewed_dv = DataValidation(
        type="list", formula1=f'"{REVIEWED}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Valeur invalide", error="Tapez oui quand la ligne est revue, ou laissez vide.",
    )  # fmt: skip
    for dv in (mark_dv, reviewed_dv, *columns.validations.values()):
        ws.add_data_validation(dv)
    return mark_dv, reviewed_dv


def _proposal(grid: Grid, machine: dict[str, LabelState]) -> list[object]:
    """The machine's labels of a unit and their evidence (two read-only cells)."""
    proposal = {d: s.categories for d, s in machine.items()}
    evidence = "\n".join(
        line
        for dim in grid.dimensions
        if dim.id in machine
        for line in evidence_text(grid, dim.id, machine[dim.id])
    )
    return [labels_text(grid, proposal), evidence]


def _write_rows(
    ws: Worksheet,
    units: list[UnitView],
    kind: str,
    grid: Grid,
    columns: _Columns,
    machine: dict[str, dict[str, LabelState]],
    prefill: dict[str, dict[str, list[str]]],
    export: tuple[str, bool, Callable[[int], None] | None],
) -> list[list[str]]:
    """One row per unit: read-only cells, then the editable ones prefilled. Returns the rows of
    the hidden sheet (unit, prefilled labels, checksum). ``export`` is (id, blind, progress)."""
    export_id, blind, progress = export
    unlocked = Protection(locked=False)
    styles = _Styles()
    meta_rows: list[list[str]] = []
    for n, unit in enumerate(units):
        row = FIRST_ROW + n
        values: list[object] = [unit.key, *_unit_cells(kind, unit)]
        if not blind:
            values.extend(_proposal(grid, machine[unit.key]))
        for c, value in enumerate(values, start=1):
            cell = put(ws, row, c, value, wrap=c > 1)
            styles.apply(cell, ("read", c > 1, bool(cell.quotePrefix)), fill=READ_FILL)
        cell = cast(Cell, ws.cell(row=row, column=columns.reviewed))  # review rows hold no merge
        styles.apply(cell, ("reviewed",), fill=EDIT_FILL, protection=unlocked, alignment=CENTER)
        labels = prefill[unit.key]
        for ec in columns.edits:
            cell = cast(Cell, ws.cell(row=row, column=ec.index))
            cats = labels.get(ec.dimension, [])
            if ec.category is not None:
                if ec.category in cats:
                    cell.value = MARK
                styles.apply(cell, ("mark",), fill=EDIT_FILL, protection=unlocked, alignment=CENTER)
                continue
            if cats:
                cell = put(ws, row, ec.index, grid.label_of(ec.dimension, cats[0]), wrap=True)
            styles.apply(
                cell, ("single", bool(cell.quotePrefix)), fill=EDIT_FILL, protection=unlocked,
                alignment=WRAP,
            )  # fmt: skip
        prefilled = canonical(labels)
        meta_rows.append([unit.key, prefilled, row_checksum(export_id, unit.key, prefilled)])
        if progress is not None:
            progress(n + 1)
    return meta_rows


def _finish_sheet(
    ws: Worksheet, columns: _Columns, n_units: int, marks: tuple[DataValidation, DataValidation]
) -> None:
    """Validations over the rows, group borders, frozen panes, filter and sheet protection."""
    mark_dv, reviewed_dv = marks
    last_row = FIRST_ROW + n_units - 1
    reviewed_letter = get_column_letter(columns.reviewed)
    reviewed_dv.add(f"{reviewed_letter}{FIRST_ROW}:{reviewed_letter}{last_row}")
    for ec in columns.edits:
        letter = get_column_letter(ec.index)
        target = mark_dv if ec.category is not None else columns.validations[ec.dimension]
        target.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")
    for first, _, _ in columns.groups[1:]:
        for r in range(1, last_row + 1):
            ws.cell(row=r, column=first).border = GROUP_BORDER
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2).coordinate
    fit_row_heights(ws, FIRST_ROW, last_row)
    widths = [
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, columns.last + 1)
    ]
    print_setup(ws, header_row=HEADER_ROW, widths=widths, title_cols=1)
    ws.print_title_rows = f"1:{HEADER_ROW}"  # the group row and the headers on every page
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns.last)}{last_row}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering allowed (it hides rows, it does not move them)
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = True
    ws.protection.insertRows = True
    ws.protection.deleteRows = True


def export_review(
    study: Study,
    output: Path,
    *,
    coder: str,
    kind: str | None = None,
    contracts: list[str] | None = None,
    interviews: list[str] | None = None,
    blind: bool = False,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write a review workbook for ``coder`` of the units of ``study`` (see module docstring)."""
    coder = check_coder_name(coder)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"{output} : le classeur de revue s'écrit dans un fichier .xlsx")
    kind = study_kind(study, kind)
    sha = study.machine_grid_sha(kind)
    assert sha is not None
    grid, _ = study.grid(sha)
    machine = by_unit(study.current(kind, origin=MACHINE))
    own = by_unit(study.current(kind, origin=HUMAN, coder=coder))
    units = _select_units(study, kind, machine, contracts, interviews, blind)
    prepare_output(output, overwrite=overwrite)
    prefill, from_coder = _prefill(units, grid, machine, own, blind)

    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new workbook holds one worksheet
    ws.title = SHEET_REVIEW
    guide = wb.create_sheet(SHEET_GUIDE)
    lists = wb.create_sheet(SHEET_LISTS)
    meta = wb.create_sheet(SHEET_META)
    wb.move_sheet(guide, offset=-1)
    wb.active = 1

    columns = _columns(ws, lists, grid, kind, blind)
    _group_row(ws, columns.groups)
    marks = _marks(ws, columns)
    export_id = str(uuid.uuid4())
    meta_rows = _write_rows(
        ws, units, kind, grid, columns, machine, prefill, (export_id, blind, progress)
    )
    _finish_sheet(ws, columns, len(units), marks)

    identity = ReviewIdentity(
        study_id=study.study_id,
        study=study.name,
        coder=coder,
        kind=kind,
        grid_sha=sha,
        grid_id=f"{grid.id}@{grid.version}",
        base_round=study.last_round_number(),
        export_id=export_id,
        created_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        blind=blind,
        reviewed_column=columns.reviewed,
        dimensions={d.id: d.label for d in grid.dimensions},
        single=columns.single,
        units=len(units),
        versions={u.key: u.version for u in units if u.version is not None},
    )
    _meta_sheet(meta, identity, meta_rows, columns.edits)
    _guide_sheet(guide, identity, grid, len(units))
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    with atomic_path(output) as tmp:
        wb.save(tmp)
    return ExportReport(output, kind, len(units), blind, from_coder)


class _Styles:
    """Apply a combination of styles once, then copy its style array to other cells (openpyxl
    looks every style object up on each assignment, which dominates large exports)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[object, ...], StyleArray] = {}

    def apply(
        self,
        cell: Cell,
        key: tuple[object, ...],
        *,
        fill: PatternFill,
        protection: Protection | None = None,
        alignment: Alignment | None = None,
    ) -> None:
        cached = self._cache.get(key)
        if cached is not None:
            # StyleableObject's _style slot, undeclared in types-openpyxl
            cell._style = copy(cached)  # type: ignore[attr-defined]
            return
        cell.fill = fill
        if protection is not None:
            cell.protection = protection
        if alignment is not None:
            cell.alignment = alignment
        self._cache[key] = copy(cell._style)  # type: ignore[attr-defined]


def _header(ws: Worksheet, col: int, text: str, width: float, *, rotate: bool = False) -> None:
    cell = put(ws, HEADER_ROW, col, text, wrap=True)
    cell.fill = HEADER_FILL
    cell.font = HEADER_FONT
    cell.alignment = Alignment(
        wrap_text=True,
        vertical="bottom" if rotate else "center",
        horizontal="center",
        text_rotation=90 if rotate else 0,
    )
    ws.column_dimensions[get_column_letter(col)].width = width


def _meta_sheet(
    ws: Worksheet, identity: ReviewIdentity, rows: list[list[str]], columns: list[EditColumn]
) -> None:
    identity_json = identity.model_dump_json()
    column_json = [c.model_dump_json() for c in columns]
    put(ws, 1, 1, identity_json)
    put(ws, 1, 2, sheet_checksum(identity_json, rows, column_json))
    for i, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, i, c, value)
    for i, (column, text) in enumerate(zip(columns, column_json, strict=True), start=1):
        put(ws, i, 5, column.index)
        put(ws, i, 6, text)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _guide_sheet(ws: Worksheet, identity: ReviewIdentity, grid: Grid, n_units: int) -> None:
    ws.column_dimensions["A"].width = 110
    put(ws, 1, 1, "Revue du codage — consignes").font = TITLE_FONT
    lines: list[Any] = [
        f"Codeur : {identity.coder}",
        f"Étude : {display_path(identity.study)}",
        f"Grille : {grid.nom} ({identity.grid_id})",
        f"Unités à revoir : {n_units} ({identity.kind})",
        f"Classeur créé le {french_date(identity.created_at)}"
        + (
            " — revue à l'aveugle : les propositions de l'outil ne sont pas montrées"
            if identity.blind
            else ""
        ),
        "",
        "Comment revoir",
        "1. Dans la feuille « Revue », chaque ligne est une unité. Les colonnes grises se lisent "
        "seulement : l'unité, puis ce que l'outil propose et les mots qui l'ont décidé.",
        "2. Les colonnes jaunes se modifient. Pour une dimension à plusieurs catégories, chaque "
        "catégorie a sa colonne : tapez « x » pour la cocher, effacez le « x » pour la retirer.",
        "3. Pour une dimension à une seule catégorie, choisissez-la dans la liste déroulante "
        "(une seule valeur par cellule).",
        "4. Quand une ligne est revue, même sans rien changer, choisissez « oui » dans la colonne "
        "« Revu ». Une ligne modifiée compte comme revue.",
        "5. Les lignes ni modifiées ni marquées « oui » ne sont pas enregistrées : vous pouvez "
        "revoir une partie des unités seulement, et le reste plus tard.",
        "",
        "À ne pas faire",
        "- Ne déplacez, ne triez, ne copiez et ne supprimez pas de lignes (les filtres sont "
        "permis) ; ne modifiez pas les identifiants. La feuille est protégée sans mot de passe "
        "pour l'éviter ; ne retirez pas la protection.",
        "- Chaque classeur est au nom d'un codeur : ne remplissez pas celui d'un autre.",
        "",
        "Ensuite",
        f"Enregistrez le classeur, puis : cloterres revue importer FICHIER.xlsx --codeur "
        f'"{identity.coder}" --etude {identity.study}',
        "L'import vérifie chaque cellule et signale tous les problèmes à la fois (feuille, ligne, "
        "colonne) ; rien n'est enregistré tant qu'il en reste. Chaque import réussi devient une "
        "nouvelle manche de revue ; les propositions de l'outil et les revues précédentes restent "
        "dans l'historique de l'étude (cloterres revue historique ID).",
    ]
    for i, line in enumerate(lines, start=3):
        cell = put(ws, i, 1, line, wrap=True)
        cell.alignment = WRAP
        if line in ("Comment revoir", "À ne pas faire", "Ensuite"):
            cell.font = Font(bold=True, size=12)
    fit_row_heights(ws, 3, 2 + len(lines))
    print_setup(ws, header_row=None, widths=[110])

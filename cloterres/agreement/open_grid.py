"""The labels inputs hold, checked against a grid or made into one.

``accord`` compares coders on the categories of a grid. With ``--grille``, every label of every
input must be in it: the unknown ones are listed in one error (never a high agreement over units
where a coder used no code of the grid). Without ``--grille``, the default grid is used when
every label fits it; otherwise the categories seen in the inputs make the grid (an inductive
codebook, a coding scheme of a QDA tool), and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cloterres.engine.grid import Grid, identifier
from cloterres.engine.labels import Kind
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS, MEASURES
from cloterres.io.jsonl_read import iter_json_objects
from cloterres.io.rows import MeasureRow, RowFieldError, UnitRow
from cloterres.io.tables import normalize_header
from cloterres.plans.tables import csv_rows

#: Theme of the codes of a project that have no parent code, in a grid made from the inputs.
FLAT_THEME = "Codes"
#: Id of a grid made from the labels seen.
OBSERVED_GRID_ID = "categories-observees"


@dataclass(frozen=True)
class SeenLabel:
    where: str  # "fichier, ligne 3"
    dimension: str  # as written (a theme for interviews)
    value: str  # as written (the code alone for interviews)
    full: str  # as written in the input (for messages)
    project: bool = False  # a code path of a REFI-QDA project


def _json_labels(path: Path, kind: Kind) -> Iterator[SeenLabel]:
    """Labels of a JSONL file, read through its row model; a row whose labels cannot be read is
    passed over here (the labels reader reports it)."""
    model, fields = (
        (MeasureRow, ("labels",)) if kind == MEASURES.kind else (UnitRow, ("codes", "code"))
    )
    for line_no, obj in iter_json_objects(path, "donnez une sortie .jsonl"):
        where = f"{path}, ligne {line_no}"
        try:
            row = model.read(obj, fields)
        except RowFieldError:
            continue
        if isinstance(row, MeasureRow):
            for dim, values in row.labels.items():
                for value in values:
                    if value.strip():
                        yield SeenLabel(where, dim, value.strip(), f"{dim} : {value}")
        elif row.code:
            for code in row.codes:
                theme, _sep, name = code.partition(".")
                yield SeenLabel(where, theme, name, code)


def _csv_codes(path: Path) -> Iterator[SeenLabel]:
    column = None
    for line_no, cells in csv_rows(path):
        texts = [str(c).strip() for c in cells]
        if column is None:
            keys = [normalize_header(t) for t in texts]
            if "codes" not in keys:
                return
            column = keys.index("codes")
            continue
        cell = texts[column] if column < len(texts) else ""
        for code in (v.strip() for v in cell.split("|")):
            if code:
                theme, _sep, name = code.partition(".")
                yield SeenLabel(f"{path}, ligne {line_no}", theme, name, code)


def _qdpx_codes(path: Path) -> Iterator[SeenLabel]:
    from cloterres.interviews.transcripts import transcript_id
    from cloterres.io.qdpx.reader import read_qdpx

    project = read_qdpx(path, text_id=transcript_id)
    counted: dict[str, int] = {}
    for coding in project.codings:
        counted[coding.code] = counted.get(coding.code, 0) + 1
    for code in counted:
        parts = code.split(".")
        theme = parts[-2] if len(parts) >= 2 else FLAT_THEME
        yield SeenLabel(f"{path}, code « {code} »", theme, parts[-1], code, project=True)


def seen_labels(path: Path, kind: Kind) -> list[SeenLabel] | None:
    """Labels of one input, or None for inputs whose labels are read against a grid only
    (review workbooks, measure tables with one column per dimension)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return list(_json_labels(path, kind))
    if suffix in (".csv", ".tsv") and kind == INTERVIEWS.kind:
        return list(_csv_codes(path))
    if suffix == ".qdpx":
        return list(_qdpx_codes(path))
    return None


def unknown_labels(labels: list[SeenLabel], grid: Grid, kind: Kind) -> list[SeenLabel]:
    """Labels that name no category of ``grid`` (by id or label, ignoring case and accents)."""
    from cloterres.agreement.readers import _Categories
    from cloterres.engine.code_paths import map_code_path

    cats = _Categories(grid)
    unknown = []
    for label in labels:
        if label.project:
            if map_code_path(label.full, grid) is None:
                unknown.append(label)
            continue
        dim = cats.dimension(label.dimension) if label.dimension else None
        if dim is None or cats.category(dim, label.value) is None:
            unknown.append(label)
    return unknown


def unknown_error(unknown: list[SeenLabel], grid: Grid) -> InputError:
    firsts: dict[str, str] = {}
    for label in unknown:
        firsts.setdefault(label.full, label.where)
    listed = " ; ".join(f"« {full} » ({where})" for full, where in list(firsts.items())[:10])
    more = f" ; et {len(firsts) - 10} autre(s)" if len(firsts) > 10 else ""
    return InputError(
        f"{len(firsts)} étiquette(s) absente(s) de la grille {grid.id} : {listed}{more} ; "
        "corrigez-les, donnez la grille qui les contient avec --grille, ou omettez --grille pour "
        "comparer les catégories telles qu'elles apparaissent dans les fichiers"
    )


def grid_from_labels(labels: list[SeenLabel], kind: Kind, base: Grid | None = None) -> Grid:
    """A grid of the dimensions and categories seen, in order of appearance (ids from names,
    names as labels); with ``base``, that grid extended by ``labels`` (the ones it lacks)."""
    from cloterres.agreement.readers import _key

    data = base.model_dump() if base is not None else {"dimensions": []}
    dims_by_key: dict[str, dict[str, object]] = {}
    used_dims = {d["id"] for d in data["dimensions"]}
    for d in data["dimensions"]:
        dims_by_key[_key(d["id"])] = d
        dims_by_key.setdefault(_key(d["label"]), d)
    for label in labels:
        name = label.dimension or FLAT_THEME
        dim = dims_by_key.get(_key(name) or _key(FLAT_THEME))
        if dim is None:
            dim = {"id": identifier(name, used_dims, "c"), "label": name, "categories": []}
            data["dimensions"].append(dim)
            dims_by_key[_key(name) or _key(FLAT_THEME)] = dim
        categories = dim["categories"]
        assert isinstance(categories, list)
        value = label.value or label.full
        keys = {_key(c["id"]) for c in categories} | {_key(c["label"]) for c in categories}
        if _key(value) in keys or value in {c["id"] for c in categories}:
            continue
        used = {c["id"] for c in categories}
        categories.append({"id": identifier(value, used, "c"), "label": value})
    if not data["dimensions"]:
        raise InputError(
            "aucune étiquette dans les fichiers donnés et pas de grille : rien à comparer ; "
            "donnez la grille avec --grille"
        )
    if base is None:
        data.update(id=OBSERVED_GRID_ID, nom="Catégories observées dans les fichiers (sans grille)")
    else:
        data.update(
            id=OBSERVED_GRID_ID,
            nom=f"{base.nom}, et les catégories observées hors de la grille",
        )
    return Grid.model_validate(data)

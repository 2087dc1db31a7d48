"""Read coders' labels from every format the tool knows into :class:`CoderLabels`.

One reader per extension (``READERS``):

- ``.jsonl``: ``categoriser`` output or hand labels (``id`` + ``labels`` per dimension), or
  ``coder`` output (``id`` + ``codes``: ``theme.code``; units with ``"code": false``, the
  interviewer's turns, are skipped);
- ``.csv`` / ``.tsv``: ``categoriser`` output (``id`` and one column per dimension, category ids
  separated by ``|``) or ``coder`` output (``id``, ``codes``; rows with ``enqueteur = oui`` are
  skipped);
- ``.qdpx``: a REFI-QDA project, one coder per user who coded something, mapped onto the units
  ``coder`` would cut (:func:`cloterres.interviews.coding.map_codings`);
- ``.xlsx``: review workbooks written by ``cloterres revue exporter`` (the rows a coder changed
  or marked « Revu = oui »).

A unit present in a file was coded by that coder: an empty dimension means "no category", a
unit absent from the file is missing (not coded), never "no category".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloterres.engine.code_paths import map_code_path
from cloterres.engine.grid import Dimension, Grid
from cloterres.engine.labels import CoderLabels, Kind, UnitLabels
from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS, MEASURES, kind_of_row
from cloterres.io.jsonl_read import iter_json_objects
from cloterres.io.rows import MeasureRow, Row, RowFieldError, RowT, UnitRow
from cloterres.io.tables import normalize_header
from cloterres.plans.tables import csv_rows

LABEL_SUFFIXES = (".jsonl", ".csv", ".tsv", ".qdpx", ".xlsx", ".xlsm")
_CSV_SEPARATOR = "|"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass
class LabelFile:
    """What one input gave: one coder (a file of labels) or several (a project: one per user)."""

    path: Path
    kind: Kind
    coders: list[CoderLabels]
    notes: list[str] = field(default_factory=list)  # what was skipped or not mapped (French)
    locations: dict[str, str] = field(default_factory=dict)  # unit id -> "ligne 12"


# --- kind of an input ------------------------------------------------------------------------


_EXPECTED = "donnez une sortie .jsonl de cloterres categoriser ou cloterres coder"


def _first_json(path: Path) -> tuple[int, dict[str, object]] | None:
    for line_no, obj in iter_json_objects(path, _EXPECTED):
        return line_no, obj
    return None


def _header(path: Path) -> tuple[int, list[str]]:
    for line_no, cells in csv_rows(path):
        texts = [str(c).strip() for c in cells]
        if any(texts):
            return line_no, texts
    raise InputError(
        f"{path} : fichier vide ; il faut une ligne d'en-tête puis une ligne par unité"
    )


def detect_kind(path: Path) -> Kind:
    """Measures or interviews, from the file's extension and first object or header."""
    suffix = path.suffix.lower()
    if suffix == ".qdpx":
        return INTERVIEWS.kind
    if suffix in (".xlsx", ".xlsm"):
        return review_kind(path)
    if suffix == ".jsonl":
        first = _first_json(path)
        if first is None:
            raise InputError(f"{path} : fichier vide ; aucune unité à comparer")
        line_no, obj = first
        found = kind_of_row(obj)
        if found is not None:
            return found
        raise InputError(
            f"{path}, ligne {line_no} : ni « labels » (mesures) ni « codes » (entretiens) ; "
            f"donnez une sortie de cloterres categoriser ou cloterres coder"
        )
    if suffix in (".csv", ".tsv"):
        _line, headers = _header(path)
        coded = INTERVIEWS.labels_key in {normalize_header(h) for h in headers}
        return INTERVIEWS.kind if coded else MEASURES.kind
    raise InputError(
        f"{path} : extension « {suffix or '(aucune)'} » non reconnue ; donnez des étiquettes "
        f".jsonl ou .csv (sorties de categoriser ou coder), ou un projet REFI-QDA .qdpx"
    )


# --- review workbooks and studies (cloterres.review, cloterres.store) ---------------------------


def review_kind(path: Path) -> Kind:
    """Measures or interviews, for a review workbook (read from its hidden identity sheet)."""
    from cloterres.review.reader import read_review_identity

    return read_review_identity(path).kind


def read_review_labels(
    path: Path, grid: Grid, kind: Kind, name: str | None, unit: str
) -> LabelFile:
    """A review workbook filled by one coder: the rows they changed or marked « Revu = oui ».

    The coder is the one the workbook was exported for, unless ``--codeur`` names it."""
    from cloterres.review.reader import read_review, review_coder_labels

    data = read_review(path)
    coder = review_coder_labels(data)
    if name:
        coder = coder.model_copy(update={"coder": name})
    skipped = len(data.rows) - len(data.recorded())
    notes = []
    if skipped:
        notes.append(
            f"{path} : {skipped} ligne(s) ni modifiée(s) ni marquée(s) « Revu = oui » ne comptent "
            f"pas comme codées par {coder.coder}"
        )
    rows = {r.unit: f"ligne {r.row}" for r in data.rows}
    return LabelFile(
        path=path, kind=data.identity.kind, coders=[coder], notes=notes, locations=rows
    )


def study_kind(study: Path | str) -> Kind:
    """The kind of units a study holds; an error when it holds both (then give --type)."""
    from cloterres.store import Study

    store = Study(study, create=False)
    try:
        kinds = store.kinds()
    finally:
        store.close()
    if not kinds:
        raise InputError(f"{study} : l'étude ne contient encore aucune unité codée")
    if len(kinds) > 1:
        raise InputError(
            f"{study} : l'étude contient des mesures et des entretiens ; précisez lesquels "
            f"comparer avec --type mesures ou --type entretiens"
        )
    return kinds[0]


def read_study_coders(study: Path | str, coders: list[str], kind: Kind) -> list[CoderLabels]:
    """Coders recorded in a study: each human coder's latest labels, then the machine
    (``cloterres``); only those named in ``coders`` when given."""
    from cloterres.agreement.study_coders import study_coder_labels

    found = study_coder_labels(study, kind=kind)
    if coders:
        names = {c.coder for c in found}
        missing = [c for c in coders if c not in names]
        if missing:
            raise InputError(
                f"{study} : codeur(s) absent(s) de l'étude : {', '.join(missing)} ; codeurs "
                f"enregistrés : {', '.join(sorted(names)) or '(aucun)'}"
            )
        found = [c for c in found if c.coder in coders]
    return [c for c in found if c.units]


# --- categories --------------------------------------------------------------------------------


def _key(text: str) -> str:
    return _NON_ALNUM.sub(" ", fold(text)).strip()


class _Categories:
    """Category ids of a grid, found by id or by label (case- and accent-insensitive)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.dims = {d.id: d for d in grid.dimensions}
        self.dim_keys: dict[str, str] = {}
        for d in grid.dimensions:
            self.dim_keys.setdefault(_key(d.id), d.id)
            self.dim_keys.setdefault(_key(d.label), d.id)
        self.by_dim: dict[str, dict[str, str]] = {}
        for d in grid.dimensions:
            keys: dict[str, str] = {}
            for c in d.categories:
                keys.setdefault(c.id, c.id)
                keys.setdefault(_key(c.id), c.id)
                keys.setdefault(_key(c.label), c.id)
            self.by_dim[d.id] = keys

    def dimension(self, name: str) -> str | None:
        return name if name in self.dims else self.dim_keys.get(_key(name))

    def category(self, dim: str, value: str) -> str | None:
        keys = self.by_dim[dim]
        return keys.get(value) or keys.get(_key(value))


def _known(dim: Dimension) -> str:
    ids = [c.id for c in dim.categories]
    more = f", … ({len(ids)} en tout)" if len(ids) > 8 else ""
    return ", ".join(ids[:8]) + more


def _unknown_category(where: str, dim: Dimension, value: str, grid_name: str) -> InputError:
    return InputError(
        f"{where} : catégorie inconnue « {value} » dans la dimension « {dim.id} » de la grille "
        f"{grid_name} (catégories : {_known(dim)}) ; "
        f"corrigez l'étiquette ou donnez la bonne grille avec --grille"
    )


def _unknown_dimension(where: str, name: str, grid: Grid) -> InputError:
    return InputError(
        f"{where} : dimension inconnue « {name} » (grille {grid.id} : "
        f"{', '.join(d.id for d in grid.dimensions)}) ; corrigez le fichier ou donnez la bonne "
        f"grille avec --grille"
    )


def _check_measure_labels(
    raw: dict[str, list[str]], cats: _Categories, where: str
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, values in raw.items():
        dim = cats.dimension(name)
        if dim is None:
            raise _unknown_dimension(where, name, cats.grid)
        ids: list[str] = []
        for value in values:
            cat = cats.category(dim, value)
            if cat is None:
                raise _unknown_category(where, cats.dims[dim], value, cats.grid.id)
            if cat not in ids:
                ids.append(cat)
        out[dim] = ids
    return out


def _check_codes(codes: list[str], cats: _Categories, where: str) -> dict[str, list[str]]:
    """Interview codes ``theme.code`` of a coded unit: every theme of the grid is coded."""
    out: dict[str, list[str]] = {theme: [] for theme in cats.dims}
    for code in codes:
        theme, sep, name = str(code).partition(".")
        dim = cats.dimension(theme) if sep else None
        if dim is None:
            raise InputError(
                f"{where} : code inconnu « {code} » (attendu « thème.code », thèmes de la grille "
                f"{cats.grid.id} : {', '.join(out)}) ; corrigez le code ou donnez la bonne grille "
                f"avec --grille"
            )
        cat = cats.category(dim, name)
        if cat is None:
            raise _unknown_category(where, cats.dims[dim], name, cats.grid.id)
        full = f"{dim}.{cat}"
        if full not in out[dim]:
            out[dim].append(full)
    return out


class _Collector:
    """Units of one coder, refusing duplicate ids."""

    def __init__(self, path: Path, name: str, kind: Kind) -> None:
        self.path = path
        self.labels = CoderLabels(coder=name, kind=kind)
        self.locations: dict[str, str] = {}

    def add(self, uid: str, where: str, unit: UnitLabels) -> None:
        if uid in self.labels.units:
            raise InputError(
                f"{self.path}, {where} : identifiant « {uid} » en double (déjà {self.locations[uid]}) ; "
                f"l'accord compare les unités par identifiant, rendez-les uniques"
            )
        self.labels.units[uid] = unit
        self.locations[uid] = where


def _text(*parts: object) -> str | None:
    texts = [str(p).strip() for p in parts if isinstance(p, str) and p.strip()]
    return " — ".join(texts) or None


# --- JSONL ------------------------------------------------------------------------------------


def _read_jsonl(path: Path, grid: Grid, kind: Kind, name: str, unit: str) -> LabelFile:
    cats = _Categories(grid)
    out = _Collector(path, name, kind)
    skipped = 0
    for line_no, obj in iter_json_objects(path, _EXPECTED):
        where = f"{path}, ligne {line_no}"
        if kind == MEASURES.kind:
            uid = _jsonl_id(MeasureRow, obj, where)
            measure = _jsonl_row(MeasureRow, obj, where, ("labels", "intitule", "description"))
            labels = _check_measure_labels(measure.labels, cats, where)
            text = _text(measure.intitule, measure.description) or _text(obj.get("texte"))
        else:
            uid = _jsonl_id(UnitRow, obj, where)
            coded = _jsonl_row(UnitRow, obj, where, ("codes", "code", "texte"))
            if not coded.code:
                skipped += 1
                continue
            labels = _check_codes(coded.codes, cats, where)
            text = _text(coded.texte)
        out.add(uid, f"ligne {line_no}", UnitLabels(text=text, labels=labels))
    notes = []
    if skipped:
        notes.append(f"{skipped} tour(s) de l'enquêteur non codé(s) (« code » : false) ignoré(s)")
    return LabelFile(path, kind, [out.labels], notes, out.locations)


_TEXTS = ("intitule", "description", "texte")  # shown when present, never required


def _jsonl_row(model: type[RowT], obj: dict[str, Any], where: str, fields: tuple[str, ...]) -> RowT:
    """The labels (``labels`` or ``codes``, required) and texts of a JSONL row, validated by
    its row model, with the reader's French errors."""
    try:
        return model.read(obj, fields, required=fields[:1], lenient=_TEXTS)
    except RowFieldError as exc:
        if exc.field == "labels":
            raise InputError(
                f'{where} : « labels » attendu sous la forme {{"dimension": ["catégorie", ...]}}'
            ) from None
        raise InputError(f'{where} : « codes » attendu sous la forme ["thème.code", ...]') from None


def _jsonl_id(model: type[Row], obj: dict[str, Any], where: str) -> str:
    """The row's identifier (an error when it has none)."""
    try:
        uid = model.read(obj, ("id",)).id
    except RowFieldError:
        raise _no_id(where) from None
    if uid is None or uid.strip() == "":
        raise _no_id(where)
    return uid


def _no_id(where: str) -> InputError:
    return InputError(f"{where} : pas d'« id » ; chaque unité doit avoir un identifiant")


# --- CSV --------------------------------------------------------------------------------------


def _strip_safety(value: str) -> str:
    """Undo :func:`cloterres.io.safety.csv_safe` (a quote before formula-like text)."""
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return value[1:]
    return value


def _read_csv(path: Path, grid: Grid, kind: Kind, name: str, unit: str) -> LabelFile:
    cats = _Categories(grid)
    out = _Collector(path, name, kind)
    rows = csv_rows(path)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    dims: dict[str, int] = {}
    skipped = 0
    for line_no, cells in rows:
        texts = [_strip_safety(str(c).strip()) for c in cells]
        if not any(texts):
            continue
        if header is None:
            header = texts
            keys = [normalize_header(h) for h in header]
            for i, k in enumerate(keys):
                for field_name, aliases in (
                    ("id", ("id", "identifiant")),
                    ("codes", ("codes",)),
                    ("texte", ("texte", "text")),
                    ("intitule", ("intitule", "titre")),
                    ("description", ("description",)),
                    ("enqueteur", ("enqueteur", "tour de l enqueteur")),
                ):
                    if k in aliases and (field_name == "enqueteur" or field_name not in columns):
                        columns[field_name] = i  # coder's "enqueteur" (oui/non) is the last one
            if "id" not in columns:
                raise InputError(
                    f"{path}, ligne {line_no} : pas de colonne « id » ; chaque unité doit avoir "
                    f"un identifiant"
                )
            if kind == MEASURES.kind:
                # categoriser writes its label columns after "autres_colonnes" (a dimension may
                # share its name with a measure field, such as "public")
                first = keys.index("autres colonnes") + 1 if "autres colonnes" in keys else 0
                for i in range(first, len(header)):
                    dim = cats.dimension(header[i]) if header[i] else None
                    if dim is not None:
                        dims[dim] = i  # the last column of that name wins
                if not dims:
                    raise InputError(
                        f"{path}, ligne {line_no} : aucune colonne de dimension de la grille "
                        f"{grid.id} ({', '.join(d.id for d in grid.dimensions)}) ; donnez une "
                        f"sortie .csv de cloterres categoriser"
                    )
            continue

        def cell(i: int | None, texts: list[str] = texts) -> str:
            return texts[i] if i is not None and i < len(texts) else ""

        where = f"{path}, ligne {line_no}"
        uid = cell(columns["id"])
        if not uid:
            raise InputError(f"{where} : « id » vide ; chaque unité doit avoir un identifiant")
        if kind == MEASURES.kind:
            raw = {
                dim: [v.strip() for v in cell(i).split(_CSV_SEPARATOR) if v.strip()]
                for dim, i in dims.items()
            }
            labels = _check_measure_labels(raw, cats, where)
            text = _text(cell(columns.get("intitule")), cell(columns.get("description")))
            text = text or _text(cell(columns.get("texte")))
        else:
            if fold(cell(columns.get("enqueteur"))) == "oui":
                skipped += 1
                continue
            codes = [v.strip() for v in cell(columns["codes"]).split(_CSV_SEPARATOR) if v.strip()]
            labels = _check_codes(codes, cats, where)
            text = _text(cell(columns.get("texte")))
        out.add(uid, f"ligne {line_no}", UnitLabels(text=text, labels=labels))
    notes = []
    if skipped:
        notes.append(f"{skipped} tour(s) de l'enquêteur (enqueteur = oui) ignoré(s)")
    return LabelFile(path, kind, [out.labels], notes, out.locations)


# --- REFI-QDA ---------------------------------------------------------------------------------


def _read_qdpx(path: Path, grid: Grid, kind: Kind, name: str, unit: str) -> LabelFile:
    from cloterres.interviews.coding import map_codings, project_interviews
    from cloterres.interviews.segmentation import segment, unit_kind
    from cloterres.interviews.transcripts import transcript_id
    from cloterres.io.qdpx.reader import read_qdpx

    unit_name = unit_kind(unit)
    project = read_qdpx(path, text_id=transcript_id)
    interviews = project_interviews(path, project)
    mapping = {p: map_code_path(p, grid) for p in {c.code for c in project.codings}}
    unmapped: dict[str, int] = {}
    for coding in project.codings:
        if mapping[coding.code] is None:
            unmapped[coding.code] = unmapped.get(coding.code, 0) + 1
    users: list[str] = []
    for coding in project.codings:
        if coding.coder not in users:
            users.append(coding.coder)
    by_source: dict[str, list] = {}
    for coding in project.codings:
        by_source.setdefault(coding.source_id, []).append(coding)
    segments = [s for i in interviews for s in segment(i, unit_name)]
    interviewer = sum(1 for s in segments if s.interviewer)
    themes = [d.id for d in grid.dimensions]
    coders = []
    locations: dict[str, str] = {}
    reached: set[int] = set()  # id() of the codings that count for some unit
    for user in users:
        coded_sources = {c.source_id for c in project.codings if c.coder == user}
        labels = CoderLabels(coder=user, kind=INTERVIEWS.kind)
        for seg in segments:
            if seg.interviewer or seg.interview not in coded_sources:
                continue
            own = [c for c in by_source.get(seg.interview, []) if c.coder == user]
            codes = map_codings(seg, own, reached).get(user, [])
            unit_labels: dict[str, list[str]] = {t: [] for t in themes}
            for code in codes:
                target = mapping.get(code)
                if target is not None and target not in unit_labels[target.split(".", 1)[0]]:
                    unit_labels[target.split(".", 1)[0]].append(target)
            labels.units[seg.id] = UnitLabels(text=seg.text, labels=unit_labels)
            locations.setdefault(
                seg.id, f"« {seg.interview} », lignes {seg.line_start}-{seg.line_end}"
            )
        coders.append(labels)
    notes = [
        f"découpage en unités « {unit_name} » comme cloterres coder ; une personne compte pour "
        f"les entretiens où elle a codé au moins un passage"
    ]
    if interviewer:
        notes.append(f"{interviewer} unité(s) des tours de l'enquêteur ignorée(s)")
    lost = [c for c in project.codings if id(c) not in reached]
    if lost:
        first = " ; ".join(
            f"« {c.code} » de {c.coder} sur « {c.source_id} » ({c.start}-{c.end})" for c in lost[:5]
        )
        notes.append(
            f"{len(lost)} codage(s) sur {len(project.codings)} n'atteignent aucune unité "
            f"comparée (sélection trop courte, hors de la parole ou dans un tour de l'enquêteur) : "
            f"{first}" + (" ; …" if len(lost) > 5 else "")
        )
    if unmapped:
        listed = ", ".join(
            f"« {code} » ({n} codage{'s' if n > 1 else ''})" for code, n in sorted(unmapped.items())
        )
        notes.append(f"codes sans équivalent dans la grille {grid.id}, non comparés : {listed}")
    return LabelFile(path, INTERVIEWS.kind, coders, notes, locations)


READERS: dict[str, Callable[[Path, Grid, Kind, str, str], LabelFile]] = {
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".qdpx": _read_qdpx,
    ".xlsx": read_review_labels,
    ".xlsm": read_review_labels,
}


def read_labels(
    path: Path, grid: Grid, kind: Kind, *, name: str | None = None, unit: str = "phrase"
) -> LabelFile:
    """The coders of one input (name: the file's stem unless given; a project's users and a
    review workbook's coder keep their names)."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        detect_kind(path)  # raises with the list of readable formats
        raise InputError(f"{path} : format non lisible")  # pragma: no cover
    if path.suffix.lower() in (".xlsx", ".xlsm"):  # a review workbook knows its coder
        return read_review_labels(path, grid, kind, name, unit)
    return reader(path, grid, kind, name or path.stem, unit)

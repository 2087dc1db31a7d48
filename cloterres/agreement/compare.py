"""Compare two or more coders (the library function behind ``cloterres accord``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from cloterres.agreement import outputs
from cloterres.agreement.levels import NONE_VALUE, Comparison, Item, build_comparison
from cloterres.agreement.open_grid import (
    grid_from_labels,
    seen_labels,
    unknown_error,
    unknown_labels,
)
from cloterres.agreement.readers import (
    LabelFile,
    detect_kind,
    read_labels,
    read_study_coders,
    study_kind,
)
from cloterres.agreement.report import AgreementReport, InputSummary, Row
from cloterres.agreement.stats import (
    CHANCE_CORRECTED,
    DEFAULT_SEED,
    NOT_TWO,
    Agreement,
    agreements,
)
from cloterres.engine.grid import Grid, load_grid
from cloterres.engine.labels import CoderLabels, Kind
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS, MEASURES, front_end
from cloterres.io.display import french_date
from cloterres.io.files import check_input_files, prepare_output

OUTPUT_FORMATS = (".xlsx", ".csv", ".jsonl")
NEVER_USED = "catégorie appliquée par aucun codeur"
ALWAYS_USED = "catégorie appliquée à toutes les unités par tous les codeurs"
SETS_NOTE = (
    "plusieurs catégories par unité : l'accord observé porte sur l'ensemble exact des catégories ; "
    "les coefficients se lisent par catégorie"
)
NONE_NOTE = (
    f"une catégorie au plus par unité ; « {NONE_VALUE} » (aucune catégorie) compte comme une valeur"
)


def disagreements_path(output: Path) -> Path:
    """Where the disagreements go next to a ``.csv`` output."""
    return output.with_name(f"{output.stem}-desaccords.csv")


def _check_output(output: Path | None) -> None:
    if output is None:
        return
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(
            f"{output} : format de sortie « {suffix or '(aucune extension)'} » inconnu ; "
            f"utilisez .xlsx (classeur), .csv ou .jsonl"
        )


def _kinds(inputs: list[Path]) -> Kind:
    kinds = {path: detect_kind(path) for path in inputs}
    measures = [p for p, k in kinds.items() if k == MEASURES.kind]
    interviews = [p for p, k in kinds.items() if k == INTERVIEWS.kind]
    if measures and interviews:
        raise InputError(
            f"{measures[0]} porte sur des mesures et {interviews[0]} sur des entretiens ; "
            f"comparez des codages des mêmes unités (mesures entre elles, entretiens entre eux)"
        )
    return INTERVIEWS.kind if interviews else MEASURES.kind


def _assign_names(inputs: list[Path], names: list[str]) -> list[str | None]:
    """``--codeur`` names, in input order, for the files of one coder (not the projects); by
    position, so that the same file given twice gets each of its names."""
    files = [i for i, p in enumerate(inputs) if p.suffix.lower() != ".qdpx"]  # reviews count
    if names and len(names) != len(files):
        raise InputError(
            f"{len(names)} nom(s) donné(s) avec --codeur pour {len(files)} fichier(s) "
            f"d'étiquettes ; donnez un --codeur par fichier .jsonl / .csv, dans l'ordre (les "
            f"codeurs d'un projet .qdpx gardent leur nom d'utilisateur)"
        )
    assigned: list[str | None] = [None] * len(inputs)
    for index, name in zip(files, names, strict=False):
        if not name.strip():
            raise InputError("--codeur : nom vide ; donnez un nom à chaque codeur")
        assigned[index] = name.strip()
    return assigned


def _unique_names(files: list[LabelFile]) -> None:
    seen: dict[str, Path] = {}
    for f in files:
        for coder in f.coders:
            if coder.coder in seen:
                if f.path.suffix.lower() == ".qdpx":
                    coder.coder = f"{coder.coder} ({f.path.stem})"
                if coder.coder in seen:
                    raise InputError(
                        f"{f.path} : le codeur « {coder.coder} » porte le même nom que celui de "
                        f"{seen[coder.coder]} ; nommez les codeurs avec --codeur, un par fichier"
                    )
            seen[coder.coder] = f.path


def _check_overlap(files: list[LabelFile], coders: list[CoderLabels]) -> list[InputSummary]:
    owner = {id(c): f for f in files for c in f.coders}
    summaries = []
    for coder in coders:
        where = owner[id(coder)].path if id(coder) in owner else Path("(étude)")
        if not coder.units:
            raise InputError(
                f"{where} : le codeur « {coder.coder} » n'a codé aucune unité ; vérifiez le fichier"
            )
        others: set[str] = set()
        for other in coders:
            if other is not coder:
                others.update(other.units)
        shared = sum(1 for uid in coder.units if uid in others)
        if shared == 0:
            mine = ", ".join(f"« {u} »" for u in list(coder.units)[:3])
            theirs = ", ".join(f"« {u} »" for u in list(others)[:3])
            raise InputError(
                f"{where} : aucune unité en commun entre le codeur « {coder.coder} » ({mine}…) et "
                f"les autres ({theirs}…) ; comparez des codages des mêmes unités (mêmes "
                f"identifiants ; pour les entretiens, même découpage --unite)"
            )
        summaries.append(InputSummary(str(where), coder.coder, len(coder.units), shared))
    return summaries


def _category_label(grid: Grid, kind: Kind, dim: str, category: str) -> str:
    return grid.label_of(dim, front_end(kind).category(category))


def _row(item: Item, result: Agreement, grid: Grid, kind: Kind) -> Row:
    notes: list[str] = []
    if item.category is None:
        if not item.single:
            notes.append(SETS_NOTE)
            for name in CHANCE_CORRECTED:
                result.stats[name].value = None
                result.stats[name].ci_low = result.stats[name].ci_high = None
                result.stats[name].reason = None
        else:
            notes.append(NONE_NOTE)
    elif not item.used or item.always:
        reason = NEVER_USED if not item.used else ALWAYS_USED
        notes.append(reason)
        for name in CHANCE_CORRECTED:
            if result.stats[name].value is None and result.stats[name].reason != NOT_TWO:
                result.stats[name].reason = reason
    reasons = []
    for name in ("percent_agreement", *CHANCE_CORRECTED):
        est = result.stats[name]
        if est.value is None and est.reason and est.reason != NOT_TWO and est.reason not in reasons:
            reasons.append(est.reason)
    notes += [f"non défini : {r}" for r in reasons if r not in notes]
    return Row(
        dimension=item.dimension,
        category=item.category,
        dimension_label=grid.dimension(item.dimension).label,
        category_label=(
            _category_label(grid, kind, item.dimension, item.category) if item.category else None
        ),
        agreement=result,
        note=" ; ".join(notes),
        applied=item.applied,
    )


# 100,000 resamples already give confidence bounds stable to the third decimal; more only
# costs memory and time (1e8 took 8.7 GB).
MAX_BOOTSTRAP = 100_000


def compare(
    inputs: list[Path],
    output: Path | None = None,
    *,
    grid_path: Path | None = None,
    names: list[str] | None = None,
    unit: str = "phrase",
    study: str | Path | None = None,  # a SQLite file or a URL (postgresql://...)
    kind: Kind | None = None,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    overwrite: bool = False,
    command: str = "",
    progress: Callable[[int], None] | None = None,
) -> AgreementReport:
    """Read every coder, compute the agreement table and the disagreements, write ``output``
    (when given; a ``.csv`` output gets its disagreements in ``<name>-desaccords.csv``)."""
    started = time.perf_counter()
    _check_output(output)
    _check_bootstrap(n_boot, seed)
    if study is None or inputs:
        check_input_files(
            inputs,
            "aucun fichier d'étiquettes donné ; exemple : cloterres accord machine.jsonl "
            "humain.jsonl --sortie accord.xlsx",
        )
    if inputs:
        kind = _kinds(inputs)
    elif kind is None:
        kind = study_kind(study) if study is not None else MEASURES.kind
    grid_file = grid_path or front_end(kind).default_grid_path()
    grid, grid_notes = _comparison_grid(inputs, kind, load_grid(grid_file), grid_path is not None)
    extra = _prepare_outputs(output, overwrite, inputs)
    files, coders = _read_coders(inputs, grid, kind, names or [], unit, study)
    summaries = _check_overlap(files, coders)

    comparison = build_comparison(coders, grid)
    if not comparison.items:
        raise InputError(
            "aucune unité n'est codée par deux codeurs dans une même dimension ; rien à comparer"
        )
    results = agreements(
        [i.ratings for i in comparison.items], n_boot=n_boot, seed=seed, progress=progress
    )
    rows = [_row(i, r, grid, kind) for i, r in zip(comparison.items, results, strict=True)]
    report = AgreementReport(
        kind=kind,
        grid=grid,
        grid_path=Path(grid_file),
        coders=[c.coder for c in coders],
        inputs=summaries,
        rows=rows,
        comparison=comparison,
        notes=_notes(grid_notes, files, comparison, len(coders)),
        n_boot=n_boot,
        seed=seed,
        command=command,
        date=french_date(),
        unit=unit if any(p.suffix.lower() == ".qdpx" for p in inputs) else None,
        output=output,
        disagreements_output=extra,
    )
    if output is not None:
        outputs.write(report, output, extra)
    report.seconds = time.perf_counter() - started
    return report


def _check_bootstrap(n_boot: int, seed: int) -> None:
    """The bootstrap's number of resamples and seed are within bounds."""
    if not 0 <= n_boot <= MAX_BOOTSTRAP:
        raise InputError(
            f"--bootstrap : donnez un nombre de rééchantillonnages entre 0 et {MAX_BOOTSTRAP}"
        )
    if not 0 <= seed <= 2**32 - 1:
        raise InputError(f"--graine : donnez un nombre entier entre 0 et {2**32 - 1}")


def _comparison_grid(
    inputs: list[Path], kind: Kind, grid: Grid, given: bool
) -> tuple[Grid, list[str]]:
    """The grid the labels are compared on, and notes on how it was made: ``grid`` itself when
    every label is in it (an error for unknown labels when the grid was ``given``), else
    ``grid`` extended by the labels seen, or a grid of the labels seen alone."""
    grid_notes: list[str] = []
    seen = [seen_labels(p, kind) for p in inputs]
    labels = [label for found in seen if found is not None for label in found]
    unknown = unknown_labels(labels, grid, kind)
    if unknown and given:
        raise unknown_error(unknown, grid)
    if unknown:
        if any(found is None for found in seen):
            raise unknown_error(unknown, grid)  # a workbook or table needs the grid's columns
        base = grid
        if len(unknown) < len(labels):  # some labels are the grid's: extend it
            grid = grid_from_labels(unknown, kind, base)
            added = sorted({u.full for u in unknown})
            shown = ", ".join(f"« {a} »" for a in added[:10])
            more = f" et {len(added) - 10} autre(s)" if len(added) > 10 else ""
            grid_notes.append(
                f"sans --grille : étiquettes hors de la grille {base.id} comparées telles "
                f"qu'elles apparaissent dans les fichiers : {shown}{more}"
            )
        else:
            grid = grid_from_labels(labels, kind)
            n_cats = sum(len(d.categories) for d in grid.dimensions)
            grid_notes.append(
                f"sans --grille, et aucune étiquette de la grille {base.id} : les catégories "
                f"sont celles des fichiers ({len(grid.dimensions)} dimension(s), {n_cats} "
                f"catégorie(s))"
            )
    return grid, grid_notes


def _prepare_outputs(output: Path | None, overwrite: bool, inputs: list[Path]) -> Path | None:
    """Check the output (and the disagreements file of a .csv output, returned) can be
    written."""
    extra = None
    if output is not None:
        prepare_output(output, overwrite=overwrite, inputs=inputs)
        if output.suffix.lower() == ".csv":
            extra = disagreements_path(output)
            prepare_output(extra, overwrite=overwrite, inputs=inputs)
    return extra


def _read_coders(
    inputs: list[Path],
    grid: Grid,
    kind: Kind,
    names: list[str],
    unit: str,
    study: str | Path | None,
) -> tuple[list[LabelFile], list[CoderLabels]]:
    """The label files read, and every coder they and the study hold (at least two)."""
    assigned = _assign_names(inputs, names) if inputs else []
    files = [read_labels(p, grid, kind, name=assigned[i], unit=unit) for i, p in enumerate(inputs)]
    _unique_names(files)
    coders = [c for f in files for c in f.coders]
    if study is not None:
        coders += read_study_coders(study, [] if inputs else list(names), kind)
    if len(coders) < 2:
        raise InputError(
            "il faut au moins deux codeurs à comparer ; donnez deux fichiers d'étiquettes ou "
            "plus (ou un projet .qdpx codé par plusieurs personnes)"
        )
    return files, coders


def _notes(
    grid_notes: list[str], files: list[LabelFile], comparison: Comparison, n_coders: int
) -> list[str]:
    """What the report says about the grid, the inputs, the dimensions not compared and the
    kappa of Cohen."""
    notes = grid_notes + [f"{f.path} : {n}" for f in files for n in f.notes]
    if comparison.skipped_dimensions:
        notes.append(
            "dimension(s) codée(s) par moins de deux codeurs, non comparée(s) : "
            + ", ".join(comparison.skipped_dimensions)
        )
    if n_coders != 2:
        notes.append(
            f"kappa de Cohen non calculé : il ne compare que deux codeurs ({n_coders} ici)"
        )
    return notes

"""``cloterres grille`` (alias ``grid``): validate, show, try, export and import a grid."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, add_group, step, sub_app
from cloterres.cli.messages import error, out, warn
from cloterres.cli.options import GrilleOpt

FichierGrille = Annotated[
    Path | None,
    typer.Argument(
        help="Fichier de grille YAML (défaut : la grille des mesures livrée).", metavar="FICHIER"
    ),
]


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a grid is compiled and a few texts coded (many
    small objects, no cycles to free): a tenth faster; restored as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _loading(label: str) -> str:
    """The spinner's label: a quick command reads the model's compact cache in a fraction of a
    second; without it (first run, new versions) spaCy loads in several seconds and the cache is
    built for the next runs."""
    from cloterres.engine.nlp import quick_start_ready

    if quick_start_ready():
        return label
    return (
        "Chargement du modèle de langue (premier lancement : préparation d'un cache pour les "
        f"suivants, quelques secondes)… {label}"
    )


def valider(fichier: FichierGrille = None) -> None:
    """Vérifier une grille : structure, références, et codage de ses exemples."""
    from cloterres.engine.coding import Coder, check_examples
    from cloterres.engine.grid import GridError, default_grid_path, load_grid
    from cloterres.engine.nlp import get_text_model

    path = fichier or default_grid_path()
    try:
        with _no_cyclic_gc():
            grid = load_grid(path)
    except GridError as exc:
        for problem in exc.problems:
            error(problem)
        raise typer.Exit(2) from None
    n_cat = sum(len(d.categories) for d in grid.dimensions)
    n_terms = sum(len(c.inclure) + len(c.exclure) for d in grid.dimensions for c in d.categories)
    with step(_loading("Codage des exemples de la grille…")), _no_cyclic_gc():
        text = get_text_model(quick=True)
        problems = check_examples(grid, Coder(grid, learned=False, text=text))
    for problem in problems:
        warn(f"{path} : {problem}")
    n_examples = sum(
        len(c.exemples) + len(c.contre_exemples) for d in grid.dimensions for c in d.categories
    )
    out.print(
        f"Grille valide : {grid.nom} ({grid.id}, version {grid.version}) — "
        f"{len(grid.dimensions)} dimensions, {n_cat} catégories, {n_terms} termes, "
        f"{len(grid.derives)} attributs dérivés ; exemples : {n_examples - len(problems)}/{n_examples} "
        f"codés comme attendu",
        markup=False,
    )


def afficher(
    fichier: FichierGrille = None,
    dimension: Annotated[
        str | None,
        typer.Option(
            "--dimension", help="N'afficher que cette dimension (identifiant).", metavar="ID"
        ),
    ] = None,
) -> None:
    """Afficher une grille lisiblement : dimensions, catégories, définitions, termes."""
    from cloterres.engine.grid import default_grid_path, load_grid
    from cloterres.engine.grid_display import render_grid

    grid = load_grid(fichier or default_grid_path())
    out.print(render_grid(grid, dimension), markup=False)


def tester(
    texte: Annotated[
        str, typer.Argument(help="Texte d'une mesure à catégoriser.", metavar="TEXTE")
    ],
    grille: GrilleOpt = None,
) -> None:
    """Catégoriser un texte et montrer les mots qui ont déclenché chaque catégorie."""
    from cloterres.engine.coding import Coder
    from cloterres.engine.grid import default_grid_path, load_grid
    from cloterres.engine.nlp import get_text_model
    from cloterres.plans.records import evidence_display

    with _no_cyclic_gc():
        grid = load_grid(grille or default_grid_path())
    with step(_loading("Catégorisation…")), _no_cyclic_gc():
        result = Coder(grid, text=get_text_model(quick=True)).code({grid.champs_texte[0]: texte})
    out.print(evidence_display(grid, result) or "Aucune catégorie.", markup=False)


def exporter(
    fichier: FichierGrille = None,
    sortie: Annotated[
        Path,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Fichier .qdc (livre de codes REFI-QDA) à écrire.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = Path("grille.qdc"),
    ecraser: Annotated[
        bool, typer.Option("--ecraser", "--overwrite", help="Remplacer le fichier s'il existe.")
    ] = False,
) -> None:
    """Exporter une grille en livre de codes REFI-QDA (.qdc) pour NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from cloterres.engine.grid import default_grid_path, load_grid
    from cloterres.errors import InputError
    from cloterres.interviews.outputs import write_codebook
    from cloterres.io.files import prepare_output

    if sortie.suffix.lower() != ".qdc":
        raise InputError(f"{sortie} : le livre de codes s'écrit dans un fichier .qdc")
    grid = load_grid(fichier or default_grid_path())
    prepare_output(sortie, overwrite=ecraser)
    write_codebook(sortie, grid)
    out.print(f"Livre de codes écrit dans : {sortie}", markup=False)


def importer(
    fichier: Annotated[
        Path,
        typer.Argument(
            help="Livre de codes REFI-QDA (.qdc) ou projet (.qdpx) dont importer les codes.",
            metavar="FICHIER",
        ),
    ],
    sortie: Annotated[
        Path,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Grille YAML à écrire.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = Path("grille.yaml"),
    ecraser: Annotated[
        bool, typer.Option("--ecraser", "--overwrite", help="Remplacer le fichier s'il existe.")
    ] = False,
) -> None:
    """Importer le livre de codes d'un logiciel QDA (.qdc, .qdpx) comme grille YAML : thèmes →
    codes, descriptions comme définitions (sans termes : à écrire pour le codage automatique)."""
    from cloterres.engine.codebook_import import (
        CODEBOOK_SUFFIXES,
        load_codebook_grid,
        write_grid_yaml,
    )
    from cloterres.errors import InputError
    from cloterres.io.files import prepare_output

    if fichier.suffix.lower() not in CODEBOOK_SUFFIXES:
        raise InputError(
            f"{fichier} : donnez un livre de codes .qdc ou un projet .qdpx (extension "
            f"« {fichier.suffix or '(aucune)'} »)"
        )
    if sortie.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"{sortie} : la grille s'écrit dans un fichier .yaml")
    grid = load_codebook_grid(fichier)
    prepare_output(sortie, overwrite=ecraser, inputs=[fichier])
    write_grid_yaml(sortie, grid)
    n_cat = sum(len(d.categories) for d in grid.dimensions)
    out.print(
        f"Grille écrite dans : {sortie} ({len(grid.dimensions)} thème(s), {n_cat} code(s), sans "
        "termes : ajoutez-en sous « inclure » pour le codage automatique)",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    grille = sub_app("Valider, afficher et essayer une grille de catégorisation.")
    for name, alias, fn in (
        ("exporter", "export", exporter),
        ("importer", "import", importer),
        ("valider", "validate", valider),
        ("afficher", "show", afficher),
        ("tester", "try", tester),
    ):
        add_command(grille, name, alias, fn)
    add_group(app, "grille", "grid", grille)

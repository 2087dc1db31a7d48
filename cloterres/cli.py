"""The ``cloterres`` command: a thin typer app, each command calling one library function.

Commands and options are French, each with an English alias (hidden from the help).
User errors print one French line on stderr and exit with code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from cloterres import __version__
from cloterres.engine.nlp import ModelMissingError
from cloterres.errors import InputError, InputWarning
from cloterres.io.files import os_error_fr, visible_name

try:  # typer >= 0.20 ships its own copy of click: its exceptions are the ones raised
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]
from typer import exceptions as typer_exceptions

from cloterres.commands.common import (
    EcraserOpt,
    SilencieuxOpt,
    _FrenchGroup,
    add_command,
    err,
    out,
)
from cloterres.commands.common import command_line as _command_line
from cloterres.commands.common import with_progress as _with_progress
from cloterres.commands.revue import (
    CodeurFiabiliteOpt,
    EtudeFacultativeOpt,
    print_study_outcome,
)
from cloterres.commands.revue import (
    optional_study as _optional_study,
)

# typer >= 0.20 raises its own Exit/Abort (its vendored click has none); older typer, click's.
_EXIT = tuple({getattr(click_exceptions, "Exit", typer_exceptions.Exit), typer_exceptions.Exit})
_ABORT = tuple({getattr(click_exceptions, "Abort", typer_exceptions.Abort), typer_exceptions.Abort})

app = typer.Typer(
    name="cloterres",
    help="Catégoriser les mesures des contrats locaux de santé (CLS) et coder les entretiens.",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=_FrenchGroup,
)
grid_app = typer.Typer(
    help="Valider, afficher et essayer une grille de catégorisation.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=_FrenchGroup,
)
app.add_typer(grid_app, name="grille")
app.add_typer(grid_app, name="grid", hidden=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"cloterres {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Affiche la version et quitte.",
        ),
    ] = False,
) -> None:
    """Catégoriser les mesures des contrats locaux de santé (CLS) et coder les entretiens."""


# --- categoriser ---------------------------------------------------------------------------


SortieOpt = Annotated[
    Path,
    typer.Option(
        "--sortie",
        "--out",
        "-o",
        help="Fichier à écrire : .xlsx (classeur d'étude), .csv ou .jsonl.",
        dir_okay=False,
        metavar="FICHIER",
    ),
]
GrilleOpt = Annotated[
    Path | None,
    typer.Option(
        "--grille",
        "--grid",
        help="Fichier de grille YAML (défaut : grids/cloterres-mesures.yaml).",
        dir_okay=False,
        metavar="FICHIER",
    ),
]


def categoriser(
    entrees: Annotated[
        list[Path],
        typer.Argument(
            help="Plans d'action : documents .docx, .pdf, .txt, .md, ou tableaux .csv / .xlsx / .ods / .xls (une ligne par mesure).",
            metavar="ENTREE",
        ),
    ],
    sortie: SortieOpt,
    grille: GrilleOpt = None,
    etude: EtudeFacultativeOpt = None,
    codeur: CodeurFiabiliteOpt = None,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Catégoriser chaque mesure avec la grille CLoterreS et écrire le résultat."""
    from cloterres.plans.categorize import categorize

    command = _command_line()
    with _optional_study(etude, codeur, [sortie]) as study:
        report = _with_progress(
            "Catégorisation : {task.completed} mesures",
            silencieux,
            lambda progress: categorize(
                entrees, sortie, grid_path=grille, overwrite=ecraser, command=command,
                progress=progress, study=study, reliability_coder=codeur,
            ),
        )  # fmt: skip
    for warning in report.warnings[:20]:
        err.print(f"Attention : {warning}", markup=False)
    if len(report.warnings) > 20:
        err.print(
            f"Attention : {len(report.warnings) - 20} autre(s) avertissement(s) non affiché(s)"
        )
    if not silencieux:
        from cloterres.plans.report import report_lines

        for line in report_lines(report.imports):
            out.print(line, markup=False)
        rate = report.measures / report.seconds if report.seconds else 0.0
        speed = f", {rate:.0f} mesures/s" if report.measures >= 1000 else ""
        out.print(
            f"{report.measures} mesures catégorisées ({len(report.per_file)} fichier(s), "
            f"{report.without_text} sans texte) en {report.seconds:.1f} s{speed}",
            markup=False,
        )
        out.print(f"Résultat écrit dans : {report.output}", markup=False)
    print_study_outcome(report, silencieux)


add_command(app, "categoriser", "categorize", categoriser)


# --- coder --------------------------------------------------------------------------------


CoderSortieOpt = Annotated[
    Path,
    typer.Option(
        "--sortie", "--out", "-o",
        help="Fichier à écrire : .xlsx (classeur d'étude), .csv, .jsonl ou .qdpx (projet REFI-QDA).",
        dir_okay=False, metavar="FICHIER",
    ),
]  # fmt: skip
CoderGrilleOpt = Annotated[
    Path | None,
    typer.Option(
        "--grille", "--grid", help="Fichier de grille YAML (défaut : grids/entretiens-cls.yaml).",
        dir_okay=False, metavar="FICHIER",
    ),
]  # fmt: skip


def coder(
    entrees: Annotated[
        list[Path],
        typer.Argument(
            help="Transcriptions .txt, .md, .docx ou .vtt (Zoom, Teams), ou tableaux d'unités .csv / .xlsx / .ods / .xls (id, texte).",
            metavar="ENTREE",
        ),
    ],
    sortie: CoderSortieOpt,
    grille: CoderGrilleOpt = None,
    unite: Annotated[
        str,
        typer.Option(
            "--unite", "--unit", help="Unité de codage : phrase, tour, paragraphe ou ligne."
        ),
    ] = "phrase",
    pseudonymiser: Annotated[
        bool,
        typer.Option(
            "--pseudonymiser",
            "--pseudonymise",
            help="Remplacer les noms de personnes par des pseudonymes stables.",
        ),
    ] = False,
    noms: Annotated[
        Path | None,
        typer.Option(
            "--noms",
            "--names",
            help="Liste de noms à pseudonymiser (un par ligne), en plus de ceux repérés.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    lieux: Annotated[
        bool,
        typer.Option("--lieux", "--places", help="Pseudonymiser aussi les lieux ([Commune N])."),
    ] = False,
    organisations: Annotated[
        bool,
        typer.Option(
            "--organisations", "--organizations", help="Pseudonymiser aussi les organisations."
        ),
    ] = False,
    table: Annotated[
        Path | None,
        typer.Option(
            "--table-correspondance",
            "--mapping",
            help="Où écrire la table des pseudonymes (défaut : <sortie>-correspondances.csv), à conserver à part.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    coder_enqueteur: Annotated[
        bool,
        typer.Option(
            "--coder-enqueteur", "--code-interviewer", help="Coder aussi les tours de l'enquêteur."
        ),
    ] = False,
    etude: EtudeFacultativeOpt = None,
    codeur: CodeurFiabiliteOpt = None,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Coder des entretiens avec la grille d'analyse (implication, gouvernance, rôles, bénéfices, coûts...)."""
    from cloterres.interviews.coding import code_interviews

    command = _command_line()
    options = dict(
        grid_path=grille, unit=unite, overwrite=ecraser, pseudonymise=pseudonymiser,
        names_file=noms, places=lieux, organisations=organisations, table_path=table,
        code_interviewer=coder_enqueteur, command=command, reliability_coder=codeur,
    )  # fmt: skip
    with _optional_study(etude, codeur, [sortie, table]) as study:
        report = _with_progress(
            "Codage : {task.completed} unités",
            silencieux,
            lambda progress: code_interviews(
                entrees, sortie, progress=progress, study=study, **options
            ),
        )
    for warning in report.warnings[:20]:
        err.print(f"Attention : {warning}", markup=False)
    if not silencieux:
        out.print(
            f"{report.interviews} entretien(s), {report.units} unités "
            f"({report.coded} hors enquêteur, {report.with_codes} avec au moins un code), "
            f"en {report.seconds:.1f} s",
            markup=False,
        )
        out.print(f"Résultat écrit dans : {report.output}", markup=False)
        if report.correspondence:
            out.print(
                f"Table des pseudonymes (à conserver à part, hors des fichiers partagés) : "
                f"{report.correspondence}",
                markup=False,
            )
    print_study_outcome(report, silencieux)


add_command(app, "coder", "code", coder)


# --- grille --------------------------------------------------------------------------------

FichierGrille = Annotated[
    Path | None,
    typer.Argument(
        help="Fichier de grille YAML (défaut : la grille des mesures livrée).", metavar="FICHIER"
    ),
]


def valider(fichier: FichierGrille = None) -> None:
    """Vérifier une grille : structure, références, et codage de ses exemples."""
    from cloterres.engine.coding import Coder, check_examples
    from cloterres.engine.grid import GridError, default_grid_path, load_grid

    path = fichier or default_grid_path()
    try:
        grid = load_grid(path)
    except GridError as exc:
        for problem in exc.problems:
            err.print(f"Erreur : {problem}", markup=False)
        raise typer.Exit(2) from None
    n_cat = sum(len(d.categories) for d in grid.dimensions)
    n_terms = sum(len(c.inclure) + len(c.exclure) for d in grid.dimensions for c in d.categories)
    problems = check_examples(grid, Coder(grid, learned=False))
    for problem in problems:
        err.print(f"Attention : {path} : {problem}", markup=False)
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
        typer.Option("--dimension", help="N'afficher que cette dimension (identifiant)."),
    ] = None,
) -> None:
    """Afficher une grille lisiblement : dimensions, catégories, définitions, termes."""
    from cloterres.engine.grid import default_grid_path, load_grid
    from cloterres.engine.grid_display import render_grid

    grid = load_grid(fichier or default_grid_path())
    out.print(render_grid(grid, dimension), markup=False)


def tester(
    texte: Annotated[str, typer.Argument(help="Texte d'une mesure à catégoriser.")],
    grille: GrilleOpt = None,
) -> None:
    """Catégoriser un texte et montrer les mots qui ont déclenché chaque catégorie."""
    from cloterres.engine.coding import Coder
    from cloterres.engine.grid import default_grid_path, load_grid
    from cloterres.plans.records import evidence_display

    grid = load_grid(grille or default_grid_path())
    result = Coder(grid).code({grid.champs_texte[0]: texte})
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


for _name, _alias, _fn in (
    ("exporter", "export", exporter),
    ("importer", "import", importer),
    ("valider", "validate", valider),
    ("afficher", "show", afficher),
    ("tester", "try", tester),
):
    add_command(grid_app, _name, _alias, _fn)


# --- commands defined in their own modules (cloterres/commands/) ----------------------------
# Each module exposes register(app); add one line per module here.
from cloterres.commands import accord as _accord  # noqa: E402
from cloterres.commands import extraire as _extraire  # noqa: E402
from cloterres.commands import reseau as _reseau  # noqa: E402
from cloterres.commands import revue as _revue  # noqa: E402
from cloterres.commands import synthese as _synthese  # noqa: E402

_extraire.register(app)
_revue.register(app)
_accord.register(app)
_reseau.register(app)
_synthese.register(app)


# --- entry point ---------------------------------------------------------------------------


def _param_hint(exc: click_exceptions.BadParameter) -> str:
    param = exc.param
    if param is None:
        return str(exc.param_hint or "")
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        return " / ".join(opts)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()


def _usage_error_fr(exc: click_exceptions.UsageError) -> str:
    if isinstance(exc, click_exceptions.MissingParameter):
        hint = _param_hint(exc)
        kind = "option" if getattr(exc.param, "param_type_name", "") == "option" else "argument"
        return f"{kind} obligatoire manquant(e) : {hint}"
    if isinstance(exc, click_exceptions.NoSuchOption):
        text = f"option inconnue : {exc.option_name}"
        if exc.possibilities:
            text += f" (vouliez-vous dire {', '.join(sorted(exc.possibilities))} ?)"
        return text
    if isinstance(exc, click_exceptions.BadParameter):
        hint = _param_hint(exc)
        return f"valeur invalide pour {hint} : {exc.message}"
    message = exc.message
    if message.startswith("No such command") and "'" in message:
        return f"commande inconnue : {message.split(chr(39), 2)[1]}"
    if message.startswith("Got unexpected extra argument"):
        return "argument en trop : " + message.split("(", 1)[-1].rstrip(")")
    return message


_default_showwarning = warnings.showwarning


def _repeated_option(command: Any, args: list[str]) -> str | None:
    """The first option that takes one value and is given more than once (``--sortie a
    --sortie b`` would silently keep ``b``), or None. Duck-typed: typer may bring its own
    copy of click."""
    current = command
    for arg in args:  # follow the subcommands named on the line
        commands = getattr(current, "commands", None)
        if not arg.startswith("-") and isinstance(commands, dict) and arg in commands:
            current = commands[arg]
    for param in getattr(current, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        if param.multiple or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        names = [*param.opts, *param.secondary_opts]
        longs = [f"{n}=" for n in names if n.startswith("--")]
        given = [a for a in args if a in names or a.startswith(tuple(longs) or ("\0",))]
        if len(given) > 1:
            return str(param.opts[0])
    return None


def _silence_libraries() -> None:
    """Under ``-q``, only errors: no library warning (matplotlib's fonts and layout, openpyxl,
    numpy) reaches the terminal."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    os.environ["PYTHONWARNINGS"] = "ignore"  # worker processes too
    for name in ("matplotlib", "PIL", "fontTools", "pdfminer", "openpyxl"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _quiet_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An OS error while a half-written file is closed during garbage collection (a full
    disk: zipfile's ``ZipFile.__del__``) was already reported in French: say nothing more."""
    if isinstance(unraisable.exc_value, OSError):
        return
    sys.__unraisablehook__(unraisable)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Repairs of the input (:class:`InputWarning`) as one French « Attention » line."""
    if issubclass(category, InputWarning):
        err.print(f"Attention : {message}", markup=False)
        return
    _default_showwarning(message, category, filename, lineno, file, line)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the app and turns user errors into one line and exit code 2."""
    sys.unraisablehook = _quiet_unraisable
    warnings.showwarning = _show_warning
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    if {"-q", "--silencieux", "--quiet"} & set(args):
        _silence_libraries()
    repeated = _repeated_option(command, args[: args.index("--")] if "--" in args else args)
    if repeated is not None:
        err.print(
            f"Erreur : l'option {repeated} est donnée plusieurs fois alors qu'elle n'attend "
            f"qu'une valeur ; gardez-en une seule (aide : cloterres --help)",
            markup=False,
        )
        sys.exit(2)
    try:
        # Not standalone: click returns the code of a typer.Exit instead of exiting.
        result = command.main(args=args, prog_name="cloterres", standalone_mode=False)
    except InputError as exc:
        err.print(f"Erreur : {exc}", markup=False)
        sys.exit(2)
    except ModelMissingError as exc:
        err.print(f"Erreur : {exc}", markup=False)
        sys.exit(2)
    except click_exceptions.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx is not None else "cloterres"
        err.print(f"Erreur : {_usage_error_fr(exc)} (aide : {path} --help)", markup=False)
        sys.exit(2)
    except _EXIT as exc:
        sys.exit(exc.exit_code)
    except (*_ABORT, KeyboardInterrupt):
        err.print("Interrompu : aucun fichier de sortie n'a été écrit.", markup=False)
        sys.exit(130)
    except OSError as exc:
        where = f"{visible_name(exc.filename)} : " if exc.filename else ""
        err.print(f"Erreur : {where}{os_error_fr(exc)}", markup=False)
        sys.exit(2)
    except Exception as exc:  # a bug: one line, details on demand
        if os.environ.get("CLOTERRES_DEBUG"):
            raise
        err.print(
            f"Erreur interne inattendue ({type(exc).__name__} : {exc}) ; relancez avec "
            f"CLOTERRES_DEBUG=1 pour le détail et signalez-la",
            markup=False,
        )
        sys.exit(1)
    if isinstance(result, int) and not isinstance(result, bool) and result:
        if result == 130:  # Ctrl-C, turned into Exit(130) by click
            err.print("Interrompu : aucun fichier de sortie n'a été écrit.", markup=False)
        sys.exit(result)

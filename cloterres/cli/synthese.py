"""``cloterres synthese`` (alias ``summary``): summary workbook and coordinators' reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, command_line, input_files, with_progress
from cloterres.cli.messages import out
from cloterres.cli.options import EcraserOpt, SilencieuxOpt

SYNTHESIS_SUFFIXES = (".jsonl", ".csv", ".xlsx")  # what synthesis.readers.read_inputs reads


def synthese(
    entrees: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Mesures catégorisées (sortie .jsonl, .csv ou .xlsx de « cloterres categoriser ») "
            "et/ou entretiens codés (sortie .jsonl, .csv ou .xlsx de « cloterres coder ») ; "
            "facultatif avec --etude.",
            metavar="ENTREE",
        ),
    ] = None,
    sortie: Annotated[
        Path | None,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Classeur de synthèse .xlsx à écrire (comparaison des contrats, profil de chaque "
            "contrat, entretiens, graphiques).",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,  # fmt: skip
    rapport: Annotated[
        Path | None,
        typer.Option(
            "--rapport",
            "--report",
            help="Dossier où écrire une page de synthèse HTML par contrat (imprimable en PDF).",
            file_okay=False,
            metavar="DOSSIER",
        ),
    ] = None,  # fmt: skip
    grille: Annotated[
        list[Path] | None,
        typer.Option(
            "--grille",
            "--grid",
            help="Grille YAML qui a servi à catégoriser ou à coder (défaut : celles de l'étude, sinon les grilles livrées) ; "
            "peut être donnée deux fois (mesures et entretiens).",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,  # fmt: skip
    etude: Annotated[
        str | None,
        typer.Option(
            "--etude",
            "--study",
            help="Étude (fichier .sqlite) dont résumer les mesures et les entretiens : pour chaque "
            "unité et dimension, la dernière étiquette revue par une personne, sinon celle de "
            "l'outil.",
            metavar="FICHIER",
        ),
    ] = None,  # fmt: skip
    codeur: Annotated[
        str | None,
        typer.Option(
            "--codeur",
            "--coder",
            help="Avec --etude : ne retenir que les revues de ce codeur (défaut : tous).",
            metavar="NOM",
        ),
    ] = None,  # fmt: skip
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Synthèse par contrat : profil du plan d'action, comparaison des contrats, codes des entretiens par type d'acteur."""
    from cloterres.synthesis.run import synthesize

    entrees = input_files(
        list(entrees or []), SYNTHESIS_SUFFIXES, "résultat de categoriser ou coder", silencieux
    )
    from cloterres.synthesis.sentences import plural

    command = command_line()
    report = with_progress(
        "Synthèse en cours",
        silencieux,
        lambda _progress: synthesize(
            list(entrees or []), sortie, report_dir=rapport, grid_paths=grille or [],
            overwrite=ecraser, command=command, study=etude, study_coder=codeur,
        ),
    )  # fmt: skip
    if silencieux:
        return
    parts = []
    if report.measures:
        parts.append(
            f"{report.measures} {plural(report.measures, 'action')} de "
            f"{len(report.contracts)} {plural(len(report.contracts), 'contrat')}"
        )
    if report.units:
        parts.append(
            f"{report.interviews} {plural(report.interviews, 'entretien')} ({report.units} "
            f"{plural(report.units, 'unité codée', 'unités codées')})"
        )
    out.print(f"Synthèse de {' et '.join(parts) or 'rien'} en {report.seconds:.1f} s", markup=False)
    if report.study is not None:
        names = {
            "mesures": ("mesure", "mesures"),
            "entretiens": ("unité d'entretien", "unités d'entretien"),
        }
        for kind, (one, many) in names.items():
            counts = report.study.counts.get(kind)
            if counts is not None:
                out.print(
                    f"Étude {report.study.name} : {counts.units} {plural(counts.units, one, many)}, "
                    f"dont {counts.reviewed} avec des étiquettes revues par une personne",
                    markup=False,
                )
    if report.output is not None:
        out.print(f"Classeur écrit dans : {report.output}", markup=False)
    if report.report_dir is not None:
        out.print(
            f"{len(report.reports)} {plural(len(report.reports), 'rapport HTML écrit', 'rapports HTML écrits')} dans : {report.report_dir} "
            f"(ouvrez {report.report_dir / 'index.html'})",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    add_command(app, "synthese", "summary", synthese)

"""``cloterres reseau`` / ``network``: actor network analysis (homophily, brokers, pivots)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, command_line, input_files, with_progress
from cloterres.cli.messages import out, warn_all
from cloterres.cli.options import EcraserOpt, SilencieuxOpt


def _fmt(value: float | None, digits: int = 2) -> str:
    return "non défini" if value is None else f"{value:.{digits}f}".replace(".", ",")


def reseau(
    acteurs: Annotated[
        Path,
        typer.Argument(
            help="Tableau des acteurs .csv ou .xlsx (id, nom, milieu, autres attributs).",
            metavar="ACTEURS",
        ),
    ],
    liens: Annotated[
        list[Path],
        typer.Argument(
            help="Liens : tableau .csv / .xlsx (source, cible, type, poids), questionnaire en "
            "colonnes (« type | acteur »), ou unités d'entretien codées (.jsonl de « cloterres "
            "coder ») pour les co-mentions.",
            metavar="LIENS",
        ),
    ],
    sortie: Annotated[
        list[Path],
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Fichier(s) à écrire, option répétable : .xlsx, .jsonl, .gexf (Gephi), "
            ".graphml, .png.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ],
    attribut: Annotated[
        str,
        typer.Option(
            "--attribut",
            "--attribute",
            help="Colonne du tableau des acteurs qui définit les groupes.",
            metavar="COLONNE",
        ),
    ] = "milieu",
    symetrisation: Annotated[
        str,
        typer.Option(
            "--symetrisation",
            "--symmetrisation",
            help="Liens non orientés : union (un des deux acteurs déclare le lien) ou "
            "reciproque (les deux le déclarent).",
            metavar="union|reciproque",
        ),
    ] = "union",
    oriente: Annotated[
        list[str] | None,
        typer.Option(
            "--oriente",
            "--directed",
            help="Type de lien à traiter comme orienté (option répétable ; les autres sont "
            "non orientés, sauf « mention »).",
            metavar="TYPE",
        ),
    ] = None,
    non_repondants: Annotated[
        str,
        typer.Option(
            "--non-repondants",
            "--non-respondents",
            help="Liens des acteurs qui n'ont pas répondu : manquants (inconnus, les densités "
            "portent sur les paires observées) ou sans-liens (comptés comme absents).",
        ),
    ] = "manquants",
    pseudonymiser: Annotated[
        bool,
        typer.Option(
            "--pseudonymiser",
            "--pseudonymise",
            help="Remplacer les noms des acteurs par des pseudonymes stables dans toutes les "
            "sorties (table de correspondance écrite à part).",
        ),
    ] = False,
    table: Annotated[
        Path | None,
        typer.Option(
            "--table",
            help="Table de correspondance au format de « coder » : lue si elle existe (mêmes "
            "pseudonymes que les entretiens), sinon écrite ; la table complétée est écrite dans "
            "<sortie>-correspondances.csv.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    permutations: Annotated[
        int,
        typer.Option(
            "--permutations", help="Nombre de permutations des tests (QAP, E-I).", metavar="N"
        ),
    ] = 1000,
    graine: Annotated[
        int,
        typer.Option(
            "--graine", "--seed", help="Graine du hasard (permutations, dessin).", metavar="ENTIER"
        ),
    ] = 1,
    image: Annotated[
        Path | None,
        typer.Option(
            "--image",
            help="Image PNG du réseau (défaut : le nom de la première sortie en .png).",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Analyser le réseau des acteurs : densités, homophilie entre milieux, courtiers, pivots."""
    from cloterres.io.tables import TABLE_SUFFIXES
    from cloterres.network.run import run_network

    liens = input_files(
        liens, (*TABLE_SUFFIXES, ".jsonl"), "fichier de liens", silencieux, (acteurs,)
    )

    command = command_line()
    report = with_progress(
        "Analyse du réseau…",
        silencieux,
        lambda progress: run_network(
            acteurs, liens, sortie, image=image, attribute=attribut, rule=symetrisation,
            directed=oriente or [], permutations=permutations, seed=graine, overwrite=ecraser,
            command=command, progress=progress, non_respondents=non_repondants,
            pseudonymise=pseudonymiser, table=table,
        ),
    )  # fmt: skip
    warn_all(report.warnings, count_rest=True, rest_hint=" (voir la feuille Avertissements)")
    if silencieux:
        return
    analysis = report.analysis
    out.print(
        f"{len(analysis.actors)} acteurs, {len(analysis.groups)} groupe(s) "
        f"(« {analysis.attribute} »), {report.ties_read} liens lus, "
        f"{analysis.permutations} permutations, en {report.seconds:.1f} s",
        markup=False,
    )
    for result in analysis.layers:
        name = result.label
        p = result.qap.p_value
        out.print(
            f"  {name} : {result.layer.n_ties} liens, densité {_fmt(result.density.value, 3)}, "
            f"rapport des densités interne/entre {_fmt(result.density_ratio.value)}, "
            f"rapport de cotes {_fmt(result.odds_ratio.value)}, E-I "
            f"{_fmt(result.ei.network.value)} (attendu {_fmt(result.ei.network.expected)}), "
            f"QAP p = {_fmt(p, 3)}",
            markup=False,
        )
    picture = analysis.picture_layer
    pivots = "; ".join(analysis.actors[i].nom for i in picture.pivots) or "aucun"
    spanners = "; ".join(analysis.actors[i].nom for i in picture.spanners) or "aucun"
    out.print(f"Pivot : {pivots}", markup=False)
    out.print(f"Passeurs de frontières : {spanners}", markup=False)
    for path in report.outputs:
        if path.suffix.lower() == ".csv":
            out.print(
                f"Table des pseudonymes (à conserver à part, hors des fichiers partagés) : {path}",
                markup=False,
            )
        else:
            out.print(f"Résultat écrit dans : {path}", markup=False)


def register(app: typer.Typer) -> None:
    add_command(app, "reseau", "network", reseau)

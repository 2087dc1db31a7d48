"""``cloterres revue`` (alias ``review``): export a review workbook, import it as a new round,
show a study's rounds and one unit's history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, add_group, sub_app, with_progress
from cloterres.cli.messages import err, error, out, warn
from cloterres.cli.options import (
    DEFAULT_STUDY,
    CodeurOpt,
    EcraserOpt,
    EtudeOpt,
    SilencieuxOpt,
)
from cloterres.cli.study import open_etude


def exporter(
    codeur: CodeurOpt,
    sortie: Annotated[
        Path,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Classeur de revue .xlsx à écrire.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ],  # fmt: skip
    etude: EtudeOpt = DEFAULT_STUDY,
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="mesures ou entretiens (défaut : ce que contient l'étude).",
            metavar="TYPE",
        ),
    ] = None,  # fmt: skip
    contrat: Annotated[
        list[str] | None,
        typer.Option(
            "--contrat",
            "--contract",
            help="Seulement les mesures de ce contrat (répétable).",
            metavar="CONTRAT",
        ),
    ] = None,
    entretien: Annotated[
        list[str] | None,
        typer.Option(
            "--entretien",
            "--interview",
            help="Seulement les unités de cet entretien (répétable).",
            metavar="ENTRETIEN",
        ),
    ] = None,
    sans_propositions: Annotated[
        bool,
        typer.Option(
            "--sans-propositions",
            "--blind",
            help="Revue à l'aveugle : ni propositions ni preuves de l'outil, colonnes vides.",
        ),
    ] = False,  # fmt: skip
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Écrire un classeur Excel de revue : une ligne par unité, les propositions de l'outil et
    des colonnes à corriger."""
    from cloterres.review.export import export_review

    with open_etude(etude, create=False) as study:
        report = with_progress(
            "Classeur de revue : {task.completed} unités",
            silencieux,
            lambda progress: export_review(
                study, sortie, coder=codeur, kind=type_, contracts=contrat, interviews=entretien,
                blind=sans_propositions, overwrite=ecraser, progress=progress,
            ),
        )  # fmt: skip
    if not silencieux:
        mode = " (à l'aveugle)" if report.blind else ""
        again = (
            f", dont {report.from_coder} déjà revue(s) par ce codeur" if report.from_coder else ""
        )
        out.print(
            f"Classeur de revue{mode} écrit dans : {report.output} — {report.units} unité(s) "
            f"({report.kind}){again}",
            markup=False,
        )


def importer(
    fichier: Annotated[
        Path,
        typer.Argument(
            help="Classeur de revue .xlsx rempli, ou projet REFI-QDA .qdpx (une manche par "
            "utilisateur).",
            metavar="FICHIER",
        ),
    ],
    codeur: Annotated[
        str | None,
        typer.Option(
            "--codeur", "--coder", help="Nom du codeur qui revoit (classeur .xlsx).", metavar="NOM"
        ),
    ] = None,
    etude: EtudeOpt = DEFAULT_STUDY,
    version_vue: Annotated[
        bool,
        typer.Option(
            "--version-vue",
            "--seen-version",
            help="Si le texte d'une unité a changé depuis l'export, enregistrer les étiquettes "
            "sur la version que le codeur a vue (sinon l'import est refusé).",
        ),
    ] = False,
    correspondance: Annotated[
        Path | None,
        typer.Option(
            "--correspondance",
            "--mapping",
            help="Projet .qdpx : CSV « code du projet ; code de la grille (thème.code) » pour les "
            "codes sans équivalent dans la grille.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Vérifier un classeur de revue rempli et l'enregistrer comme nouvelle manche du codeur ; ou
    enregistrer les codages de chaque utilisateur d'un projet .qdpx comme sa manche."""
    from cloterres.errors import InputError
    from cloterres.io.display import french_date
    from cloterres.review.importer import import_review
    from cloterres.review.reader import ReviewError
    from cloterres.store.study import DuplicateRound, StaleUnits

    if fichier.suffix.lower() == ".qdpx":
        from cloterres.review.qdpx_import import import_qdpx_rounds

        with open_etude(etude, create=False) as study:
            try:
                qdpx_report = import_qdpx_rounds(study, fichier, correspondence=correspondance)
            except DuplicateRound as exc:
                message = str(exc).replace("ce classeur", "ce projet", 1)
                error(f"{fichier} : {message}")
                raise typer.Exit(2) from None
        for note in qdpx_report.notes:
            warn(f"{fichier} : {note}")
        if not qdpx_report.rounds:
            out.print(f"{fichier} : aucun codage d'une personne à enregistrer.", markup=False)
            return
        if not silencieux:
            for r in qdpx_report.rounds:
                out.print(
                    f"Manche {r.number} enregistrée pour « {r.coder} » le "
                    f"{french_date(r.created_at)} : {qdpx_report.units[r.coder]} unité(s), "
                    f"{r.changed} étiquette(s) différente(s) de l'outil.",
                    markup=False,
                )
        return
    if codeur is None:
        raise InputError("--codeur : donnez le nom du codeur qui a rempli le classeur")

    with open_etude(etude, create=False) as study:
        try:
            report = import_review(study, fichier, coder=codeur, record_seen=version_vue)
        except ReviewError as exc:
            for line in exc.lines():
                error(line)
            err.print(
                f"Rien n'a été importé : {len(exc.problems)} problème(s) à corriger dans le "
                f"classeur, puis relancez l'import.",
                markup=False,
            )
            raise typer.Exit(2) from None
        except (DuplicateRound, StaleUnits) as exc:
            error(f"{fichier} : {exc}")
            raise typer.Exit(2) from None
    if report.round is None:
        out.print(
            f"{fichier} : aucune ligne modifiée ni marquée « Revu = oui » ; rien n'a été "
            f"enregistré.",
            markup=False,
        )
        return
    if not silencieux:
        r = report.round
        out.print(
            f"Manche {r.number} enregistrée pour « {r.coder} » le {french_date(r.created_at)} : "
            f"{report.recorded} unité(s) ({report.edited} modifiée(s), "
            f"{report.reviewed_unchanged} revue(s) sans changement), {r.changed} étiquette(s) "
            f"différente(s) de l'outil ; {report.skipped} ligne(s) ni modifiée(s) ni marquée(s) "
            f"« Revu » non enregistrée(s).",
            markup=False,
        )


def etat(etude: EtudeOpt = DEFAULT_STUDY) -> None:
    """Montrer l'état d'une étude : unités, manches, codeurs."""
    from cloterres.store import HUMAN
    from cloterres.store.study import local_time

    with open_etude(etude, create=False) as study:
        info = study.info()
        rounds = study.rounds()
        kinds = study.kinds()
        created = info.get("created_at")
        try:
            when = local_time(dt.datetime.fromisoformat(str(created)))
        except ValueError:
            when = "?"
        out.print(f"Étude {etude} (format {study.schema_version}, créée le {when})", markup=False)
        for kind in kinds:
            units = study.units(kind)
            reviewed: dict[str, set[str]] = {}
            for s in study.current(kind, origin=HUMAN):
                reviewed.setdefault(s.coder, set()).add(s.unit)
            out.print(f"{kind} : {len(units)} unité(s)", markup=False)
            for coder, keys in reviewed.items():
                out.print(f"  revues par « {coder} » : {len(keys)} unité(s)", markup=False)
    if not rounds:
        out.print("Aucune manche enregistrée.", markup=False)
        return
    out.print("Manches :", markup=False)
    for r in rounds:
        who = "outil" if r.origin != HUMAN else "revue"
        out.print(
            f"  {r.number:>3}  {local_time(r.created_at)}  {who:<6} {r.coder:<20} {r.kind:<10} "
            f"{r.units} unité(s), {r.labels} étiquette(s)"
            + (f", {r.changed} différente(s) de l'outil" if r.origin == HUMAN else ""),
            markup=False,
        )


def historique(
    identifiant: Annotated[str, typer.Argument(help="Identifiant de l'unité.", metavar="ID")],
    etude: EtudeOpt = DEFAULT_STUDY,
) -> None:
    """Montrer tout l'historique des étiquettes d'une unité, de la plus ancienne à la plus récente."""
    from cloterres.store.study import local_time

    with open_etude(etude, create=False) as study:
        states = study.history(identifiant)
    for s in states:
        who = f"outil {s.engine_version}" if s.origin == "machine" else f"« {s.coder} »"
        flag = ""
        if s.changed is not None:
            flag = " (corrige l'outil)" if s.changed else " (confirme l'outil)"
        cats = ", ".join(s.categories) if s.categories else "(aucune)"
        out.print(
            f"{local_time(s.created_at)}  manche {s.round:>3}  {who}  {s.unit}  {s.dimension} : "
            f"{cats}{flag}",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    revue = sub_app("Revoir et corriger le codage dans Excel, et suivre l'historique d'une étude.")
    for name, alias, fn in (
        ("exporter", "export", exporter),
        ("importer", "import", importer),
        ("etat", "status", etat),
        ("historique", "history", historique),
    ):
        add_command(revue, name, alias, fn)
    add_group(app, "revue", "review", revue)

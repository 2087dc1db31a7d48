"""Build the small LibreOffice (.ods) and Excel 97-2003 (.xls) tables the tests read.

Usage (needs LibreOffice's ``soffice`` on PATH, e.g. ``apt-get install libreoffice-calc-nogui``):

    python tests/data/tableurs/build_tableurs.py

Each table is first written as .xlsx with openpyxl, then converted by LibreOffice headless into
``<name>.ods`` and ``<name>.xls`` next to this script, so the tests read files made by
LibreOffice itself. The .xlsx sources are not kept. All content is fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
DEMO = HERE.parents[2] / "corpora" / "demo" / "reseau"


def measures(wb: Workbook) -> None:
    notes = wb.active
    notes.title = "Consignes"
    notes.append(["Une ligne par action ; ne pas modifier les en-têtes."])
    plan = wb.create_sheet("Plan")
    plan.append(["CLS fictif de Val-Corbière – programme d'actions"])
    plan.append([])
    plan.append(["N°", "Axe stratégique", "Intitulé de l'action", "Porteur", "Partenaires",
                 "Public cible", "Budget", "Date de début"])  # fmt: skip
    plan.append(["1.1", "Axe 1 – Accès aux soins", "Ouvrir une maison de santé à Corbière",
                 "Commune de Val-Corbière", "ARS ; CPAM", "Habitants", 12000,
                 dt.date(2026, 1, 15)])  # fmt: skip
    plan.append(["1.2", "Axe 1 – Accès aux soins", "Recruter une coordinatrice de parcours",
                 "Maison de santé", "Hôpital de Lisle", "Patients âgés", 35000.5, None])  # fmt: skip
    plan.append([])
    plan.append(["2.1", "Axe 2 – Prévention", "Ateliers mémoire pour les aînés", "CCAS", "",
                 "Personnes de plus de 70 ans", None, dt.date(2027, 3, 1)])  # fmt: skip
    hidden = wb.create_sheet("Brouillon")
    hidden.append(["intitule", "porteur"])
    hidden.append(["Action abandonnée", "personne"])
    hidden.sheet_state = "hidden"


def units(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "Unités"
    ws.append(["id", "texte", "entretien", "locuteur", "milieu"])
    ws.append(
        [
            "U1",
            "On se réunit tous les mois avec la coordinatrice du CLS.",
            "E01",
            "Élue",
            "collectivité",
        ]
    )
    ws.append(["U2", "Le diagnostic partagé nous a pris du temps.", "E01", "Élue", "collectivité"])
    ws.append(["U3", "", "E02", "Médecin", "soins"])
    ws.append(
        [
            "U4",
            "Les financements restent incertains d'une année sur l'autre.",
            "E02",
            "Médecin",
            "soins",
        ]
    )


def from_csv(name: str):  # noqa: ANN201
    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.title = name
        with (DEMO / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh, delimiter=";"):
                ws.append([int(c) if c.isdigit() else c for c in row])

    return build


TABLES = {
    "mesures": measures,
    "unites": units,
    "acteurs": from_csv("acteurs"),
    "liens": from_csv("liens"),
}


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) introuvable : installez libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in TABLES.items():
            wb = Workbook()
            build(wb)
            source = Path(tmp) / f"{name}.xlsx"
            wb.save(source)
            for fmt, filt in (("ods", "ods"), ("xls", "xls:MS Excel 97")):
                subprocess.run(
                    [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                     "--convert-to", filt, "--outdir", tmp, str(source)],
                    check=True, capture_output=True, timeout=300,
                )  # fmt: skip
                shutil.move(str(Path(tmp) / f"{name}.{fmt}"), HERE / f"{name}.{fmt}")
                print(f"{name}.{fmt}")


if __name__ == "__main__":
    main()

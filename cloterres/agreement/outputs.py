"""Agreement outputs: the statistics table (xlsx, csv, jsonl) and the disagreements."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.agreement.levels import Disagreement
from cloterres.agreement.open_grid import OBSERVED_GRID_ID
from cloterres.agreement.report import AgreementReport, Row
from cloterres.agreement.stats import STATS
from cloterres.engine.grid import grid_hash
from cloterres.frontends import front_end
from cloterres.io.display import display_path
from cloterres.io.excel import PERCENT, TITLE_FONT, put, write_table
from cloterres.io.files import atomic_path
from cloterres.io.safety import csv_safe

STAT_LABELS = {
    "percent_agreement": "Accord observé",
    "cohen_kappa": "Kappa de Cohen",
    "fleiss_kappa": "Kappa de Fleiss",
    "krippendorff_alpha": "Alpha de Krippendorff",
    "gwet_ac1": "AC1 de Gwet",
}
COEFFICIENT = "0.000"
DIMENSION_FILL = PatternFill("solid", fgColor="DDEBF7")
WHOLE_DIMENSION = "(toute la dimension)"

METHOD = [
    (
        "Unités comparées",
        "L'union des unités de tous les codeurs. Une unité absente du fichier d'un codeur est "
        "une donnée manquante pour ce codeur (et non une absence de catégorie). « Unités "
        "comparées » compte les unités codées par au moins deux codeurs.",
        "",
    ),
    (
        "Niveau catégorie",
        "Pour chaque catégorie, chaque codeur dit présente (1) ou absente (0) sur chaque unité "
        "qu'il a codée dans la dimension : les statistiques portent sur cette variable binaire.",
        "",
    ),
    (
        "Niveau dimension",
        "Si chaque codeur donne au plus une catégorie de la dimension à chaque unité, la "
        "catégorie est une valeur nominale par unité et « aucune » (pas de catégorie) est une "
        "valeur à part entière ; toutes les statistiques sont calculées. Sinon, seul l'accord "
        "observé sur l'ensemble exact des catégories est donné ; les coefficients se lisent par "
        "catégorie.",
        "",
    ),
    (
        "Accord observé",
        "Part des paires de codeurs d'accord, moyennée sur les unités codées par au moins deux "
        "codeurs. Ne corrige pas l'accord dû au hasard : élevé pour une catégorie rare même si "
        "les codeurs ne s'accordent jamais quand elle est appliquée.",
        "Gwet K. L. (2014). Handbook of Inter-Rater Reliability, 4e éd. Advanced Analytics.",
    ),
    (
        "Kappa de Cohen",
        "Deux codeurs seulement, sur les unités codées par les deux : (po − pe) / (1 − pe), "
        "pe calculé avec la répartition propre à chaque codeur.",
        "Cohen J. (1960). A coefficient of agreement for nominal scales. Educational and "
        "Psychological Measurement, 20, 37-46.",
    ),
    (
        "Kappa de Fleiss",
        "Deux codeurs ou plus : (pa − pe) / (1 − pe), pe = somme des carrés des proportions "
        "moyennes de chaque valeur. Quand les unités n'ont pas toutes le même nombre de codeurs, "
        "forme généralisée de Gwet (les proportions sont moyennées sur les unités codées, y "
        "compris celles codées une seule fois ; pa sur les unités codées au moins deux fois).",
        "Fleiss J. L. (1971). Measuring nominal scale agreement among many raters. "
        "Psychological Bulletin, 76(5), 378-382 ; Gwet (2014), chap. 2.",
    ),
    (
        "Alpha de Krippendorff",
        "Version nominale, tout nombre de codeurs, valeurs manquantes admises : "
        "1 − désaccord observé / désaccord attendu, calculés sur la matrice des coïncidences "
        "des valeurs appariables (unités codées au moins deux fois). Seuils usuels : ≥ 0,800 "
        "fiable ; 0,667-0,800 conclusions provisoires.",
        "Krippendorff K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School "
        "for Communication, University of Pennsylvania ; Krippendorff (2019). Content Analysis, "
        "4e éd. SAGE.",
    ),
    (
        "AC1 de Gwet",
        "(pa − pe) / (1 − pe) avec pe = Σ πk (1 − πk) / (q − 1), q le nombre de valeurs "
        "possibles (2 pour une catégorie ; les catégories de la dimension plus « aucune » au "
        "niveau dimension). Moins sensible que les kappas aux catégories rares (paradoxe du "
        "kappa). Quand tous les codeurs donnent une même valeur, pe = 0 et l'AC1 vaut l'accord "
        "observé (il reste défini, contrairement aux kappas et à l'alpha).",
        "Gwet K. L. (2008). Computing inter-rater reliability and its variance in the presence "
        "of high agreement. British Journal of Mathematical and Statistical Psychology, 61, "
        "29-48 ; Gwet (2014).",
    ),
    (
        "Intervalles de confiance",
        "IC à 95 % par bootstrap percentile : les unités sont tirées avec remise (les mêmes "
        "tirages pour toutes les lignes), la statistique recalculée sur chaque tirage, les "
        "bornes sont les centiles 2,5 et 97,5. Donné quand la statistique est définie et "
        "calculable sur au moins la moitié des tirages (bornes sur ces tirages).",
        "Efron B., Tibshirani R. (1993). An Introduction to the Bootstrap. Chapman & Hall.",
    ),
    (
        "Valeurs non définies",
        "Une cellule vide signale une statistique non définie, jamais un zéro : aucune unité "
        "codée par deux codeurs, kappa de Cohen avec plus de deux codeurs, ou une seule valeur "
        "observée (catégorie appliquée par personne, ou partout) — l'accord attendu par hasard "
        "vaut alors 1 et les coefficients corrigés du hasard n'ont pas de sens. La colonne "
        "Remarque en donne la raison.",
        "",
    ),
]


def _value(x: float | None) -> float | None:
    return None if x is None else round(x, 10)


def row_json(row: Row) -> dict[str, Any]:
    """The JSONL object of a table line (exact keys of the output contract)."""
    stats = row.agreement.stats
    obj: dict[str, Any] = {
        "dimension": row.dimension,
        "category": row.category,
        "n_units": row.agreement.n_units,
    }
    for name in STATS:
        obj[name] = _value(stats[name].value)
    for name in STATS:
        obj[f"{name}_ci_low"] = _value(stats[name].ci_low)
        obj[f"{name}_ci_high"] = _value(stats[name].ci_high)
    return obj


def _applied(row: Row) -> str:
    return " ; ".join(f"{coder} : {n}" for coder, n in row.applied.items())


def write_jsonl(report: AgreementReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in report.rows:
            fh.write(json.dumps(row_json(row), ensure_ascii=False) + "\n")


def write_csv(report: AgreementReport, path: Path) -> None:
    """The table (UTF-8 with BOM, ``;``, decimal point; undefined = empty cell)."""
    keys = list(row_json(report.rows[0]))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(
            keys[:2]
            + ["dimension_libelle", "categorie_libelle"]
            + keys[2:]
            + ["applications", "remarque"]
        )
        for row in report.rows:
            obj = row_json(row)
            values = [obj[k] for k in keys]
            line = values[:2] + [row.dimension_label, row.category_label] + values[2:]
            line += [_applied(row), row.note]
            writer.writerow([csv_safe("" if v is None else v) for v in line])


def _labels_text(labels: list[str] | None, show: Any) -> str:
    if labels is None:
        return "(non codée)"
    if not labels:
        return "(aucune)"
    return show(labels)


def write_disagreements_csv(report: AgreementReport, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        # Coder names come from received files (user names in a .qdpx): protected too.
        writer.writerow([csv_safe(v) for v in ["unite", "dimension", "texte", *report.coders]])
        for d in report.comparison.disagreements:
            line = [d.unit, d.dimension, d.text or ""]
            line += [_labels_text(d.labels[c], " | ".join) for c in report.coders]
            writer.writerow([csv_safe(v) for v in line])


def _label_of(report: AgreementReport, dim: str, category: str) -> str:
    cat = front_end(report.kind).category(category)
    try:
        return report.grid.label_of(dim, cat)
    except KeyError:
        return category


def _disagreement_row(report: AgreementReport, d: Disagreement) -> list[object]:
    def show(labels: list[str]) -> str:
        return "\n".join(_label_of(report, d.dimension, c) for c in labels)

    return [
        d.unit,
        report.grid.dimension(d.dimension).label,
        d.text or "",
        *(_labels_text(d.labels[c], show) for c in report.coders),
    ]


def write_workbook(report: AgreementReport, path: Path) -> None:
    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new workbook holds one worksheet
    ws.title = "Accord"
    put(ws, 1, 1, f"Accord entre codeurs : {', '.join(report.coders)}").font = TITLE_FONT
    interval = (
        f"IC 95 % : bootstrap percentile sur les unités ({report.n_boot} tirages, graine "
        f"{report.seed})."
        if report.n_boot
        else "Sans intervalles de confiance (--bootstrap 0)."
    )
    put(
        ws, 2, 1,
        "Cellule vide : statistique non définie (la raison est dans la colonne Remarque). "
        + interval + " Méthode et références : feuille « Méthode ».",
    )  # fmt: skip
    headers = ["Dimension", "Catégorie", "Identifiant", "Unités comparées"]
    for name in STATS:
        headers += [STAT_LABELS[name], "IC bas", "IC haut"]
    headers += ["Unités où la catégorie est appliquée, par codeur", "Remarque"]
    rows = []
    for row in report.rows:
        stats = row.agreement.stats
        line: list[object] = [
            row.dimension_label,
            row.category_label or WHOLE_DIMENSION,
            row.category or row.dimension,
            row.agreement.n_units,
        ]
        for name in STATS:
            line += [stats[name].value, stats[name].ci_low, stats[name].ci_high]
        line += [_applied(row), row.note]
        rows.append(line)
    start = 4
    widths = [26, 40, 28, 11] + [11] * (3 * len(STATS)) + [30, 60]
    n_stat_cols = 3 * len(STATS)
    write_table(
        ws, headers, rows, widths=widths, wrap={2, 5 + n_stat_cols, 6 + n_stat_cols},
        start_row=start, freeze_col=2, hidden={3},
    )  # fmt: skip
    for r, row in enumerate(report.rows, start=start + 1):
        for col in range(5, 5 + n_stat_cols):
            cell = ws.cell(row=r, column=col)
            cell.number_format = PERCENT if col < 8 else COEFFICIENT
        if row.category is None:
            for col in range(1, len(headers) + 1):
                ws.cell(row=r, column=col).fill = DIMENSION_FILL
                ws.cell(row=r, column=col).font = Font(bold=True)

    sheet = wb.create_sheet("Désaccords")
    write_table(
        sheet,
        ["Unité", "Dimension", "Texte", *report.coders],
        [_disagreement_row(report, d) for d in report.comparison.disagreements],
        widths=[16, 24, 70, *([36] * len(report.coders))],
        wrap=set(range(3, 4 + len(report.coders))),
        freeze_col=1,
    )

    sheet = wb.create_sheet("Méthode")
    write_table(
        sheet, ["Élément", "Définition", "Référence"], METHOD, widths=[26, 90, 60], wrap={2, 3}
    )

    sheet = wb.create_sheet("À propos")
    grid = report.grid
    about: list[Sequence[object]] = [
        ["Outil", f"cloterres {report.tool_version}"],
        ["Date de création", report.date],
        ["Commande", report.command],
        ["Grille", f"{grid.nom} ({grid.id}, version {grid.version})"],
        *(
            [["Fichier de grille", "(aucun : catégories observées dans les fichiers)"]]
            if grid.id == OBSERVED_GRID_ID
            else [
                ["Fichier de grille", display_path(report.grid_path)],
                ["Empreinte SHA-256 de la grille", grid_hash(report.grid_path)],
            ]
        ),
        ["Unités", front_end(report.kind).nouns.units],
    ]
    if report.unit:
        about.append(["Découpage des projets .qdpx", report.unit])
    about += [
        ["Rééchantillonnages bootstrap", report.n_boot],
        ["Graine", report.seed],
        ["Unités en tout (union)", len(report.comparison.units)],
        ["Désaccords (unité × dimension)", len(report.comparison.disagreements)],
    ]
    for s in report.inputs:
        about.append(
            [
                f"Codeur « {s.coder} »",
                f"{display_path(s.path)} : {s.units} unités, dont {s.shared} codées aussi par un autre codeur",
            ]
        )
    about += [["Remarque", n] for n in report.notes]
    write_table(sheet, ["Élément", "Valeur"], about, widths=[34, 110], wrap={2})
    wb.save(path)


def write(report: AgreementReport, output: Path, disagreements: Path | None) -> None:
    """Write ``output`` by its extension; a ``.csv`` table gets its disagreements next to it."""
    suffix = output.suffix.lower()
    with atomic_path(output) as tmp:  # both files are complete before either is renamed
        if suffix == ".jsonl":
            write_jsonl(report, tmp)
        elif suffix == ".csv":
            write_csv(report, tmp)
        else:
            write_workbook(report, tmp)
        if disagreements is not None:
            with atomic_path(disagreements) as tmp_disagreements:
                write_disagreements_csv(report, tmp_disagreements)

"""Every reader of the tool, as the robustness suite sees it: one entry per reader.

To cover a new reader, add one ``Reader`` to ``READERS``: its name, the file extensions it
reads, the CLI command that reads such a file, the output extensions to try, and a function
returning a few valid seed files (bytes). The suite then throws hostile variants of the seeds
(random bytes, truncations, flipped bytes, hostile text, foreign files under its extension,
hostile ZIP members and XML for ZIP formats) at the command. All data here is fictional.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Small grids keep each CLI run fast: the suite tests the readers, not the grids.
MEASURES_GRID = """\
id: essai-robustesse
nom: Grille d'essai (fictive)
champs_texte: [intitule, description, public]
dimensions:
  - id: theme
    label: Thématique
    categories:
      - id: nutrition
        label: Nutrition
        inclure: [alimentation, nutrition, repas]
      - id: prevention
        label: Prévention
        inclure: [prévention, dépistage]
derives:
  - id: multi
    label: Multi-thématique
    type: nombre_min
    dimension: theme
    min: 2
"""

INTERVIEWS_GRID = """\
id: essai-entretiens
nom: Grille d'entretiens d'essai (fictive)
champs_texte: [texte]
dimensions:
  - id: couts
    label: Coûts perçus
    categories:
      - id: temps
        label: Temps et réunions
        inclure: [réunion, chronophage]
  - id: implication
    label: Implication
    categories:
      - id: entree
        label: Entrée dans le CLS
        inclure: [invité, sollicité]
"""


@dataclass(frozen=True)
class Reader:
    name: str
    extensions: tuple[str, ...]
    command: tuple[str, ...]  # CLI words before the input file
    seeds: Callable[[], list[bytes]]
    outputs: tuple[str, ...] = ()  # output extensions to try; () for commands without output
    grid: str = ""  # grid text given with --grille ("" when the command takes none)
    text: bool = False  # a text format: hostile strings are also inserted into its text
    zip_members: tuple[str, ...] = field(default=())  # XML members to poison (ZIP formats)


# --- seeds -----------------------------------------------------------------------------------


def measures_csv() -> list[bytes]:
    utf8 = (
        "id;contrat;axe;intitule;description;porteur;budget\n"
        "A1;CLS de Valbrune (fictif);Axe 1;Ateliers nutrition;Repas partagés au centre social;"
        "CCAS;1200\n"
        "A2;CLS de Valbrune (fictif);Axe 2;Dépistage;Journée de prévention;ARS;\n"
    )
    cp1252 = "N°,Intitulé,Public cible\n1,Prévention des chutes,Aînés\n2,Œuvre sociale,Tous\n"
    return [utf8.encode("utf-8"), cp1252.encode("cp1252"), ("\ufeff" + utf8).encode("utf-8")]


def _xlsx(rows: list[list[object]], title: str = "Plan") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measures_xlsx() -> list[bytes]:
    return [
        _xlsx(
            [
                ["Plan d'action du CLS de Valbrune (fictif)"],
                ["Identifiant", "Intitulé", "Description", "Public"],
                ["V-1", "Ateliers nutrition", "Repas partagés", "Familles"],
                ["V-2", "Dépistage", "Prévention bucco-dentaire", "Enfants"],
            ]
        )
    ]


TRANSCRIPT = (
    "---\nid: R01\nterritoire: CLS de Valbrune (fictif)\ntype_acteur: association\n---\n"
    "Enquêtrice : Comment êtes-vous entrés dans le CLS ?\n"
    "Coordinatrice : On a été invités par Mme Lestrade. Trop de réunions, c'est chronophage.\n"
    "Enquêtrice : Et ensuite ?\n"
    "Coordinatrice : Karim Tessier nous a sollicités.\n"
)


def transcripts_txt() -> list[bytes]:
    key_value = (
        "Entretien : R02\nType d'acteur : ARS\n\nQ : Votre rôle ?\n"
        "R : Le docteur Vernet nous a invités à une réunion.\n"
    )
    return [
        TRANSCRIPT.encode("utf-8"),
        key_value.replace("\n", "\r\n").encode("cp1252"),
        ("\ufeff" + TRANSCRIPT).encode("utf-8"),
    ]


def transcripts_docx() -> list[bytes]:
    import docx

    document = docx.Document()
    for line in TRANSCRIPT.split("---\n")[-1].splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return [buffer.getvalue()]


def units_csv() -> list[bytes]:
    return [
        "id;texte;entretien;locuteur;type d'acteur\n"
        "U1;On a été invités.;E1;Coordinatrice;ARS\n"
        "U2;Trop de réunions, c'est chronophage.;E1;Coordinatrice;ARS\n".encode()
    ]


def units_xlsx() -> list[bytes]:
    return [
        _xlsx(
            [
                ["id", "texte", "entretien"],
                ["U1", "On a été invités.", "E1"],
                ["U2", "Trop de réunions.", "E2"],
            ],
            "Unités",
        )
    ]


def qdpx_projects() -> list[bytes]:
    import tempfile

    from cloterres.io.qdpx import QdaCode, QdaCoding, QdaProject, QdaSource, write_qdpx

    text = "Q : Votre rôle ?\nR : On a été invités à une réunion par Mme Lestrade.\n"
    project = QdaProject(
        name="Projet fictif",
        codes=[QdaCode("couts", "Coûts"), QdaCode("couts.temps", "Temps", parent="couts")],
        sources=[QdaSource("S1", "S1-fictif", text, {"type_acteur": "ARS"})],
        codings=[QdaCoding("S1", 17, 50, "couts.temps", "Camille Fictive")],
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.qdpx"
        write_qdpx(path, project)
        return [path.read_bytes()]


def grids_yaml() -> list[bytes]:
    return [MEASURES_GRID.encode("utf-8"), INTERVIEWS_GRID.encode("utf-8")]


ROOT = Path(__file__).resolve().parents[2]
DEMO_PLANS = ROOT / "corpora" / "demo" / "plans"
DEMO_NETWORK = ROOT / "corpora" / "demo" / "reseau"


def plan_docx() -> list[bytes]:
    return [p.read_bytes() for p in sorted(DEMO_PLANS.glob("*.docx"))]


def plan_pdf() -> list[bytes]:
    return [p.read_bytes() for p in sorted(DEMO_PLANS.glob("*.pdf"))]


def plan_text() -> list[bytes]:
    text = (
        "Plan d'action du CLS de Valbrune (fictif)\n\n"
        "Axe 1 – Bien manger\n\n"
        "Fiche action n° 1.1 : Ateliers nutrition\n"
        "Porteur : CCAS de Valbrune\n"
        "Partenaires : centre social, diététicienne\n"
        "Public cible : familles\n"
        "Description : repas partagés et ateliers cuisine au centre social.\n\n"
        "Fiche action n° 1.2 : Dépistage des troubles visuels\n"
        "Porteur : ARS\n"
        "Public cible : enfants de maternelle\n"
    )
    return [text.encode("utf-8"), text.encode("cp1252")]


def categorised_jsonl() -> list[bytes]:
    """Outputs of ``categoriser`` (the small grid) on the CSV seeds, for ``synthese``."""
    import tempfile

    from cloterres.plans.categorize import categorize

    out = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        grid = folder / "grille.yaml"
        grid.write_text(MEASURES_GRID, encoding="utf-8")
        for index, content in enumerate(measures_csv()[:2]):
            source = folder / f"plan{index}.csv"
            source.write_bytes(content)
            target = folder / f"m{index}.jsonl"
            categorize([source], target, grid_path=grid, workers=1)
            out.append(target.read_bytes())
    return out


def network_ties() -> list[bytes]:
    rows = (DEMO_NETWORK / "liens.csv").read_text(encoding="utf-8").splitlines()
    return ["\n".join(rows[:80]).encode("utf-8")]


def network_roster() -> list[bytes]:
    return [(DEMO_NETWORK / "enquete-roster.xlsx").read_bytes()]


# --- the registry ----------------------------------------------------------------------------

READERS: list[Reader] = [
    Reader("tableau de mesures CSV", (".csv", ".tsv"), ("categoriser",), measures_csv,
           (".jsonl", ".csv", ".xlsx"), MEASURES_GRID, text=True),
    Reader("classeur de mesures XLSX", (".xlsx",), ("categoriser",), measures_xlsx,
           (".jsonl", ".csv", ".xlsx"), MEASURES_GRID,
           zip_members=("xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml")),
    Reader("transcription TXT", (".txt",), ("coder",), transcripts_txt,
           (".jsonl", ".csv", ".xlsx", ".qdpx"), INTERVIEWS_GRID, text=True),
    Reader("transcription Markdown", (".md",), ("coder",), transcripts_txt,
           (".jsonl", ".xlsx"), INTERVIEWS_GRID, text=True),
    Reader("transcription DOCX", (".docx",), ("coder",), transcripts_docx,
           (".jsonl", ".csv", ".qdpx"), INTERVIEWS_GRID,
           zip_members=("word/document.xml", "[Content_Types].xml", "word/styles.xml")),
    Reader("tableau d'unités CSV", (".csv",), ("coder",), units_csv,
           (".jsonl", ".csv", ".xlsx"), INTERVIEWS_GRID, text=True),
    Reader("tableau d'unités XLSX", (".xlsx",), ("coder",), units_xlsx,
           (".jsonl", ".csv"), INTERVIEWS_GRID,
           zip_members=("xl/worksheets/sheet1.xml", "xl/workbook.xml")),
    Reader("projet REFI-QDA", (".qdpx",), ("coder",), qdpx_projects,
           (".jsonl", ".xlsx", ".qdpx"), INTERVIEWS_GRID, zip_members=("project.qde",)),
    Reader("grille YAML", (".yaml", ".yml"), ("grille", "valider"), grids_yaml, text=True),
    Reader("plan d'action DOCX", (".docx",), ("extraire",), plan_docx, (".xlsx", ".jsonl"),
           zip_members=("word/document.xml", "[Content_Types].xml", "word/styles.xml")),
    Reader("plan d'action PDF", (".pdf",), ("extraire",), plan_pdf, (".jsonl", ".csv")),
    Reader("plan d'action texte", (".txt", ".md"), ("extraire",), plan_text, (".xlsx", ".jsonl"),
           text=True),
    Reader("mesures catégorisées JSONL", (".jsonl",), ("synthese",), categorised_jsonl,
           (".xlsx",), MEASURES_GRID, text=True),
    Reader("liens d'un réseau CSV", (".csv",),
           ("reseau", str(DEMO_NETWORK / "acteurs.csv"), "--permutations", "19"),
           network_ties, (".jsonl", ".xlsx"), text=True),
    Reader("questionnaire de réseau XLSX", (".xlsx",),
           ("reseau", str(DEMO_NETWORK / "acteurs.csv"), "--permutations", "19"),
           network_roster, (".jsonl",),
           zip_members=("xl/worksheets/sheet1.xml", "xl/workbook.xml")),
]  # fmt: skip


def replace_member(archive: bytes, member: str, data: bytes) -> bytes:
    """The archive with ``member`` replaced (or added) by ``data``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
        dst.writestr(member, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()

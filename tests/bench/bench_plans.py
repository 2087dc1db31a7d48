"""Benchmark of reading long action plans (run by `make bench`, never by the test suite).

Builds, in bench-output/ (not committed), three generated 150-page plans:

1. a Word document with one fiche action per page: a « Fiche action n° » heading and a
   two-column « champ | valeur » table with a long description;
2. a PDF with one fiche per page (« Libellé : valeur » paragraphs, partners as bullets, a long
   description, a running footer);
3. a PDF plan table of 150 pages (one row per action, axis rows, header repeated on each page).

Then times reading each into measures (reading + structure extraction, as `extraire` does) and
checks that every measure was found. Target (issue 5): under 10 s for a 150-page plan. The CPU
time printed includes the worker processes that read a long PDF.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench-output"
PAGES = 150
TARGET = 10.0
TABLE_ROWS = 1500

WORDS = [
    "accompagner",
    "les",
    "habitants",
    "du",
    "territoire",
    "vers",
    "les",
    "dispositifs",
    "de",
    "prévention",
    "en",
    "lien",
    "avec",
    "les",
    "professionnels",
    "de",
    "santé",
    "libéraux,",
    "les",
    "associations",
    "et",
    "les",
    "services",
    "sociaux",
    "du",
    "département,",
    "avec",
    "une",
    "attention",
    "particulière",
    "aux",
    "personnes",
    "éloignées",
    "du",
    "soin",
    "et",
    "aux",
    "familles",
    "modestes",
]


def sentence(seed: int, n: int) -> str:
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


def fiche(i: int) -> dict[str, str]:
    axis = i // 50 + 1
    return {
        "numero": f"{axis}.{i % 50 + 1}",
        "axe": f"Axe {axis} – Axe généré numéro {axis}",
        "intitule": f"Action générée {i}: {sentence(i, 10)}",
        "porteur": f"Structure porteuse {i % 17}",
        "partenaires": f"Partenaire A{i % 5}\nPartenaire B{i % 7}\nPartenaire C{i % 11}",
        "public": f"Public {i % 9}",
        "description": " ".join(sentence(i + k, 22) for k in range(6)),
        "calendrier": "2025-2029",
        "indicateurs": sentence(i, 14),
    }


def build_docx(path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.add_heading("CLS généré pour le banc d'essai (fictif)", 0)
    for i in range(PAGES):
        f = fiche(i)
        if i % 50 == 0:
            doc.add_heading(f["axe"], 1)
        doc.add_heading(f"Fiche action n° {f['numero']}", 2)
        rows = [
            ("Intitulé de l'action", f["intitule"]),
            ("Porteur(s)", f["porteur"]),
            ("Partenaires associés", f["partenaires"]),
            ("Public(s) cible(s)", f["public"]),
            ("Description", f["description"]),
            ("Calendrier", f["calendrier"]),
            ("Indicateurs d'évaluation", f["indicateurs"]),
        ]
        table = doc.add_table(rows=len(rows), cols=2)
        for r, (label, value) in enumerate(rows):
            table.cell(r, 0).text = label
            table.cell(r, 1).text = value
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(str(path))


def build_fiche_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(True, margin=15)
    for i in range(PAGES):
        f = fiche(i)
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(
            0, 7, f"Fiche action n° {f['numero']} – {f['intitule']}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(3)
        pdf.set_font("Helvetica", size=10)
        for label in ("axe", "porteur"):
            pdf.multi_cell(
                0,
                5,
                f"**{label.capitalize()} :** {f[label]}",
                markdown=True,
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(2)
        pdf.multi_cell(0, 5, "**Partenaires :**", markdown=True, new_x="LMARGIN", new_y="NEXT")
        for partner in f["partenaires"].split("\n"):
            pdf.multi_cell(0, 5, f"• {partner}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for label in ("public", "description", "calendrier", "indicateurs"):
            pdf.multi_cell(
                0,
                5,
                f"**{label.capitalize()} :** {f[label]}",
                markdown=True,
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(2)
        pdf.set_auto_page_break(False)
        pdf.set_y(-12)
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 6, f"CLS généré – page {i + 1}", align="C")
    pdf.output(str(path))


def build_table_pdf(path: Path) -> int:
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    n = 0
    with pdf.table(col_widths=(12, 80, 50, 70, 50), line_height=4.5, text_align="LEFT") as table:
        row = table.row()
        for header in ("N°", "Intitulé de l'action", "Porteur", "Partenaires", "Public cible"):
            row.cell(header)
        for i in range(TABLE_ROWS):  # about 10 rows a page: 150 pages
            f = fiche(i)
            if i % 50 == 0:
                table.row().cell(f["axe"], colspan=5)
            row = table.row()
            row.cell(f["numero"])
            row.cell(f["intitule"] + " " + sentence(i, 12))
            row.cell(f["porteur"])
            row.cell(f["partenaires"].replace("\n", ", "))
            row.cell(f["public"])
            n += 1
    pdf.output(str(path))
    return n


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF reading workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(path: Path) -> tuple[float, float, int, int | None]:
    from cloterres.plans import ReadReport, read_measures

    started, cpu = time.perf_counter(), _cpu()
    report = ReadReport()
    measures = list(read_measures([path], report))
    elapsed = time.perf_counter() - started
    return elapsed, _cpu() - cpu, len(measures), report.documents[0].pages


def main() -> int:
    OUT.mkdir(exist_ok=True)
    docx_path = OUT / "plan-150-pages.docx"
    pdf_path = OUT / "plan-150-fiches.pdf"
    table_path = OUT / "plan-150-pages-tableau.pdf"
    print("Construction des documents de test…", flush=True)
    build_docx(docx_path)
    build_fiche_pdf(pdf_path)
    rows = build_table_pdf(table_path)
    failed = False
    for path, expected in ((docx_path, PAGES), (pdf_path, PAGES), (table_path, rows)):
        seconds, cpu, found, pages = timed(path)
        ok = seconds < TARGET and found == expected
        failed |= not ok
        size = f"{pages} pages" if pages else f"{PAGES} fiches d'une page"
        print(
            f"{path.name} ({size}) : {found}/{expected} mesures lues en {seconds:.1f} s "
            f"(temps processeur {cpu:.1f} s ; objectif < {TARGET:.0f} s) {'OK' if ok else 'ÉCHEC'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

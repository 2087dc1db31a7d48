"""Rebuild the four fictional demo action plans and their expected extraction.

Usage (needs python-docx and fpdf2, both in the dev install):

    python corpora/demo/plans/build_plans.py

Sources: ``sources/*.yaml``, one fictional plan each (written by the cloterres team; nothing is
copied from a real contract). Each says how it is laid out (``mise_en_forme``):

- ``fiches_tableaux``: Word, one two-column « champ | valeur » table per fiche action, under
  « Fiche action n° … » headings (or with the marker in the table's first, merged row), a table of
  contents and an annex table that is not a fiche;
- ``sections``: Word, headings Axe (Titre 1) > Objectif (Titre 2) > Action (Titre 3), fields as
  « Porteur : … » paragraphs, bullet lists and a « Description » sub-heading;
- ``tableau_plan``: PDF, one table with one row per action spanning several pages, axis rows
  spanning the whole table, a running footer;
- ``fiche_par_page``: PDF, a cover page then one fiche per page with « Libellé : valeur »
  paragraphs, partners as bullets, a running footer.

Outputs: the documents next to this script, and ``attendu/<document>.jsonl``: the measures a
correct extraction finds, one JSON object per measure, in document order. The documents are
deterministic except for the timestamps python-docx and fpdf2 write.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from docx import Document
from docx.enum.text import WD_TAB_LEADER
from docx.shared import Cm, Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
EXPECTED = HERE / "attendu"
FICTIF = "Document fictif réalisé pour la démonstration de l'outil cloterres."
DATE = dt.datetime(2025, 6, 1, 12, 0, 0)


def measures(plan: dict) -> list[dict]:
    """The expected extraction of a plan, in document order."""
    out: list[dict] = []
    # Partners written one per line or as bullets are joined with « ; »; the plan table writes
    # them inline with commas, and the extraction keeps the document's own separators.
    joint = ", " if plan["mise_en_forme"] == "tableau_plan" else "; "
    for axis in plan["axes"]:
        groups = axis.get("objectifs") or [{"titre": "", "actions": axis["actions"]}]
        for group in groups:
            for action in group["actions"]:
                index = len(out) + 1
                number = action.get("numero")
                out.append(
                    {
                        "id": f"{plan['prefixe']}-{number}" if number else f"{plan['prefixe']}-M{index}",
                        "contrat": plan["contrat"],
                        "axe": axis["titre"],
                        "objectif": action.get("objectif") or group["titre"],
                        "intitule": action["intitule"],
                        "description": action.get("description", ""),
                        "porteur": action.get("porteur", ""),
                        "partenaires": joint.join(action.get("partenaires", [])),
                        "public": action.get("public", ""),
                        "territoire": action.get("territoire", ""),
                        "calendrier": action.get("calendrier", ""),
                        "financement": action.get("financement", ""),
                        "indicateurs": action.get("indicateurs", ""),
                    }
                )
    return out


# --- Word ------------------------------------------------------------------------------------


def _new_docx(plan: dict, title_property: bool) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    props = doc.core_properties
    props.author = "cloterres team"
    props.title = plan["contrat"] if title_property else ""
    props.comments = "Fictional CLS action plan written for the cloterres demo corpus."
    props.created = DATE
    props.modified = DATE
    props.last_modified_by = "cloterres team"
    props.revision = 1
    doc.add_heading(plan["contrat"], 0)
    for text in plan["introduction"]:
        doc.add_paragraph(text)
    return doc


def _label_paragraph(doc, label: str, value: str) -> None:  # noqa: ANN001
    para = doc.add_paragraph()
    para.add_run(f"{label} :").bold = True
    if value:
        para.add_run(f" {value}")


def _merge_row(table, row_index: int) -> None:  # noqa: ANN001
    row = table.rows[row_index]
    row.cells[0].merge(row.cells[-1])


def build_fiches_docx(plan: dict, target: Path) -> None:
    doc = _new_docx(plan, title_property=True)
    doc.add_heading("Sommaire", 1)
    first = [a for axis in plan["axes"] for a in axis["actions"]][:4]
    for page, action in enumerate(first, start=4):
        para = doc.add_paragraph()
        para.paragraph_format.tab_stops.add_tab_stop(Cm(16), leader=WD_TAB_LEADER.DOTS)
        para.add_run(f"Fiche action n° {action['numero']} : {action['intitule']} ........ {page}")
    porteur_labels = ("Porteur(s) de l'action", "Pilote(s)")
    public_labels = ("Public(s) cible(s)", "Public visé")
    money_labels = ("Financement(s)", "Budget prévisionnel")
    n = 0
    for axis in plan["axes"]:
        doc.add_heading(axis["titre"], 1)
        for action in axis["actions"]:
            n += 1
            marker_in_table = action.get("marqueur_dans_tableau", False)
            if not marker_in_table:
                doc.add_heading(f"Fiche action n° {action['numero']}", 2)
            rows = [
                ("Intitulé de l'action", action["intitule"]),
                ("Axe stratégique", axis["titre"]),
                ("Objectif(s) opérationnel(s)", action.get("objectif", "")),
                (porteur_labels[n % 2], action.get("porteur", "")),
                ("Partenaires associés", "\n".join(action.get("partenaires", []))),
                (public_labels[n % 2], action.get("public", "")),
                ("Description", action.get("description", "")),
                ("Territoire(s)", action.get("territoire", "")),
                ("Calendrier / échéancier", action.get("calendrier", "")),
                (money_labels[n % 2], action.get("financement", "")),
                ("Indicateur(s) d'évaluation", action.get("indicateurs", "")),
            ]
            offset = 1 if marker_in_table else 0
            table = doc.add_table(rows=len(rows) + offset, cols=2)
            table.style = "Table Grid"
            if marker_in_table:
                _merge_row(table, 0)
                table.rows[0].cells[0].paragraphs[0].add_run(
                    f"FICHE ACTION N° {action['numero']}"
                ).bold = True
            for i, (label, value) in enumerate(rows, start=offset):
                cells = table.rows[i].cells
                cells[0].paragraphs[0].add_run(label).bold = True
                lines = value.split("\n") if value else []
                if lines:
                    cells[1].paragraphs[0].add_run(lines[0])
                    for line in lines[1:]:
                        cells[1].add_paragraph(line)
            doc.add_paragraph()
    annex = plan["annexe_tableau"]
    doc.add_heading(f"Annexe – {annex['titre']}", 1)
    table = doc.add_table(rows=len(annex["lignes"]), cols=len(annex["lignes"][0]))
    table.style = "Table Grid"
    for i, line in enumerate(annex["lignes"]):
        for j, value in enumerate(line):
            table.rows[i].cells[j].text = value
    doc.save(str(target))


def build_sections_docx(plan: dict, target: Path) -> None:
    doc = _new_docx(plan, title_property=False)
    for axis in plan["axes"]:
        doc.add_heading(axis["titre"], 1)
        for group in axis["objectifs"]:
            doc.add_heading(group["titre"], 2)
            for action in group["actions"]:
                number = action.get("numero")
                title = f"Action {number} : {action['intitule']}" if number else action["intitule"]
                doc.add_heading(title, 3)
                _label_paragraph(doc, "Porteur", action.get("porteur", ""))
                if action.get("partenaires"):
                    _label_paragraph(doc, "Partenaires", "")
                    for partner in action["partenaires"]:
                        doc.add_paragraph(partner, style="List Bullet")
                _label_paragraph(doc, "Public cible", action.get("public", ""))
                if action.get("calendrier"):
                    _label_paragraph(doc, "Calendrier", action["calendrier"])
                if action.get("description"):
                    doc.add_heading("Description", 4)
                    doc.add_paragraph(action["description"])
    doc.save(str(target))


# --- PDF -------------------------------------------------------------------------------------


class _Pdf(FPDF):
    def __init__(self, footer_text: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.footer_text = footer_text
        self.core_fonts_encoding = "windows-1252"
        self.set_creation_date(DATE)
        self.set_author("cloterres team")
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"{self.footer_text} – page {self.page_no()}", align="C")


def _write(pdf: FPDF, text: str, height: float = 5, markdown: bool = False) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", markdown=markdown)


def build_plan_table_pdf(plan: dict, target: Path) -> None:
    pdf = _Pdf(f"{plan['contrat']} – plan d'action (document fictif)", orientation="L")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _write(pdf, plan["contrat"], 9)
    pdf.set_font("Helvetica", size=12)
    _write(pdf, "Plan d'action : tableau récapitulatif des actions", 7)
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)
    for text in plan["introduction"]:
        _write(pdf, text)
        pdf.ln(2)
    pdf.ln(3)
    headers = ("N°", "Intitulé de l'action", "Porteur", "Partenaires", "Public cible", "Calendrier")
    with pdf.table(
        col_widths=(10, 70, 45, 65, 45, 25),
        line_height=5,
        text_align="LEFT",
        repeat_headings=1,
        first_row_as_headings=True,
    ) as table:
        row = table.row()
        for header in headers:
            row.cell(header)
        for axis in plan["axes"]:
            row = table.row()
            row.cell(axis["titre"], colspan=len(headers))
            for action in axis["actions"]:
                row = table.row()
                row.cell(action["numero"])
                row.cell(action["intitule"])
                row.cell(action.get("porteur", ""))
                row.cell(", ".join(action.get("partenaires", [])))
                row.cell(action.get("public", ""))
                row.cell(action.get("calendrier", ""))
    pdf.output(str(target))


def build_fiche_pages_pdf(plan: dict, target: Path) -> None:
    pdf = _Pdf(f"{plan['contrat']} – document fictif")
    pdf.set_title(plan["contrat"])
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    _write(pdf, plan["contrat"], 10)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=10)
    for text in plan["introduction"]:
        _write(pdf, text)
        pdf.ln(2)
    for axis in plan["axes"]:
        for action in axis["actions"]:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 14)
            _write(pdf, f"Fiche action n° {action['numero']} – {action['intitule']}", 7)
            pdf.ln(4)
            pdf.set_font("Helvetica", size=10)
            fields = [
                ("Axe", axis["titre"]),
                ("Objectif", action.get("objectif", "")),
                ("Porteur", action.get("porteur", "")),
            ]
            for label, value in fields:
                _write(pdf, f"**{label} :** {value}", markdown=True)
                pdf.ln(2)
            _write(pdf, "**Partenaires :**", markdown=True)
            for partner in action.get("partenaires", []):
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(0, 5, f"• {partner}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            fields = [
                ("Public cible", action.get("public", "")),
                ("Description", action.get("description", "")),
                ("Calendrier", action.get("calendrier", "")),
                ("Financement", action.get("financement", "")),
                ("Indicateurs d'évaluation", action.get("indicateurs", "")),
            ]
            for label, value in fields:
                if value:
                    _write(pdf, f"**{label} :** {value}", markdown=True)
                    pdf.ln(2)
    pdf.output(str(target))


BUILDERS = {
    "fiches_tableaux": build_fiches_docx,
    "sections": build_sections_docx,
    "tableau_plan": build_plan_table_pdf,
    "fiche_par_page": build_fiche_pages_pdf,
}


def main() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for source in sorted(SOURCES.glob("*.yaml")):
        plan = yaml.safe_load(source.read_text(encoding="utf-8"))
        target = HERE / plan["fichier"]
        BUILDERS[plan["mise_en_forme"]](plan, target)
        expected = EXPECTED / f"{target.stem}.jsonl"
        with expected.open("w", encoding="utf-8", newline="\n") as fh:
            for measure in measures(plan):
                fh.write(json.dumps(measure, ensure_ascii=False) + "\n")
        print(f"{target.name} ({len(measures(plan))} mesures) et {expected.relative_to(HERE)}")


if __name__ == "__main__":
    main()

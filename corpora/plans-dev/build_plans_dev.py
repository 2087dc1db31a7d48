"""Build the development set of action plans (issue 14) and their expected extraction.

Usage (python-docx and fpdf2 come with the dev install; the PDFs marked « LibreOffice » need
``soffice`` on PATH, e.g. ``apt-get install libreoffice-writer-nogui``):

    python corpora/plans-dev/build_plans_dev.py            # every plan
    python corpora/plans-dev/build_plans_dev.py --sans-pdf # only what needs no LibreOffice

Everything here is FICTIONAL: territories, organisations and texts were written by the cloterres
team for testing; nothing is copied from a real contract. The ten plans are laid out as published
plans are, each differently from the demo plans and from one another (the first ten):

1. ``vercorelle-bandeaux.pdf`` (LibreOffice PDF of a Word file): a cover, one fiche per page,
   running header and footer, a shaded title band on two lines (« FICHE ACTION N° 1.1 » then
   the title), a 4-column identity table, sub-headings, a budget table; the file's title property
   is the template's (« Modèle fiche action ARS »).
2. ``hautes-combes-libelles.pdf`` (LibreOffice PDF): « Libellé : valeur » paragraphs, partners as
   bullets, long titles over two lines, « page n / m » footers.
3. ``brenne-aval-bandes.pdf`` (designed PDF): coloured bands « FICHE N°7 | titre », several fiches
   per page, a two-column preamble, axis bands listing « Fiches n° 1, 2, 3 », a boxed 3-column
   « Pilote(s) | Partenaires associés | Public(s) visé(s) » with the values below.
4. ``lauzes-cartes.pdf`` (designed PDF): fiches as cards, the id in a coloured square beside the
   title, labels in capitals above their values, inline « ; » lists.
5. ``val-d-orgelet-paysage.pdf`` (LibreOffice PDF): a landscape plan table over several pages,
   header row repeated, the axis column merged over its rows, « A1 – titre » in the action cell,
   partners one per line in their cell.
6. ``piemont-sud-tableau.docx`` (Word): a plan table split in two tables, axis rows spanning the
   table, « 2.3 – titre » in the action cell, lines inside cells.
7. ``rives-de-l-aune-numerotes.docx`` (Word): headings « Axe 1 – … » / « 1.1 … » / « 1.1.1 … »,
   field sub-headings (Heading 4) inside each fiche, and a recap table at the end.
8. ``saint-aubrac-desordonne.docx`` (messy Word): bold paragraphs as titles, inconsistent field
   labels, a fiche continued in a second table (« (suite) »), Symbol-font bullets, inline
   « ; » lists, a template title property, annexes (glossary table).
9. ``pays-de-cerne-sommaire.pdf`` (LibreOffice PDF): a cover, a typed table of contents with dot
   leaders, a preamble, fiches under headings, annexes (glossary of acronyms, signatories).
10. ``montferrand-recapitulatif.docx`` (Word): the plan is only a recap table (axis rows,
    one row per action).

Plans 11 to 16 (second variants of the six kinds the issue names) and 17 to 21 (LibreOffice
bands in a two-cell row, a landscape table with a vertically centred merged axis and « FA1 »
ids, a designed form with labels in a grey column, Word sections with a synthesis table, fiches
whose table runs over two pages), 22 (a designed box with only an outer frame) and 23 to 25 (a
band in two type sizes, fiches made of tables only, designed cards two per row) and 26 to 27
(a LibreOffice PDF of headed sections with values on the next lines, a messy Word plan with
« Fiche n°3 » headings and « (suite) » tables) and 28 to 29 (plan tables per axis: in Word
with the id on the action cell's first line, in a LibreOffice PDF with an objective column)
were written
after the extractor had been changed, to check that its rules generalise; each function's
docstring says what its layout tries.

Expected extraction: ``attendu/<plan>.jsonl``, one object per fiche in document order with
``id`` (the document's number, as written), ``intitule``, ``axe``, ``porteur``, ``partenaires``
(items written on separate lines or as bullets are joined with « ; »; an inline list keeps its
own separators) and ``public``; the first line of each file also gives ``contrat``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "attendu"
DATE = dt.datetime(2026, 3, 1, 12, 0, 0)
FICTIF = "Document fictif écrit pour tester l'outil cloterres ; aucun texte n'est repris d'un contrat réel."

# --- content ---------------------------------------------------------------------------------
# A pool of fictional actions: (title, description, public). Each plan takes its own slice.
ACTIONS: list[tuple[str, str, str]] = [
    (
        "Ouvrir une consultation avancée de médecine générale dans les bourgs sans cabinet",
        "Un médecin du pôle de santé consulte deux demi-journées par semaine en mairie.",
        "Habitants des communes sans cabinet médical",
    ),
    (
        "Accompagner l'installation de jeunes médecins",
        "Accueil des internes, aide au logement et présentation du territoire aux étudiants en stage.",
        "Internes et jeunes médecins",
    ),
    (
        "Développer la télésanté dans les établissements d'hébergement",
        "Équiper les résidences de chariots de téléconsultation et former les équipes soignantes.",
        "Résidents des EHPAD",
    ),
    (
        "Former les élus et les agents au repérage de la souffrance psychique",
        "Sessions de premiers secours en santé mentale ouvertes aux secrétaires de mairie et aux élus.",
        "Élus et agents des collectivités",
    ),
    (
        "Créer un conseil local de santé mentale",
        "Réunir chaque trimestre les acteurs du soin, du social et du logement autour des situations complexes.",
        "Personnes vivant avec un trouble psychique et leurs proches",
    ),
    (
        "Prévenir les chutes des personnes âgées à domicile",
        "Ateliers d'équilibre et visites d'ergothérapeutes pour adapter les logements.",
        "Personnes de plus de 70 ans vivant à domicile",
    ),
    (
        "Lutter contre l'isolement des aînés",
        "Un réseau de bénévoles appelle et visite les personnes repérées par les services communaux.",
        "Personnes âgées isolées",
    ),
    (
        "Promouvoir une alimentation favorable à la santé dans les cantines",
        "Un plan de formation des cuisiniers et un approvisionnement local accru dans les restaurants scolaires.",
        "Enfants des écoles primaires",
    ),
    (
        "Développer l'activité physique adaptée",
        "Séances encadrées pour les patients orientés par leur médecin, à tarif réduit pendant six mois.",
        "Adultes atteints de maladies chroniques",
    ),
    (
        "Aménager des itinéraires cyclables vers les établissements scolaires",
        "Relier les collèges aux bourgs voisins par des voies sécurisées et organiser des vélobus.",
        "Collégiens et familles",
    ),
    (
        "Réduire l'exposition au radon dans les logements",
        "Campagne de mesure gratuite et conseils de ventilation pour les propriétaires.",
        "Propriétaires et locataires des communes classées",
    ),
    (
        "Améliorer la qualité de l'air intérieur des crèches",
        "Diagnostic des crèches et choix de produits d'entretien sans solvants.",
        "Jeunes enfants accueillis en crèche",
    ),
    (
        "Prévenir les conduites addictives chez les jeunes",
        "Interventions en classe par des pairs formés et permanence de consultation jeunes consommateurs.",
        "Jeunes de 12 à 25 ans",
    ),
    (
        "Organiser des dépistages itinérants des cancers",
        "Un bus de prévention sillonne les communes rurales lors des marchés.",
        "Adultes de 50 à 74 ans",
    ),
    (
        "Renforcer la vaccination des enfants et des adolescents",
        "Séances de rattrapage vaccinal dans les collèges et rappels adressés aux familles.",
        "Enfants et adolescents",
    ),
    (
        "Faciliter l'accès aux droits de santé des personnes précaires",
        "Permanences d'ouverture de droits dans les épiceries solidaires.",
        "Personnes en situation de précarité",
    ),
    (
        "Déployer la médiation en santé dans les quartiers",
        "Deux médiatrices accompagnent les habitants vers le soin et la prévention.",
        "Habitants des quartiers prioritaires",
    ),
    (
        "Soutenir les aidants familiaux",
        "Groupes de parole, formations et solutions de répit près de chez eux.",
        "Aidants de personnes dépendantes",
    ),
    (
        "Promouvoir la santé sexuelle et affective",
        "Ateliers dans les lycées et consultations anonymes au centre de santé sexuelle.",
        "Lycéens et jeunes adultes",
    ),
    (
        "Prévenir le surpoids des jeunes enfants",
        "Accompagnement des familles par les puéricultrices et ateliers cuisine parents-enfants.",
        "Enfants de 0 à 6 ans et leurs parents",
    ),
    (
        "Adapter les logements au vieillissement",
        "Aides financières et conseils d'un ergothérapeute pour les travaux d'adaptation.",
        "Propriétaires âgés aux revenus modestes",
    ),
    (
        "Structurer une communauté professionnelle territoriale de santé",
        "Appui au projet de santé et aux réunions pluriprofessionnelles.",
        "Professionnels de santé libéraux",
    ),
    (
        "Lutter contre les moustiques tigres",
        "Informer les habitants et supprimer les gîtes larvaires dans l'espace public.",
        "Ensemble des habitants",
    ),
    (
        "Réduire la précarité énergétique",
        "Visites à domicile et petits équipements pour réduire les factures et l'humidité.",
        "Ménages en précarité énergétique",
    ),
    (
        "Accompagner les personnes sortant d'hospitalisation",
        "Coordination entre l'hôpital, les infirmiers libéraux et les services d'aide à domicile.",
        "Patients âgés de retour à domicile",
    ),
    (
        "Développer des jardins partagés thérapeutiques",
        "Créer trois jardins accessibles aux personnes à mobilité réduite avec un animateur.",
        "Personnes en situation de handicap",
    ),
    (
        "Prévenir le suicide dans le monde agricole",
        "Sentinelles formées et numéro d'écoute relayé par les coopératives.",
        "Exploitants et salariés agricoles",
    ),
    (
        "Sensibiliser au bon usage des écrans",
        "Conférences pour les parents et ateliers dans les accueils de loisirs.",
        "Parents d'enfants de moins de 12 ans",
    ),
    (
        "Organiser la permanence des soins dentaires",
        "Un cabinet de garde tournant le dimanche et une ligne d'orientation.",
        "Habitants du territoire",
    ),
    (
        "Promouvoir la santé au travail dans les petites entreprises",
        "Diagnostics des risques et ateliers de prévention des troubles musculosquelettiques.",
        "Salariés des très petites entreprises",
    ),
    (
        "Améliorer l'accueil des personnes sourdes dans les services de santé",
        "Interprètes en langue des signes à la demande et signalétique adaptée.",
        "Personnes sourdes et malentendantes",
    ),
    (
        "Développer l'éducation thérapeutique du patient en proximité",
        "Programmes pour le diabète et l'insuffisance cardiaque au plus près des patients.",
        "Patients diabétiques ou insuffisants cardiaques",
    ),
    (
        "Prévenir les noyades",
        "Apprentissage de la nage pour les élèves de CM2 et surveillance des plans d'eau.",
        "Enfants de 8 à 11 ans",
    ),
    (
        "Repérer précocement les troubles du neurodéveloppement",
        "Formation des assistantes maternelles et parcours d'orientation vers la plateforme dédiée.",
        "Enfants de moins de 7 ans",
    ),
    (
        "Faire connaître l'offre de santé du territoire",
        "Un annuaire en ligne et un guide papier distribué dans les mairies.",
        "Habitants et professionnels",
    ),
    (
        "Favoriser l'insertion des personnes souffrant de troubles psychiques",
        "Ateliers de remobilisation et emplois accompagnés avec les entreprises locales.",
        "Adultes suivis en psychiatrie",
    ),
]
ORGS = [
    "ARS Grand Ouest",
    "Caisse primaire d'assurance maladie",
    "Conseil départemental",
    "Centre hospitalier de Bellerive",
    "Mutualité française",
    "Caisse d'allocations familiales",
    "Éducation nationale",
    "Maison de santé pluriprofessionnelle",
    "Centre social Les Tilleuls",
    "Association Entraide Rurale",
    "Instance régionale d'éducation pour la santé",
    "Mission locale",
    "Service de santé au travail",
    "Communauté de communes",
    "Centre communal d'action sociale",
    "Mutualité sociale agricole",
    "Ligue contre le cancer",
    "Comité départemental olympique et sportif",
    "Bailleur Habitat Vert",
    "Union départementale des associations familiales",
    "Pôle emploi",
    "Clubs sportifs",
]


def _pick(seed: int, n: int) -> list[str]:
    return [ORGS[(seed * 7 + 3 * k) % len(ORGS)] for k in range(n)]


def make_plan(
    name: str, contract: str, axes: list[str], per_axis: list[int], start: int, ids, porteurs
) -> dict:  # noqa: ANN001
    """A plan: contract, axes, and fiches with the fields the expected extraction checks."""
    fiches = []
    k = start
    for a, (axis, count) in enumerate(zip(axes, per_axis, strict=True), start=1):
        for j in range(1, count + 1):
            title, desc, public = ACTIONS[k % len(ACTIONS)]
            partners = _pick(k, 2 + k % 3)
            porteur = porteurs[k % len(porteurs)]
            fiches.append(
                {
                    "num": ids(a, j, len(fiches) + 1),
                    "axis_no": a,
                    "axe": axis,
                    "intitule": title,
                    "description": desc,
                    "porteur": porteur,
                    "partenaires_list": [p for p in partners if p != porteur],
                    "public": public,
                    "calendrier": f"{2026 + (k % 3)}-{2028 + (k % 2)}",
                    "budget": [
                        ("Ingénierie", f"{(k % 5 + 1) * 4} 000 €", "ARS"),
                        ("Communication", f"{(k % 3 + 1) * 1500} €", "Communauté de communes"),
                    ],  # fmt: skip
                }
            )
            k += 1
    return {"name": name, "contrat": contract, "axes": axes, "fiches": fiches}


def expected(plan: dict, partner_join: str = "; ") -> list[dict]:
    out = []
    for f in plan["fiches"]:
        out.append(
            {
                "id": f["num"],
                "contrat": plan["contrat"],
                "intitule": f["intitule"],
                "axe": f["axe"],
                "porteur": f["porteur"],
                "partenaires": f.get("partenaires_text")
                or partner_join.join(f["partenaires_list"]),
                "public": f["public"],
            }
        )
    return out


# --- Word helpers ----------------------------------------------------------------------------


def new_docx(title_property: str = "", landscape: bool = False) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10.5)
    props = doc.core_properties
    props.author = "cloterres team"
    props.title = title_property
    props.comments = "Fictional CLS action plan (cloterres development set)."
    props.created = DATE
    props.modified = DATE
    props.last_modified_by = "cloterres team"
    props.revision = 1
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        section.left_margin = section.right_margin = Cm(1.5)
    return doc


def shade(element, fill: str) -> None:  # noqa: ANN001
    """Background colour of a paragraph (w:pPr) or a cell (w:tcPr)."""
    pr = (
        element.get_or_add_pPr()
        if hasattr(element, "get_or_add_pPr")
        else element.get_or_add_tcPr()
    )
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    pr.append(shd)


def page_field(paragraph, instr: str = "PAGE") -> None:  # noqa: ANN001
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instr
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def header_footer(doc: Document, header: str, footer: str, total: bool = False) -> None:
    section = doc.sections[0]
    section.header.paragraphs[0].text = header
    para = section.footer.paragraphs[0]
    para.add_run(f"{footer} – page ")
    page_field(para)
    if total:
        para.add_run(" / ")
        page_field(para, "NUMPAGES")


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def cell_lines(cell, lines: list[str], bold: bool = False) -> None:  # noqa: ANN001
    cell.paragraphs[0].add_run(lines[0] if lines else "").bold = bold
    for line in lines[1:]:
        cell.add_paragraph().add_run(line).bold = bold


def repeat_header(row) -> None:  # noqa: ANN001
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def bold_para(doc: Document, text: str, size: float | None = None, color: str | None = None):  # noqa: ANN201
    para = doc.add_paragraph()
    run = para.add_run(text)
    run.bold = True
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return para


def cover(doc: Document, contract: str, subtitle: str) -> None:
    for _ in range(6):
        doc.add_paragraph()
    bold_para(doc, contract, 26)
    doc.add_paragraph(subtitle)
    doc.add_paragraph(FICTIF)
    page_break(doc)


def to_pdf(docx_path: Path, target: Path) -> None:
    """Convert with LibreOffice (headless) into ``target``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) introuvable : installez libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        shutil.move(str(Path(tmp) / (docx_path.stem + ".pdf")), target)


# --- 1. LibreOffice PDF: title bands on two lines, 4-column identity table, budget table -----


def plan_vercorelle() -> dict:
    return make_plan(
        "vercorelle-bandeaux",
        "Contrat local de santé du Pays de Vercorelle 2026-2030",
        ["Axe stratégique 1 : Garantir l'accès aux soins de proximité",
         "Axe stratégique 2 : Agir sur les environnements favorables à la santé",
         "Axe stratégique 3 : Accompagner le bien vieillir"],
        [3, 3, 2], 0, lambda a, j, n: f"{a}.{j}",
        ["Communauté de communes du Pays de Vercorelle", "Centre hospitalier de Bellerive", "CCAS de Vercorelle"],
    )  # fmt: skip


def build_vercorelle(plan: dict, docx_path: Path) -> None:
    doc = new_docx("Modèle fiche action ARS")
    header_footer(
        doc,
        "CLS du Pays de Vercorelle – Plan d'actions 2026-2030",
        "ARS Grand Ouest / Pays de Vercorelle",
    )
    cover(doc, plan["contrat"], "Plan d'actions – version signée")
    bold_para(doc, "Préambule", 14)
    doc.add_paragraph("Le Pays de Vercorelle regroupe 31 communes rurales. " + FICTIF)
    for f in plan["fiches"]:
        page_break(doc)
        doc.add_paragraph(f["axe"])
        for text, size in ((f"FICHE ACTION N° {f['num']}", 13), (f["intitule"], 12)):
            para = bold_para(doc, text, size)
            shade(para._p, "D9E2F3")
        table = doc.add_table(rows=2, cols=4)
        table.style = "Table Grid"
        rows = [("Pilote", [f["porteur"]], "Public visé", [f["public"]]),
                ("Partenaires", f["partenaires_list"], "Calendrier", [f["calendrier"]])]  # fmt: skip
        for r, (l1, v1, l2, v2) in enumerate(rows):
            cells = table.rows[r].cells
            cell_lines(cells[0], [l1], bold=True)
            cell_lines(cells[1], v1)
            cell_lines(cells[2], [l2], bold=True)
            cell_lines(cells[3], v2)
        bold_para(doc, "Objectifs opérationnels")
        doc.add_paragraph("Améliorer le repérage des besoins", style="List Bullet")
        doc.add_paragraph("Coordonner les acteurs du territoire", style="List Bullet")
        bold_para(doc, "Description de l'action")
        doc.add_paragraph(f["description"])
        bold_para(doc, "Financement prévisionnel")
        budget = doc.add_table(rows=1 + len(f["budget"]), cols=3)
        budget.style = "Table Grid"
        for c, h in enumerate(("Poste de dépense", "Montant", "Financeur")):
            cell_lines(budget.rows[0].cells[c], [h], bold=True)
        for r, line in enumerate(f["budget"], start=1):
            for c, v in enumerate(line):
                budget.rows[r].cells[c].text = v
        bold_para(doc, "Indicateurs d'évaluation")
        doc.add_paragraph("Nombre de personnes accompagnées", style="List Bullet")
    doc.save(str(docx_path))


# --- 2. LibreOffice PDF: « Libellé : valeur » paragraphs, bullets, page n / m -------------------


def plan_hautes_combes() -> dict:
    return make_plan(
        "hautes-combes-libelles",
        "Contrat local de santé des Hautes-Combes",
        ["Axe 1 – Santé mentale et lien social", "Axe 2 – Prévention et promotion de la santé",
         "Axe 3 – Parcours de soins et coordination"],
        [2, 3, 2], 8, lambda a, j, n: f"{a}.{j}",
        ["Ville de Saint-Lizier-des-Combes", "Maison de santé des Hautes-Combes"],
    )  # fmt: skip


def build_hautes_combes(plan: dict, docx_path: Path) -> None:
    doc = new_docx(plan["contrat"])
    header_footer(
        doc, "Contrat local de santé des Hautes-Combes", "Hautes-Combes – CLS 2025-2029", total=True
    )
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            page_break(doc)
            doc.add_heading(current, 1)
        long_title = (
            f["intitule"] + " en lien avec les acteurs de proximité du territoire des Hautes-Combes"
        )
        f["intitule"] = long_title
        doc.add_heading(f"Fiche action {f['num']} – {long_title}", 2)
        for label, value in (("Porteur de l'action", f["porteur"]),):
            para = doc.add_paragraph()
            para.add_run(f"{label} : ").bold = True
            para.add_run(value)
        para = doc.add_paragraph()
        para.add_run("Partenaires :").bold = True
        for p in f["partenaires_list"]:
            doc.add_paragraph(p, style="List Bullet")
        para = doc.add_paragraph()
        para.add_run("Public(s) cible(s) : ").bold = True
        para.add_run(f["public"])
        para = doc.add_paragraph()
        para.add_run("Description : ").bold = True
        para.add_run(f["description"])
        para = doc.add_paragraph()
        para.add_run("Échéancier : ").bold = True
        para.add_run(f["calendrier"])
    doc.save(str(docx_path))


# --- 3. designed PDF: coloured bands, several fiches per page, boxed 3-column fields ----------


class DesignedPdf(FPDF):
    def __init__(self, header_text: str, footer_text: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.header_text = header_text
        self.footer_text = footer_text
        self.core_fonts_encoding = "windows-1252"
        self.set_creation_date(DATE)
        self.set_author("cloterres team")
        self.set_auto_page_break(True, margin=20)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.header_text, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}", align="C")


def plan_brenne() -> dict:
    return make_plan(
        "brenne-aval-bandes",
        "Contrat local de santé de Brenne-Aval",
        ["AXE 1 – Accès aux soins et aux droits", "AXE 2 – Cadre de vie et santé environnementale",
         "AXE 3 – Jeunesse et parentalité"],
        [4, 3, 4], 14, lambda a, j, n: str(n),
        ["Communauté de communes Brenne-Aval", "Centre social Les Tilleuls", "Ville de Port-Brenne"],
    )  # fmt: skip


def build_brenne(plan: dict, target: Path) -> None:
    pdf = DesignedPdf("CLS Brenne-Aval 2026-2030", "Brenne-Aval – Contrat local de santé")
    pdf.add_page()
    pdf.set_fill_color(0, 102, 153)
    pdf.rect(0, 0, 210, 80, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 24)
    pdf.set_xy(15, 30)
    pdf.multi_cell(180, 11, plan["contrat"])
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(15, 95)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Préambule", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9.5)
    text = (
        "Brenne-Aval est un territoire de douze communes le long de la rivière. Le diagnostic local "
        "de santé a mis en évidence un vieillissement marqué, une offre de soins fragile et des "
        "inégalités entre les bourgs et la vallée. " + FICTIF + " Les signataires s'engagent à "
        "suivre chaque année les fiches actions présentées ci-après et à réunir le comité de pilotage."
    )
    y = pdf.get_y() + 2
    half = len(text) // 2
    cut = text.rfind(" ", 0, half)
    pdf.set_xy(15, y)
    pdf.multi_cell(85, 4.5, text[:cut])
    pdf.set_xy(110, y)
    pdf.multi_cell(85, 4.5, text[cut + 1 :])
    current = ""
    pdf.set_y(max(pdf.get_y(), y + 50))
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            nums = [g["num"] for g in plan["fiches"] if g["axe"] == current]
            if pdf.get_y() > 200:
                pdf.add_page()
            pdf.ln(4)
            pdf.set_fill_color(230, 120, 30)
            pdf.set_text_color(255, 255, 255)
            pdf.set_font("Helvetica", "B", 13)
            pdf.cell(0, 9, current, fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "I", 9)
            pdf.cell(0, 6, "Fiches n° " + ", ".join(nums), fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)
        if pdf.get_y() > 215:
            pdf.add_page()
        pdf.set_fill_color(0, 102, 153)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(
            0,
            8,
            f"FICHE N°{f['num']} | {f['intitule']}"[:95],
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if len(f"FICHE N°{f['num']} | {f['intitule']}") > 95:
            f["intitule"] = f["intitule"][: 95 - len(f"FICHE N°{f['num']} | ")].rstrip()
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 9)
        w = (210 - 30) / 3
        x0, y0 = 15, pdf.get_y()
        for i, h in enumerate(("Pilote(s)", "Partenaires associés", "Public(s) visé(s)")):
            pdf.set_xy(x0 + i * w, y0)
            pdf.cell(w, 6, h, border=1, align="C")
        pdf.set_font("Helvetica", size=9)
        values = [[f["porteur"]], f["partenaires_list"], [f["public"]]]
        height = max(len(v) for v in values) * 4.5 + 12
        for i, v in enumerate(values):
            pdf.rect(x0 + i * w, y0 + 6, w, height)
            pdf.set_xy(x0 + i * w + 1, y0 + 7)
            pdf.multi_cell(w - 2, 4.5, "\n".join(v))
        pdf.set_xy(15, y0 + 6 + height + 2)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 5, "Objectif de l'action", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(0, 4.5, f["description"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(5)
    pdf.output(str(target))


# --- 4. designed PDF: cards with the id in a coloured square ----------------------------------


def plan_lauzes() -> dict:
    plan = make_plan(
        "lauzes-cartes",
        "Contrat local de santé Causses et Lauzes",
        ["Orientation A – Prévenir et promouvoir la santé", "Orientation B – Soigner et accompagner"],
        [4, 4], 20, lambda a, j, n: f"{'AB'[a - 1]}.{j}",
        ["Communauté de communes Causses et Lauzes", "Pôle de santé du Causse"],
    )  # fmt: skip
    for f in plan["fiches"]:
        f["partenaires_text"] = " ; ".join(f["partenaires_list"])
    return plan


def build_lauzes(plan: dict, target: Path) -> None:
    pdf = DesignedPdf("Causses et Lauzes – CLS", "Contrat local de santé Causses et Lauzes")
    pdf.set_title(plan["contrat"])
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(15, 60)
    pdf.multi_cell(180, 10, plan["contrat"])
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(180, 6, "Programme d'actions 2026-2030\n" + FICTIF)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 16)
            pdf.set_text_color(120, 40, 100)
            pdf.multi_cell(0, 9, current, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)
        if pdf.get_y() > 190:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_fill_color(120, 40, 100)
        pdf.rect(15, y, 18, 14, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 14)
        pdf.set_xy(15, y + 3)
        pdf.cell(18, 8, f["num"], align="C")
        pdf.set_text_color(120, 40, 100)
        pdf.set_font("Helvetica", "B", 12)
        pdf.set_xy(37, y + 1)
        pdf.multi_cell(158, 6, f["intitule"])
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(max(pdf.get_y(), y + 16))
        for label, value in (
            ("PORTEUR", f["porteur"]),
            ("PARTENAIRES", f["partenaires_text"]),
            ("PUBLIC", f["public"]),
            ("EN QUELQUES MOTS", f["description"]),
        ):
            pdf.set_font("Helvetica", "B", 8)
            pdf.set_text_color(120, 40, 100)
            pdf.cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.set_font("Helvetica", size=9.5)
            pdf.multi_cell(0, 4.8, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(6)
    pdf.output(str(target))


# --- 5. LibreOffice PDF: landscape plan table, merged axis cells, « A1 – titre » ---------------


def plan_orgelet() -> dict:
    return make_plan(
        "val-d-orgelet-paysage",
        "CLS du Val d'Orgelet",
        ["Axe 1 – Accès aux soins", "Axe 2 – Prévention", "Axe 3 – Santé environnement"],
        [4, 5, 3], 2, lambda a, j, n: f"A{n}",
        ["Ville d'Orgelet", "Communauté de communes du Val d'Orgelet", "Centre hospitalier de Bellerive"],
    )  # fmt: skip


def build_orgelet(plan: dict, docx_path: Path) -> None:
    doc = new_docx(landscape=True)
    header_footer(doc, "Plan d'actions du CLS du Val d'Orgelet", "Val d'Orgelet")
    bold_para(doc, plan["contrat"], 20)
    doc.add_paragraph("Tableau des actions 2026-2030. " + FICTIF)
    headers = ("Axe", "Action", "Pilote", "Partenaires", "Public cible", "Calendrier")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for c, h in enumerate(headers):
        cell_lines(table.rows[0].cells[c], [h], bold=True)
    repeat_header(table.rows[0])
    first_rows: dict[str, int] = {}
    for f in plan["fiches"]:
        cells = table.add_row().cells
        index = len(table.rows) - 1
        if f["axe"] not in first_rows:
            first_rows[f["axe"]] = index
            cells[0].text = f["axe"]
        cells[1].text = f"{f['num']} – {f['intitule']}"
        cell_lines(cells[2], [f["porteur"]])
        cell_lines(cells[3], f["partenaires_list"])
        cells[4].text = f["public"]
        cells[5].text = f["calendrier"]
    rows = list(first_rows.values()) + [len(table.rows)]
    for start, stop in zip(rows, rows[1:], strict=False):
        if stop - 1 > start:
            table.cell(start, 0).merge(table.cell(stop - 1, 0))
            table.cell(start, 0).text = table.cell(start, 0).text.split("\n")[0]
    widths = (Cm(3.5), Cm(7), Cm(4), Cm(5), Cm(4), Cm(2.5))
    for row in table.rows:
        for c, w in enumerate(widths):
            row.cells[c].width = w
    doc.save(str(docx_path))


# --- 6. Word plan table in two parts, axis rows spanning --------------------------------------


def plan_piemont() -> dict:
    return make_plan(
        "piemont-sud-tableau",
        "Contrat local de santé du Piémont-Sud",
        ["Priorité 1 : Santé des jeunes", "Priorité 2 : Santé des seniors", "Priorité 3 : Accès aux droits"],
        [3, 3, 3], 11, lambda a, j, n: f"{a}.{j}",
        ["Mairie de Piémont-Sud", "Association Entraide Rurale"],
    )  # fmt: skip


def build_piemont(plan: dict, target: Path) -> None:
    doc = new_docx(plan["contrat"], landscape=True)
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    doc.add_heading("Programme d'actions", 1)
    headers = ("Intitulé de l'action", "Porteur(s)", "Partenaires", "Publics", "Échéance")
    fiches = plan["fiches"]
    for part in (fiches[:5], fiches[5:]):
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for c, h in enumerate(headers):
            cell_lines(table.rows[0].cells[c], [h], bold=True)
        current = ""
        for f in part:
            if f["axe"] != current:
                current = f["axe"]
                row = table.add_row()
                row.cells[0].merge(row.cells[-1])
                row.cells[0].paragraphs[0].add_run(current).bold = True
            cells = table.add_row().cells
            cells[0].text = f"{f['num']} – {f['intitule']}"
            cell_lines(cells[1], [f["porteur"]])
            cell_lines(cells[2], f["partenaires_list"])
            cells[3].text = f["public"]
            cells[4].text = f["calendrier"]
        if part is fiches[:5]:
            doc.add_paragraph("(suite du tableau page suivante)")
            page_break(doc)
    doc.save(str(target))


# --- 7. Word: numbered headings 1.1.1, field sub-headings, recap table -------------------------


def plan_rives() -> dict:
    return make_plan(
        "rives-de-l-aune-numerotes",
        "Contrat local de santé des Rives de l'Aune",
        ["Axe 1 – Accès aux soins et aux droits", "Axe 2 – Environnement et cadre de vie"],
        [4, 4], 5, lambda a, j, n: f"{a}.{1 + (j - 1) // 2}.{1 + (j - 1) % 2}",
        ["Ville de Rives-sur-Aune", "CCAS de Rives-sur-Aune", "Maison de santé de l'Aune"],
    )  # fmt: skip


def build_rives(plan: dict, target: Path) -> None:
    doc = new_docx(plan["contrat"])
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    current_axis = current_obj = ""
    for f in plan["fiches"]:
        if f["axe"] != current_axis:
            current_axis = f["axe"]
            doc.add_heading(current_axis, 1)
        obj = f["num"].rsplit(".", 1)[0]
        if obj != current_obj:
            current_obj = obj
            doc.add_heading(f"{obj} Objectif : améliorer l'existant ({obj})", 2)
        doc.add_heading(f"{f['num']} {f['intitule']}", 3)
        doc.add_heading("Pilote", 4)
        doc.add_paragraph(f["porteur"])
        doc.add_heading("Partenaires", 4)
        for p in f["partenaires_list"]:
            doc.add_paragraph(p, style="List Bullet")
        doc.add_heading("Public visé", 4)
        doc.add_paragraph(f["public"])
        doc.add_heading("Description de l'action", 4)
        doc.add_paragraph(f["description"])
        doc.add_heading("Indicateurs", 4)
        doc.add_paragraph("Nombre de participants", style="List Bullet")
    doc.add_heading("Tableau récapitulatif des actions", 1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for c, h in enumerate(("N°", "Action", "Pilote", "Échéance")):
        table.rows[0].cells[c].text = h
    for f in plan["fiches"]:
        cells = table.add_row().cells
        cells[0].text = f["num"]
        cells[1].text = f["intitule"]
        cells[2].text = f["porteur"]
        cells[3].text = f["calendrier"]
    doc.save(str(target))


# --- 8. messy Word --------------------------------------------------------------------------


def plan_aubrac() -> dict:
    plan = make_plan(
        "saint-aubrac-desordonne",
        "Contrat Local de Santé de Saint-Aubrac-les-Pins",
        ["AXE 1 : Prévention et éducation à la santé", "AXE 2 : Accès aux soins", "AXE 3 : Santé et environnement"],
        [3, 3, 2], 17, lambda a, j, n: str(n),
        ["Mairie de Saint-Aubrac-les-Pins", "Centre hospitalier de Bellerive", "Association Entraide Rurale"],
    )  # fmt: skip
    for i, f in enumerate(plan["fiches"]):
        if i % 2 == 0:
            f["partenaires_text"] = " ; ".join(f["partenaires_list"])
    return plan


def build_aubrac(plan: dict, target: Path) -> None:
    doc = new_docx("Modèle fiche action ARS")
    bold_para(doc, plan["contrat"], 22)
    doc.add_paragraph("Version de travail – " + FICTIF)
    labels = [
        ("Pilote :", "Partenaires mobilisés", "Public"),
        ("Porteur(s) de l'action", "Acteurs associés", "Bénéficiaires"),
        ("Structure responsable", "Partenaires", "Population ciblée"),
    ]
    current = ""
    for i, f in enumerate(plan["fiches"]):
        if f["axe"] != current:
            current = f["axe"]
            bold_para(doc, current, 14)
        style = i % 3
        if style == 0:
            bold_para(doc, f"Action {f['num']} - {f['intitule']}")
        elif style == 1:
            bold_para(doc, f"ACTION N°{f['num']} : {f['intitule'].upper()}")
            f["intitule"] = f["intitule"].upper()
        else:
            doc.add_heading(f"Action {f['num']} – {f['intitule']}", 2)
        lp, lpa, lpu = labels[style]
        partners = f.get("partenaires_text")
        rows = [(lp, [f["porteur"]]), (lpa, [partners] if partners else f["partenaires_list"])]
        rows2 = [(lpu, [f["public"]]), ("Descriptif", [f["description"]])]
        split = i == 3
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, lines in rows + ([] if split else rows2):
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            if label.startswith(("Partenaires", "Acteurs")) and not partners:
                # Symbol-font bullets typed by hand, as Word pastes them
                cells[1].paragraphs[0].text = ""
                for k, line in enumerate(lines):
                    para = cells[1].paragraphs[0] if k == 0 else cells[1].add_paragraph()
                    sym = para.add_run("\uf0b7")
                    sym.font.name = "Symbol"
                    para.add_run("\t" + line)
            else:
                cell_lines(cells[1], lines)
        if split:
            doc.add_paragraph()
            bold_para(doc, f"Action {f['num']} (suite)")
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, lines in rows2 + [("Calendrier", [f["calendrier"]])]:
                cells = table.add_row().cells
                cell_lines(cells[0], [label], bold=True)
                cell_lines(cells[1], lines)
        doc.add_paragraph()
    bold_para(doc, "ANNEXE 1 – Glossaire", 14)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for sigle, sens in (
        ("ARS", "Agence régionale de santé"),
        ("CPTS", "Communauté professionnelle territoriale de santé"),
        ("CCAS", "Centre communal d'action sociale"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = sigle, sens
    bold_para(doc, "ANNEXE 2 – Composition du comité de pilotage")
    for who in (
        "Le maire de Saint-Aubrac-les-Pins",
        "La directrice de la délégation départementale de l'ARS",
        "Le président de la communauté de communes",
    ):
        doc.add_paragraph(who, style="List Bullet")
    doc.save(str(target))


# --- 9. LibreOffice PDF: cover, typed TOC with dot leaders, annexes ---------------------------


def plan_cerne() -> dict:
    return make_plan(
        "pays-de-cerne-sommaire",
        "Contrat local de santé du Pays de Cerne",
        ["Axe 1 – Promouvoir la santé des habitants", "Axe 2 – Améliorer les parcours de santé",
         "Axe 3 – Agir sur l'environnement"],
        [3, 3, 2], 25, lambda a, j, n: f"{a}.{j}",
        ["Syndicat mixte du Pays de Cerne", "Centre hospitalier de Bellerive"],
    )  # fmt: skip


def build_cerne(plan: dict, docx_path: Path) -> None:
    doc = new_docx("")
    header_footer(doc, "Pays de Cerne – CLS 2026-2030", "Contrat local de santé du Pays de Cerne")
    cover(doc, plan["contrat"], "2026 – 2030")
    bold_para(doc, "SOMMAIRE", 16)
    page = 3
    lines = [("Préambule", 3)]
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            lines.append((current, page))
        lines.append((f"Fiche {f['num']} : {f['intitule']}", page))
        page += 1
    lines += [("Annexe 1 – Glossaire des sigles", page), ("Annexe 2 – Signataires", page + 1)]
    for text, p in lines:
        para = doc.add_paragraph()
        para.paragraph_format.tab_stops.add_tab_stop(Cm(16), leader=WD_TAB_LEADER.DOTS)
        para.add_run(f"{text}\t{p}")
    page_break(doc)
    doc.add_heading("Préambule", 1)
    doc.add_paragraph("Le Pays de Cerne compte 24 000 habitants. " + FICTIF)
    doc.add_paragraph("Pilotage : le comité de pilotage se réunit deux fois par an.")
    current = ""
    for f in plan["fiches"]:
        page_break(doc)
        if f["axe"] != current:
            current = f["axe"]
            doc.add_heading(current, 1)
        doc.add_heading(f"Fiche {f['num']} : {f['intitule']}", 2)
        for label, value in (
            ("Porteur", f["porteur"]),
            ("Partenaires", ", ".join(f["partenaires_list"])),
            ("Public cible", f["public"]),
            ("Description", f["description"]),
        ):
            para = doc.add_paragraph()
            para.add_run(f"{label} : ").bold = True
            para.add_run(value)
        f["partenaires_text"] = ", ".join(f["partenaires_list"])
    page_break(doc)
    doc.add_heading("Annexe 1 – Glossaire des sigles", 1)
    for s in (
        "ARS : Agence régionale de santé",
        "CPTS : Communauté professionnelle territoriale de santé",
        "PMI : Protection maternelle et infantile",
    ):
        doc.add_paragraph(s)
    doc.add_heading("Annexe 2 – Signataires", 1)
    for s in (
        "Pour l'Agence régionale de santé, la directrice générale",
        "Pour le Syndicat mixte du Pays de Cerne, le président",
        "Pour la Caisse primaire d'assurance maladie, le directeur",
    ):
        doc.add_paragraph(s)
    doc.save(str(docx_path))


# --- 10. Word: the recap table is the plan ---------------------------------------------------


def plan_montferrand() -> dict:
    plan = make_plan(
        "montferrand-recapitulatif",
        "Contrat local de santé de Montferrand-le-Haut",
        ["Axe 1 - Accès aux soins", "Axe 2 - Prévention", "Axe 3 - Autonomie"],
        [3, 4, 3], 30, lambda a, j, n: f"{a}-{j}",
        ["Ville de Montferrand-le-Haut", "CCAS de Montferrand"],
    )  # fmt: skip
    for f in plan["fiches"]:
        f["partenaires_text"] = ", ".join(f["partenaires_list"])
    return plan


def build_montferrand(plan: dict, target: Path) -> None:
    doc = new_docx(plan["contrat"])
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    doc.add_heading("Tableau récapitulatif des actions", 1)
    headers = ("N°", "Intitulé", "Pilote", "Partenaires", "Public visé")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for c, h in enumerate(headers):
        table.rows[0].cells[c].text = h
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            row = table.add_row()
            row.cells[0].merge(row.cells[-1])
            row.cells[0].text = current
        cells = table.add_row().cells
        for c, v in enumerate(
            (f["num"], f["intitule"], f["porteur"], f["partenaires_text"], f["public"])
        ):
            cells[c].text = v
    doc.save(str(target))


# --- 11-16: second variants of the six kinds, written after the extractor was changed, to check
# that the rules generalise beyond the first ten -------------------------------------------------


def plan_lisiere() -> dict:
    return make_plan(
        "lisiere-fiches-tableaux",
        "Contrat local de santé de la Lisière 2025-2029",
        ["AXE 1 – Bien grandir", "AXE 2 – Bien vieillir", "AXE 3 – Vivre dans un environnement sain"],
        [3, 2, 3], 3, lambda a, j, n: f"{a}.{j}",
        ["Ville de la Lisière", "Centre social de la Lisière", "CCAS de la Lisière"],
    )  # fmt: skip


def build_lisiere(plan: dict, target: Path) -> None:
    """Word fiche tables: the band (« FICHE ACTION N°1.1 ») and the title in the table's first
    two merged rows, the axis in a row, « Qui ? / Avec qui ? / Pour qui ? » labels."""
    doc = new_docx("Fiche action type")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    for f in plan["fiches"]:
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        row = table.add_row()
        row.cells[0].merge(row.cells[1])
        row.cells[0].paragraphs[0].add_run(f"FICHE ACTION N°{f['num']}").bold = True
        shade(row.cells[0]._tc, "C6E0B4")
        row = table.add_row()
        row.cells[0].merge(row.cells[1])
        row.cells[0].paragraphs[0].add_run(f["intitule"]).bold = True
        for label, lines in (
            ("Axe du CLS", [f["axe"]]),
            ("Qui porte l'action ?", [f["porteur"]]),
            ("Avec qui ?", f["partenaires_list"]),
            ("Pour qui ?", [f["public"]]),
            ("Quoi ?", [f["description"]]),
            ("Quand ?", [f["calendrier"]]),
        ):
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            cell_lines(cells[1], lines)
        page_break(doc)
    doc.save(str(target))


def plan_causse() -> dict:
    return make_plan(
        "causse-noir-sections",
        "CLS du Causse Noir",
        ["AXE 1 : Accès aux soins de premier recours", "AXE 2 : Santé mentale", "AXE 3 : Prévention"],
        [3, 3, 3], 9, lambda a, j, n: f"{a}.{j}",
        ["Communauté de communes du Causse Noir", "Maison de santé du Causse"],
    )  # fmt: skip


def build_causse(plan: dict, target: Path) -> None:
    """Headed Word sections (Heading 1 axis, Heading 2 objective, Heading 3 « Action 1.1 –
    titre »), fields as bold labels, partners as a numbered list, « Public visé » and
    « Calendrier » in one paragraph; a recap table whose axis column is merged."""
    doc = new_docx(plan["contrat"])
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    doc.add_heading("Sommaire", 1)
    for f in plan["fiches"]:
        doc.add_paragraph(f"Action {f['num']} – {f['intitule']}", style="List Bullet")
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            doc.add_heading(current, 1)
            doc.add_heading(
                f"Objectif stratégique {f['axis_no']} : répondre aux besoins identifiés", 2
            )
        doc.add_heading(f"Action {f['num']} – {f['intitule']}", 3)
        para = doc.add_paragraph()
        para.add_run("Pilote : ").bold = True
        para.add_run(f["porteur"])
        para = doc.add_paragraph()
        para.add_run("Partenaires :").bold = True
        for p in f["partenaires_list"]:
            doc.add_paragraph(p, style="List Number")
        para = doc.add_paragraph()
        para.add_run("Public visé : ").bold = True
        para.add_run(f["public"])
        doc.add_heading("Contexte", 4)
        doc.add_paragraph("Le diagnostic local de santé a montré un besoin sur ce point.")
        doc.add_heading("Contenu de l'action", 4)
        doc.add_paragraph(f["description"])
    doc.add_heading("Récapitulatif des actions", 1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for c, h in enumerate(("Axe", "N°", "Intitulé de l'action", "Pilote")):
        table.rows[0].cells[c].text = h
    first: dict[str, int] = {}
    for f in plan["fiches"]:
        cells = table.add_row().cells
        if f["axe"] not in first:
            first[f["axe"]] = len(table.rows) - 1
            cells[0].text = f["axe"]
        cells[1].text, cells[2].text, cells[3].text = f["num"], f["intitule"], f["porteur"]
    rows = [*first.values(), len(table.rows)]
    for start, stop in zip(rows, rows[1:], strict=False):
        if stop - 1 > start:
            text = table.cell(start, 0).text
            merged = table.cell(start, 0).merge(table.cell(stop - 1, 0))
            merged.text = text
    doc.save(str(target))


def plan_ardoise() -> dict:
    return make_plan(
        "ardoise-bandeaux",
        "Contrat local de santé du Pays d'Ardoise",
        ["Axe 1 – Agir pour la santé des jeunes", "Axe 2 – Favoriser l'accès aux soins"],
        [4, 4], 21, lambda a, j, n: f"{a}.{j}",
        ["Pays d'Ardoise", "Centre hospitalier de Bellerive", "Mission locale"],
    )  # fmt: skip


def build_ardoise(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF: the band is one shaded paragraph with a line break (« Fiche action
    1.1 » / title), fields in a 2-column table, a budget table, running header and footer,
    two fiches on some pages."""
    doc = new_docx(plan["contrat"])
    header_footer(
        doc, "Pays d'Ardoise – Contrat local de santé", "CLS du Pays d'Ardoise", total=True
    )
    cover(doc, plan["contrat"], "Programme d'actions")
    current = ""
    for i, f in enumerate(plan["fiches"]):
        if f["axe"] != current:
            current = f["axe"]
            if i:
                page_break(doc)
            bold_para(doc, current.upper(), 15, "1F4E79")
        elif i % 2 == 0:
            page_break(doc)
        para = doc.add_paragraph()
        shade(para._p, "FCE4D6")
        run = para.add_run(f"Fiche action {f['num']}")
        run.bold = True
        run.add_break()
        para.add_run(f["intitule"]).bold = True
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, lines in (
            ("Porteur(s)", [f["porteur"]]),
            ("Partenaires", f["partenaires_list"]),
            ("Public(s)", [f["public"]]),
            ("Objectif", [f["description"]]),
        ):
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            cell_lines(cells[1], lines)
        bold_para(doc, "Budget prévisionnel")
        budget = doc.add_table(rows=1, cols=2)
        budget.style = "Table Grid"
        budget.rows[0].cells[0].text, budget.rows[0].cells[1].text = "Dépense", "Montant"
        for line in f["budget"]:
            cells = budget.add_row().cells
            cells[0].text, cells[1].text = line[0], line[1]
        doc.add_paragraph()
    f0 = plan["fiches"]
    for f in f0:
        f["axe"] = f["axe"].upper()
    doc.save(str(docx_path))


def plan_marais() -> dict:
    return make_plan(
        "marais-paysage",
        "Contrat local de santé du Marais Vert",
        ["Orientation 1 – Accès aux droits et aux soins", "Orientation 2 – Cadre de vie",
         "Orientation 3 – Parentalité"],
        [5, 4, 4], 13, lambda a, j, n: f"{a}.{j}",
        ["Marais Vert Agglomération", "CCAS de Sainte-Ysole", "Centre hospitalier de Bellerive"],
    )  # fmt: skip


def build_marais(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF, landscape: N° column, axis rows spanning the table (shaded), the
    header row repeated on each page, partners as bullets in their cell."""
    doc = new_docx(plan["contrat"], landscape=True)
    header_footer(doc, "Marais Vert – plan d'actions", "CLS du Marais Vert")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    headers = ("N°", "Intitulé", "Pilote(s)", "Partenaires", "Publics", "Calendrier", "Indicateurs")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for c, h in enumerate(headers):
        cell_lines(table.rows[0].cells[c], [h], bold=True)
    repeat_header(table.rows[0])
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            merged.paragraphs[0].add_run(current).bold = True
            shade(merged._tc, "DDEBF7")
        cells = table.add_row().cells
        cells[0].text = f["num"]
        cells[1].text = f["intitule"]
        cells[2].text = f["porteur"]
        cells[3].text = ""
        for k, p in enumerate(f["partenaires_list"]):
            para = cells[3].paragraphs[0] if k == 0 else cells[3].add_paragraph()
            para.style = doc.styles["List Bullet"]
            para.add_run(p)
        cells[4].text = f["public"]
        cells[5].text = f["calendrier"]
        cells[6].text = "Nombre de bénéficiaires ; taux de satisfaction"
    doc.save(str(docx_path))


def plan_gaves() -> dict:
    return make_plan(
        "gaves-bandes",
        "Contrat local de santé des Trois Gaves",
        ["AXE A – Prévention et promotion de la santé", "AXE B – Offre de soins", "AXE C – Autonomie"],
        [3, 3, 3], 4, lambda a, j, n: f"{'ABC'[a - 1]}{j}",
        ["Communauté de communes des Trois Gaves", "Centre de santé des Gaves"],
    )  # fmt: skip


def build_gaves(plan: dict, target: Path) -> None:
    """Designed PDF: a coloured band « ACTION A1 » with the title beside it, fields as bold
    labels in two columns (Porteur / Partenaires on the left, Public / Calendrier on the right),
    several fiches per page."""
    pdf = DesignedPdf("Trois Gaves – CLS 2026-2030", "Contrat local de santé des Trois Gaves")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(15, 50)
    pdf.multi_cell(180, 10, plan["contrat"])
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(180, 5, FICTIF)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 15)
            pdf.set_text_color(0, 110, 80)
            pdf.cell(0, 10, current, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        if pdf.get_y() > 200:
            pdf.add_page()
        y = pdf.get_y() + 3
        pdf.set_fill_color(0, 110, 80)
        pdf.rect(15, y, 180, 10, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_xy(17, y + 2)
        pdf.cell(28, 6, f"ACTION {f['num']}")
        pdf.set_xy(47, y + 2)
        pdf.cell(146, 6, f["intitule"][:80])
        f["intitule"] = f["intitule"][:80].rstrip()
        pdf.set_text_color(0, 0, 0)
        y += 13
        columns = ((15, (("Porteur", [f["porteur"]]), ("Partenaires", f["partenaires_list"]))),
                   (110, (("Public", [f["public"]]), ("Calendrier", [f["calendrier"]]))))  # fmt: skip
        bottom = y
        for x, fields in columns:
            yy = y
            for label, lines in fields:
                pdf.set_xy(x, yy)
                pdf.set_font("Helvetica", "B", 9)
                pdf.cell(85, 5, f"{label} :")
                yy += 5
                pdf.set_font("Helvetica", size=9)
                for line in lines:
                    pdf.set_xy(x, yy)
                    pdf.multi_cell(85, 4.5, line, align="L")
                    yy = pdf.get_y()
                yy += 2
            bottom = max(bottom, yy)
        pdf.set_xy(15, bottom + 1)
        pdf.set_font("Helvetica", "I", 9)
        pdf.multi_cell(180, 4.5, f["description"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(target))


def plan_olonne() -> dict:
    plan = make_plan(
        "olonne-desordonne",
        "Contrat local de santé d'Olonne-sur-Brède",
        ["Axe n°1 : Prévention", "Axe n°2 : Accès aux soins", "Axe n°3 : Santé environnement"],
        [3, 3, 2], 29, lambda a, j, n: f"{a}.{j}",
        ["Mairie d'Olonne-sur-Brède", "CCAS d'Olonne", "Association Entraide Rurale"],
    )  # fmt: skip
    for i, f in enumerate(plan["fiches"]):
        if i % 3 == 1:
            f["partenaires_text"] = ", ".join(f["partenaires_list"])
    return plan


def build_olonne(plan: dict, target: Path) -> None:
    """Messy Word: fiches under « Fiche n°1.1 : » headings or bold lines, fields sometimes in a
    table, sometimes as « Label : valeur » paragraphs, sub-headings in bold, one fiche split in
    two tables with « (suite) » in the second's first row, a list of acronyms at the end."""
    doc = new_docx("Document1")
    bold_para(doc, "CONTRAT LOCAL DE SANTÉ", 20)
    bold_para(doc, "Olonne-sur-Brède 2026-2030", 16)
    doc.add_paragraph(FICTIF)
    current = ""
    for i, f in enumerate(plan["fiches"]):
        if f["axe"] != current:
            current = f["axe"]
            doc.add_heading(current, 1)
        partners = f.get("partenaires_text")
        if i % 2 == 0:
            doc.add_heading(f"Fiche n°{f['num']} : {f['intitule']}", 2)
        else:
            bold_para(doc, f"Fiche action {f['num']} – {f['intitule']}")
        if i % 3 == 0:
            bold_para(doc, "Objectifs")
            doc.add_paragraph("Améliorer la situation observée lors du diagnostic.")
            for label, value in (
                ("Pilote(s)", f["porteur"]),
                ("Partenaires", partners or ""),
                ("Public concerné", f["public"]),
            ):
                para = doc.add_paragraph()
                para.add_run(f"{label} : ").bold = True
                para.add_run(value)
                if label == "Partenaires" and not partners:
                    for p in f["partenaires_list"]:
                        doc.add_paragraph(p, style="List Bullet")
        else:
            rows = [
                ("Porteur", [f["porteur"]]),
                ("Partenaires associés", [partners] if partners else f["partenaires_list"]),
            ]
            rest = [("Public cible", [f["public"]]), ("Description", [f["description"]])]
            split = i == 4
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, lines in rows + ([] if split else rest):
                cells = table.add_row().cells
                cell_lines(cells[0], [label], bold=True)
                cell_lines(cells[1], lines)
            if split:
                page_break(doc)
                table = doc.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                row = table.add_row()
                row.cells[0].merge(row.cells[1])
                row.cells[0].text = f"Fiche action {f['num']} (suite)"
                for label, lines in rest:
                    cells = table.add_row().cells
                    cell_lines(cells[0], [label], bold=True)
                    cell_lines(cells[1], lines)
        doc.add_paragraph()
    doc.add_heading("Liste des sigles", 1)
    for s in (
        "ARS : Agence régionale de santé",
        "CCAS : Centre communal d'action sociale",
        "PMI : Protection maternelle et infantile",
    ):
        doc.add_paragraph(s)
    doc.save(str(target))


# --- 17-22: a third batch, written after the second round of changes, to check again ----------


def plan_haut_vallon() -> dict:
    return make_plan(
        "haut-vallon-bandeaux",
        "Contrat local de santé du Haut-Vallon",
        ["Axe 1 : Santé mentale", "Axe 2 : Nutrition et activité physique", "Axe 3 : Accès aux soins"],
        [3, 3, 3], 33, lambda a, j, n: f"{a}.{j}",
        ["Ville du Haut-Vallon", "Centre social Les Tilleuls", "Maison de santé du Vallon"],
    )  # fmt: skip


def build_haut_vallon(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF, one fiche per page: the band is a shaded two-cell row (« FICHE ACTION
    N°1.1 » | title), fields in a 2-column table with uncommon labels, sub-headings in a heading
    style, the running header names the axis, « Page n » footers."""
    doc = new_docx(plan["contrat"])
    section = doc.sections[0]
    section.footer.paragraphs[0].add_run("Page ")
    page_field(section.footer.paragraphs[0])
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph("Plan d'actions 2026-2030. " + FICTIF)
    for f in plan["fiches"]:
        page_break(doc)
        doc.add_paragraph(f["axe"]).runs[0].italic = True
        band = doc.add_table(rows=1, cols=2)
        band.style = "Table Grid"
        band.rows[0].cells[0].paragraphs[0].add_run(f"FICHE ACTION N°{f['num']}").bold = True
        band.rows[0].cells[1].paragraphs[0].add_run(f["intitule"]).bold = True
        for cell in band.rows[0].cells:
            shade(cell._tc, "FFE699")
        doc.add_paragraph()
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, lines in (
            ("Structure(s) porteuse(s)", [f["porteur"]]),
            ("Partenaires potentiels", f["partenaires_list"]),
            ("Public(s) bénéficiaire(s)", [f["public"]]),
        ):
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            cell_lines(cells[1], lines)
        doc.add_heading("Contexte", 3)
        doc.add_paragraph("Le diagnostic a relevé ce besoin dans plusieurs communes.")
        doc.add_heading("Description", 3)
        doc.add_paragraph(f["description"])
        doc.add_heading("Indicateurs de suivi", 3)
        doc.add_paragraph("Nombre d'actions menées", style="List Bullet")
        doc.add_paragraph("Nombre de participants", style="List Bullet")
    doc.save(str(docx_path))


def plan_loue() -> dict:
    plan = make_plan(
        "vals-de-loue-paysage",
        "CLS des Vals de Loue",
        ["Axe 1 – Prévention", "Axe 2 – Accès aux droits", "Axe 3 – Environnement"],
        [4, 4, 4], 7, lambda a, j, n: f"FA{n}",
        ["Communauté de communes des Vals de Loue", "CCAS de Loue"],
    )  # fmt: skip
    for f in plan["fiches"]:
        f["partenaires_text"] = " / ".join(f["partenaires_list"])
    return plan


def build_loue(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF, landscape: the axis column merged and centred vertically, a « Fiche »
    column (FA1, FA2…), partners inline « A / B », a header row repeated on each page."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    doc = new_docx(plan["contrat"], landscape=True)
    header_footer(doc, "CLS des Vals de Loue – tableau des actions", "Vals de Loue")
    bold_para(doc, plan["contrat"], 18)
    doc.add_paragraph(FICTIF)
    headers = ("Axe", "Fiche", "Intitulé de l'action", "Porteur", "Partenaires", "Public")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for c, h in enumerate(headers):
        cell_lines(table.rows[0].cells[c], [h], bold=True)
    repeat_header(table.rows[0])
    first: dict[str, int] = {}
    for f in plan["fiches"]:
        cells = table.add_row().cells
        if f["axe"] not in first:
            first[f["axe"]] = len(table.rows) - 1
            cells[0].text = f["axe"]
        for c, v in enumerate(
            (f["num"], f["intitule"], f["porteur"], f["partenaires_text"], f["public"]), start=1
        ):
            cells[c].text = v
    rows = [*first.values(), len(table.rows)]
    for start, stop in zip(rows, rows[1:], strict=False):
        text = table.cell(start, 0).text
        merged = table.cell(start, 0).merge(table.cell(stop - 1, 0))
        merged.text = text
        merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    doc.save(str(docx_path))


def plan_coteaux() -> dict:
    return make_plan(
        "coteaux-formulaire",
        "Contrat local de santé des Coteaux du Lignon",
        ["1. Accès à la prévention", "2. Accès aux soins"],
        [4, 4], 17, lambda a, j, n: str(n),
        ["Communauté d'agglomération des Coteaux", "Centre hospitalier de Bellerive"],
    )  # fmt: skip


def build_coteaux(plan: dict, target: Path) -> None:
    """Designed PDF: a band « Fiche action n°3 – titre » that wraps on two lines, then a form
    with the labels in a grey column on the left and the values on the right (no rules),
    partners one per line, two fiches per page."""
    pdf = DesignedPdf("Coteaux du Lignon – CLS", "CLS des Coteaux du Lignon")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.set_xy(15, 40)
    pdf.multi_cell(180, 10, plan["contrat"])
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(180, 5, FICTIF)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 10, "Axe " + current, new_x="LMARGIN", new_y="NEXT")
        elif pdf.get_y() > 150:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_fill_color(40, 80, 160)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 13)
        title = f"Fiche action n°{f['num']} – {f['intitule']} pour tous les habitants des Coteaux"
        f["intitule"] = f["intitule"] + " pour tous les habitants des Coteaux"
        pdf.multi_cell(180, 7, title, fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        for label, lines in (
            ("Pilote", [f["porteur"]]),
            ("Partenaires", f["partenaires_list"]),
            ("Public cible", [f["public"]]),
            ("Description", [f["description"]]),
        ):
            y = pdf.get_y()
            pdf.set_fill_color(225, 225, 225)
            pdf.rect(15, y, 40, 5 * len(lines) + 1, style="F")
            pdf.set_xy(16, y + 0.5)
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(38, 5, label)
            pdf.set_font("Helvetica", size=9)
            for k, line in enumerate(lines):
                pdf.set_xy(70, y + 0.5 + 5 * k)
                pdf.cell(125, 5, line[:90])
            pdf.set_y(y + 5 * len(lines) + 3)
        f["axe"] = "Axe " + f["axe"]
    pdf.output(str(target))


def plan_bastide() -> dict:
    return make_plan(
        "bastide-sections",
        "Contrat local de santé de la Bastide-sur-Orbe",
        ["AXE 1 - Promouvoir la santé des jeunes", "AXE 2 - Soutenir les aidants", "AXE 3 - Habiter sain"],
        [3, 2, 3], 27, lambda a, j, n: f"{a}.{j}",
        ["Ville de la Bastide-sur-Orbe", "CCAS de la Bastide"],
    )  # fmt: skip


def build_bastide(plan: dict, target: Path) -> None:
    """Word: Heading 1 axes, Heading 2 « Fiche action 1.1 : titre », fields as Heading 3
    sub-headings with bullet lists, a « Synthèse des fiches actions » table, a glossary table."""
    doc = new_docx(plan["contrat"])
    doc.add_heading(plan["contrat"], 0)
    doc.add_heading("Préambule", 1)
    doc.add_paragraph(FICTIF)
    doc.add_paragraph("Le contrat a été élaboré avec les habitants lors de six ateliers.")
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            doc.add_heading(current, 1)
        doc.add_heading(f"Fiche action {f['num']} : {f['intitule']}", 2)
        doc.add_heading("Porteur de l'action", 3)
        doc.add_paragraph(f["porteur"], style="List Bullet")
        doc.add_heading("Partenaires", 3)
        for p in f["partenaires_list"]:
            doc.add_paragraph(p, style="List Bullet")
        doc.add_heading("Publics visés", 3)
        doc.add_paragraph(f["public"], style="List Bullet")
        doc.add_heading("Modalités de mise en œuvre", 3)
        doc.add_paragraph(f["description"])
    doc.add_heading("Synthèse des fiches actions", 1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for c, h in enumerate(("Fiche", "Intitulé", "Porteur")):
        table.rows[0].cells[c].text = h
    for f in plan["fiches"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f["num"], f["intitule"], f["porteur"]
    doc.add_heading("Glossaire", 1)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Sigle", "Définition"
    for a, b in (("CLS", "Contrat local de santé"), ("ARS", "Agence régionale de santé")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = a, b
    doc.save(str(target))


def plan_plaine() -> dict:
    return make_plan(
        "plaine-fiches-longues",
        "Contrat local de santé de la Plaine d'Ambre",
        ["Axe 1 – Accès aux soins", "Axe 2 – Prévention"],
        [3, 3], 12, lambda a, j, n: f"{a}.{j}",
        ["Ville d'Ambre", "Centre hospitalier de Bellerive"],
    )  # fmt: skip


def build_plaine(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF: each fiche is one long 2-column table that runs over the next page (a
    row cut by the page), under a « FICHE ACTION 1.1 : titre » heading."""
    doc = new_docx(plan["contrat"])
    header_footer(doc, "CLS de la Plaine d'Ambre", "Plaine d'Ambre")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    steps = (
        "Réunir les partenaires, partager le diagnostic et fixer le calendrier des actions. "
        "Les séances ont lieu dans les communes, au plus près des habitants concernés, avec "
        "un bilan à chaque étape et une restitution au comité de pilotage du contrat. "
    )
    for f in plan["fiches"]:
        page_break(doc)
        doc.add_heading(f"FICHE ACTION {f['num']} : {f['intitule']}", 1)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        rows = [("Axe", [f["axe"]]), ("Pilote", [f["porteur"]]), ("Partenaires", f["partenaires_list"]),
                ("Public visé", [f["public"]]), ("Description", [f["description"]])]  # fmt: skip
        rows += [(f"Étape {k}", [steps * 2]) for k in range(1, 7)]
        rows += [("Calendrier", [f["calendrier"]]), ("Indicateurs", ["Nombre de participants"])]
        for label, lines in rows:
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            cell_lines(cells[1], lines)
    doc.save(str(docx_path))


def plan_serein() -> dict:
    return make_plan(
        "serein-bandes-cadres",
        "Contrat local de santé du Val de Serein",
        ["AXE 1 | Prévenir et promouvoir", "AXE 2 | Soigner au plus près", "AXE 3 | Vieillir chez soi"],
        [4, 3, 4], 24, lambda a, j, n: str(n),
        ["Communauté de communes du Serein", "Ville de Noyers-le-Val", "CCAS de Noyers"],
    )  # fmt: skip


def _fit(text: str, width: int = 38) -> str:
    """A name cut to what fits in a box column, at a word, without a dangling small word."""
    if len(text) <= width:
        return text
    words = text[:width].rsplit(" ", 1)[0].split()
    while words and words[-1].lower() in ("de", "du", "des", "la", "le", "les", "pour", "et", "d'"):
        words.pop()
    return " ".join(words)


def build_serein(plan: dict, target: Path) -> None:
    """Designed PDF like plan 3 but: the box around « Pilote(s) | Partenaires associés |
    Public(s) visé(s) » has only an outer frame (no rules between columns), the band's long
    titles wrap on two lines, the preamble is in two columns, fiches flow several per page."""
    pdf = DesignedPdf("Val de Serein – CLS 2026-2030", "Contrat local de santé du Val de Serein")
    pdf.add_page()
    pdf.set_fill_color(120, 30, 60)
    pdf.rect(0, 0, 210, 70, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(15, 25)
    pdf.multi_cell(180, 10, plan["contrat"])
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=9.5)
    text = (
        "Le Val de Serein compte dix-huit communes rurales et deux bourgs-centres. Le diagnostic "
        "partagé a souligné l'isolement des aînés, la fragilité de l'offre de premier recours et "
        "le besoin de prévention auprès des jeunes. " + FICTIF + " Chaque fiche ci-après dit qui "
        "la pilote, avec quels partenaires et pour quels publics."
    )
    cut = text.rfind(" ", 0, len(text) // 2)
    pdf.set_xy(15, 85)
    pdf.multi_cell(85, 4.5, text[:cut], align="L")
    pdf.set_xy(110, 85)
    pdf.multi_cell(85, 4.5, text[cut + 1 :], align="L")
    pdf.set_y(140)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            nums = [g["num"] for g in plan["fiches"] if g["axe"] == current]
            if pdf.get_y() > 200:
                pdf.add_page()
            pdf.ln(3)
            pdf.set_fill_color(120, 30, 60)
            pdf.set_text_color(255, 255, 255)
            pdf.set_font("Helvetica", "B", 13)
            pdf.cell(0, 9, current, fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "I", 9)
            pdf.cell(0, 6, "Fiches n° " + ", ".join(nums), fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)
        if pdf.get_y() > 205:
            pdf.add_page()
        f["intitule"] = f["intitule"] + " sur l'ensemble des communes du Val de Serein"
        pdf.set_fill_color(230, 200, 210)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(
            180,
            6,
            f"FICHE N°{f['num']} | {f['intitule']}",
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
        x0, y0, w = 15, pdf.get_y(), 60
        f["partenaires_list"] = [_fit(p) for p in f["partenaires_list"]]
        f["porteur"], f["public"] = _fit(f["porteur"]), _fit(f["public"])
        values = [[f["porteur"]], f["partenaires_list"], [f["public"]]]
        height = 7 + max(len(v) for v in values) * 4.5 + 3
        pdf.rect(x0, y0, 180, height)
        pdf.set_font("Helvetica", "B", 9)
        for i, h in enumerate(("Pilote(s)", "Partenaires associés", "Public(s) visé(s)")):
            pdf.set_xy(x0 + 2 + i * w, y0 + 1)
            pdf.cell(w - 4, 5, h)
        pdf.set_font("Helvetica", size=9)
        for i, v in enumerate(values):
            for k, line in enumerate(v):
                pdf.set_xy(x0 + 2 + i * w, y0 + 7 + 4.5 * k)
                pdf.cell(w - 4, 4.5, line)
        pdf.set_xy(15, y0 + height + 2)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(180, 4.5, f["description"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(target))



# --- 23-25: a fourth batch, written after the third round of changes ---------------------------


def plan_oise() -> dict:
    return make_plan(
        "haute-oise-bandeau-deux-tailles",
        "Contrat local de santé de la Haute-Oisette",
        ["AXE 1 – Accès aux droits", "AXE 2 – Santé des jeunes"],
        [4, 3], 19, lambda a, j, n: f"{a}.{j}",
        ["Communauté de communes de la Haute-Oisette", "Maison de santé de l'Oisette"],
    )  # fmt: skip


def build_oise(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF: the band is « FICHE ACTION » in large type then « N° 2.1 – titre »
    below in a smaller one, a typed table of contents, a 4-column identity table whose labels
    are « Porteur(s) », « Partenaires », « Public(s) », « Calendrier »."""
    doc = new_docx("")
    header_footer(doc, "Haute-Oisette – plan d'actions", "CLS de la Haute-Oisette")
    cover(doc, plan["contrat"], "2026-2030")
    bold_para(doc, "Sommaire", 14)
    for k, f in enumerate(plan["fiches"], start=3):
        para = doc.add_paragraph()
        para.paragraph_format.tab_stops.add_tab_stop(Cm(16), leader=WD_TAB_LEADER.DOTS)
        para.add_run(f"N° {f['num']} – {f['intitule']}\t{k}")
    current = ""
    for f in plan["fiches"]:
        page_break(doc)
        if f["axe"] != current:
            current = f["axe"]
        bold_para(doc, current, 11, "7F7F7F")
        shade(bold_para(doc, "FICHE ACTION", 18)._p, "E2EFDA")
        shade(bold_para(doc, f"N° {f['num']} – {f['intitule']}", 12)._p, "E2EFDA")
        table = doc.add_table(rows=2, cols=4)
        table.style = "Table Grid"
        cells = table.rows[0].cells
        cell_lines(cells[0], ["Porteur(s)"], bold=True)
        cell_lines(cells[1], [f["porteur"]])
        cell_lines(cells[2], ["Public(s)"], bold=True)
        cell_lines(cells[3], [f["public"]])
        cells = table.rows[1].cells
        cell_lines(cells[0], ["Partenaires"], bold=True)
        cell_lines(cells[1], f["partenaires_list"])
        cell_lines(cells[2], ["Calendrier"], bold=True)
        cell_lines(cells[3], [f["calendrier"]])
        bold_para(doc, "Objectifs de l'action")
        doc.add_paragraph(f["description"])
        bold_para(doc, "Résultats attendus")
        doc.add_paragraph("Une amélioration mesurable de la situation.")
    doc.save(str(docx_path))


def plan_vire() -> dict:
    plan = make_plan(
        "vire-tableaux-seuls",
        "Contrat local de santé Vire et Bocage",
        ["Axe 1 : Santé environnement", "Axe 2 : Parcours de santé", "Axe 3 : Prévention"],
        [2, 3, 3], 6, lambda a, j, n: f"{a}-{j}",
        ["Ville de Vire", "CCAS de Vire", "Centre hospitalier de Bellerive"],
    )  # fmt: skip
    return plan


def build_vire(plan: dict, target: Path) -> None:
    """Word, fiches made of tables only: the axis in a merged first row, « Numéro de la fiche »
    and « Intitulé de l'action » rows, uncommon labels (« Pilote(s) et co-pilote(s) »,
    « Partenaires opérationnels », « Public(s) ciblé(s) »), partners typed as « - » lines in
    one paragraph, an empty paragraph between fiches, a glossary table at the end."""
    doc = new_docx("Document1")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    for f in plan["fiches"]:
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        row = table.add_row()
        row.cells[0].merge(row.cells[1])
        row.cells[0].paragraphs[0].add_run(f["axe"]).bold = True
        for label, value in (
            ("Numéro de la fiche", f["num"]),
            ("Intitulé de l'action", f["intitule"]),
            ("Pilote(s) et co-pilote(s)", f["porteur"]),
            ("Partenaires opérationnels", "\n".join(f"- {p}" for p in f["partenaires_list"])),
            ("Public(s) ciblé(s)", f["public"]),
            ("Contenu de l'action", f["description"]),
        ):
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            cells[1].paragraphs[0].add_run(value.split("\n")[0])
            for line in value.split("\n")[1:]:
                cells[1].paragraphs[0].add_run().add_break()
                cells[1].paragraphs[0].add_run(line)
        doc.add_paragraph()
    doc.add_heading("Glossaire", 1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for a, b in (("CCAS", "Centre communal d'action sociale"), ("CLS", "Contrat local de santé")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = a, b
    doc.save(str(target))


def plan_ance() -> dict:
    return make_plan(
        "ance-cartes-deux-colonnes",
        "Contrat local de santé du Pays d'Ance",
        ["Axe 1 – Bien vivre", "Axe 2 – Bien se soigner"],
        [4, 4], 2, lambda a, j, n: f"{a}.{j}",
        ["Pays d'Ance", "Centre social Les Tilleuls", "Ville de Saint-Ance"],
    )  # fmt: skip


def build_ance(plan: dict, target: Path) -> None:
    """Designed PDF: fiche cards two per row (two columns of cards on the page), each with a
    coloured band « Fiche 1.1 » above its title and « Porteur : » / « Partenaires : » /
    « Public : » lines."""
    pdf = DesignedPdf("Pays d'Ance – CLS", "Contrat local de santé du Pays d'Ance")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.set_xy(15, 40)
    pdf.multi_cell(180, 10, plan["contrat"])
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(180, 5, FICTIF)
    by_axis: dict[str, list[dict]] = {}
    for f in plan["fiches"]:
        by_axis.setdefault(f["axe"], []).append(f)
    for axis, fiches in by_axis.items():
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, axis, new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y() + 2
        for k in range(0, len(fiches), 2):
            bottom = y
            for col, f in enumerate(fiches[k : k + 2]):
                x = 15 + col * 95
                pdf.set_fill_color(200, 90, 20)
                pdf.set_text_color(255, 255, 255)
                pdf.set_font("Helvetica", "B", 10)
                pdf.set_xy(x, y)
                pdf.cell(85, 6, f"Fiche {f['num']}", fill=True)
                pdf.set_text_color(0, 0, 0)
                pdf.set_font("Helvetica", "B", 10)
                pdf.set_xy(x, y + 8)
                pdf.multi_cell(85, 5, f["intitule"], align="L")
                yy = pdf.get_y() + 1
                pdf.set_font("Helvetica", size=9)
                partners = ", ".join(f["partenaires_list"])
                f["partenaires_text"] = partners
                for label, value in (("Porteur", f["porteur"]), ("Partenaires", partners), ("Public", f["public"])):
                    pdf.set_xy(x, yy)
                    pdf.multi_cell(85, 4.5, f"{label} : {value}", align="L")
                    yy = pdf.get_y() + 1
                bottom = max(bottom, yy)
            y = bottom + 8
    pdf.output(str(target))



# --- 26-27: a fifth batch ---------------------------------------------------------------------


def plan_lande() -> dict:
    return make_plan(
        "lande-sections-pdf",
        "Contrat local de santé de la Lande Haute",
        ["AXE STRATÉGIQUE N°1 - Agir tôt", "AXE STRATÉGIQUE N°2 - Agir ensemble"],
        [4, 4], 31, lambda a, j, n: f"{a}.{j}",
        ["Communauté de communes de la Lande Haute", "Ville de Lande", "CCAS de Lande"],
    )  # fmt: skip


def build_lande(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF of headed sections: « Action n°1.1 » heading with the title on the next
    line of the heading (a line break), « Label : » paragraphs whose values are on the next
    lines (line breaks), a recap table at the end that runs over a page break."""
    doc = new_docx(plan["contrat"])
    header_footer(doc, "CLS de la Lande Haute", "Lande Haute")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    current = ""
    for f in plan["fiches"]:
        if f["axe"] != current:
            current = f["axe"]
            doc.add_heading(current, 1)
        head = doc.add_heading(f"Action n°{f['num']}", 2)
        head.runs[0].add_break()
        head.add_run(f["intitule"])
        for label, lines in (
            ("Porteur", [f["porteur"]]),
            ("Partenaires", f["partenaires_list"]),
            ("Public", [f["public"]]),
            ("Description", [f["description"]]),
        ):
            para = doc.add_paragraph()
            para.add_run(f"{label} :").bold = True
            for line in lines:
                para.add_run().add_break()
                para.add_run(line)
    page_break(doc)
    doc.add_heading("Tableau récapitulatif des actions", 1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for c, h in enumerate(("N°", "Intitulé", "Porteur")):
        table.rows[0].cells[c].text = h
    repeat_header(table.rows[0])
    for _ in range(3):  # long enough to run over a page
        for f in plan["fiches"][:0]:
            pass
    for f in plan["fiches"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f["num"], f["intitule"], f["porteur"]
    doc.save(str(docx_path))


def plan_foret() -> dict:
    plan = make_plan(
        "foret-desordonne",
        "Contrat local de santé de la Forêt d'Orient-Haut",
        ["Axe 1 : Environnement", "Axe 2 : Solidarités"],
        [4, 4], 35, lambda a, j, n: str(n),
        ["Mairie de Forêt-Haut", "CCAS de la Forêt", "Association Entraide Rurale"],
    )  # fmt: skip
    return plan


def build_foret(plan: dict, target: Path) -> None:
    """Messy Word: « Fiche n°3 » headings without title, the title in an « Intitulé » row of
    the fiche table, partners in one cell separated by manual line breaks, a Word table of
    contents (TOC styles), an axis written in a bold paragraph « Axe 1 : … », and two fiches whose
    table has a « Fiche n°4 (suite) » row after a page break."""
    doc = new_docx("Fiche-action-modele")
    bold_para(doc, plan["contrat"], 20)
    toc = doc.styles.add_style("TOC 1", 1) if "TOC 1" not in [st.name for st in doc.styles] else doc.styles["TOC 1"]
    for f in plan["fiches"]:
        doc.add_paragraph(f"Fiche n°{f['num']} – {f['intitule']}\t5", style=toc)
    current = ""
    for i, f in enumerate(plan["fiches"]):
        if f["axe"] != current:
            current = f["axe"]
            bold_para(doc, current, 14)
        doc.add_heading(f"Fiche n°{f['num']}", 2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        rows = [("Intitulé", f["intitule"]), ("Responsable", f["porteur"]),
                ("Partenaires", "\n".join(f["partenaires_list"])), ("Population ciblée", f["public"])]  # fmt: skip
        split = i in (3, 6)
        for label, value in rows[: 3 if split else 4]:
            cells = table.add_row().cells
            cell_lines(cells[0], [label], bold=True)
            first, *rest = value.split("\n")
            cells[1].paragraphs[0].add_run(first)
            for line in rest:
                cells[1].paragraphs[0].add_run().add_break()
                cells[1].paragraphs[0].add_run(line)
        if split:
            page_break(doc)
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            row = table.add_row()
            row.cells[0].merge(row.cells[1])
            row.cells[0].text = f"Fiche n°{f['num']} (suite)"
            cells = table.add_row().cells
            cell_lines(cells[0], ["Population ciblée"], bold=True)
            cell_lines(cells[1], [f["public"]])
        doc.add_paragraph()
    doc.save(str(target))



# --- 28-29: a sixth batch ---------------------------------------------------------------------


def plan_estuaire() -> dict:
    return make_plan(
        "estuaire-tableau-word",
        "Contrat local de santé de l'Estuaire Vert",
        ["Axe 1 – Accès aux soins", "Axe 2 – Cadre de vie"],
        [5, 5], 3, lambda a, j, n: f"A{n}",
        ["Ville de Port-Estuaire", "Communauté de l'Estuaire Vert"],
    )  # fmt: skip


def build_estuaire(plan: dict, target: Path) -> None:
    """Word, landscape: one plan table per axis (the axis as a heading above it), the id on
    the first line of the action cell and the title below, partners one per paragraph."""
    doc = new_docx(plan["contrat"], landscape=True)
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    by_axis: dict[str, list[dict]] = {}
    for f in plan["fiches"]:
        by_axis.setdefault(f["axe"], []).append(f)
    for axis, fiches in by_axis.items():
        doc.add_heading(axis, 1)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for c, h in enumerate(("Action", "Pilote", "Partenaires", "Public visé")):
            cell_lines(table.rows[0].cells[c], [h], bold=True)
        for f in fiches:
            cells = table.add_row().cells
            cell_lines(cells[0], [f["num"], f["intitule"]])
            cell_lines(cells[1], [f["porteur"]])
            cell_lines(cells[2], f["partenaires_list"])
            cell_lines(cells[3], [f["public"]])
    doc.save(str(target))


def plan_bruyeres() -> dict:
    return make_plan(
        "bruyeres-tableau-objectifs",
        "Contrat local de santé des Bruyères",
        ["Axe 1 – Santé des jeunes", "Axe 2 – Santé des aînés"],
        [5, 5], 9, lambda a, j, n: f"{a}.{j}",
        ["Ville des Bruyères", "CCAS des Bruyères"],
    )  # fmt: skip


def build_bruyeres(plan: dict, docx_path: Path) -> None:
    """LibreOffice PDF, landscape: one table per axis under its heading, an « Objectif
    opérationnel » column before the actions, « N° » and « Actions » columns, an
    « Indicateurs » column; the tables run over pages without repeating their header."""
    doc = new_docx(plan["contrat"], landscape=True)
    header_footer(doc, "CLS des Bruyères", "Les Bruyères")
    doc.add_heading(plan["contrat"], 0)
    doc.add_paragraph(FICTIF)
    by_axis: dict[str, list[dict]] = {}
    for f in plan["fiches"]:
        by_axis.setdefault(f["axe"], []).append(f)
    for axis, fiches in by_axis.items():
        doc.add_heading(axis, 1)
        headers = ("Objectif opérationnel", "N°", "Actions", "Porteur", "Partenaires", "Public", "Indicateurs")
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for c, h in enumerate(headers):
            cell_lines(table.rows[0].cells[c], [h], bold=True)
        for k, f in enumerate(fiches):
            cells = table.add_row().cells
            cells[0].text = "Réduire les inégalités d'accès" if k < 3 else "Renforcer la prévention"
            cells[1].text = f["num"]
            cells[2].text = f["intitule"]
            cells[3].text = f["porteur"]
            cell_lines(cells[4], f["partenaires_list"])
            cells[5].text = f["public"]
            cells[6].text = "Nombre de personnes touchées, satisfaction des participants"
    doc.save(str(docx_path))


# --- main ----------------------------------------------------------------------------------

PLANS = [
    (plan_vercorelle, build_vercorelle, "pdf-lo"),
    (plan_hautes_combes, build_hautes_combes, "pdf-lo"),
    (plan_brenne, build_brenne, "pdf"),
    (plan_lauzes, build_lauzes, "pdf"),
    (plan_orgelet, build_orgelet, "pdf-lo"),
    (plan_piemont, build_piemont, "docx"),
    (plan_rives, build_rives, "docx"),
    (plan_aubrac, build_aubrac, "docx"),
    (plan_cerne, build_cerne, "pdf-lo"),
    (plan_montferrand, build_montferrand, "docx"),
    (plan_lisiere, build_lisiere, "docx"),
    (plan_causse, build_causse, "docx"),
    (plan_ardoise, build_ardoise, "pdf-lo"),
    (plan_marais, build_marais, "pdf-lo"),
    (plan_gaves, build_gaves, "pdf"),
    (plan_olonne, build_olonne, "docx"),
    (plan_haut_vallon, build_haut_vallon, "pdf-lo"),
    (plan_loue, build_loue, "pdf-lo"),
    (plan_coteaux, build_coteaux, "pdf"),
    (plan_bastide, build_bastide, "docx"),
    (plan_plaine, build_plaine, "pdf-lo"),
    (plan_serein, build_serein, "pdf"),
    (plan_oise, build_oise, "pdf-lo"),
    (plan_vire, build_vire, "docx"),
    (plan_ance, build_ance, "pdf"),
    (plan_lande, build_lande, "pdf-lo"),
    (plan_foret, build_foret, "docx"),
    (plan_estuaire, build_estuaire, "docx"),
    (plan_bruyeres, build_bruyeres, "pdf-lo"),
]


def main() -> None:
    no_pdf = "--sans-pdf" in sys.argv
    EXPECTED.mkdir(exist_ok=True)
    for make, build, kind in PLANS:
        plan = make()
        name = plan["name"]
        if kind == "pdf-lo":
            target = HERE / f"{name}.pdf"
            if no_pdf:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                source = Path(tmp) / f"{name}.docx"
                build(plan, source)
                to_pdf(source, target)
        elif kind == "pdf":
            target = HERE / f"{name}.pdf"
            build(plan, target)
        else:
            target = HERE / f"{name}.docx"
            build(plan, target)
        rows = expected(plan)
        with (EXPECTED / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{target.name} : {len(rows)} fiches")


if __name__ == "__main__":
    main()

"""Reading action plans from Word, PDF and text documents: the demo plans field by field, field
name variants, the import report, ``extraire`` and its round trip into ``categoriser``'s reader,
and the documents that must be refused with one French line and no output."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cloterres.errors import InputError
from cloterres.plans import ReadReport, read_measures
from cloterres.plans.fields import field_of, split_label
from tests.conftest import DEMO


def shown(path: Path) -> str:
    """A file as the workbooks show it: relative to the working folder when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


PLANS = DEMO / "plans"
DOCUMENTS = sorted(PLANS.glob("*.docx")) + sorted(PLANS.glob("*.pdf"))
EXTRA_KEYS = {
    "objectif": "Objectif",
    "territoire": "Territoire",
    "calendrier": "Calendrier",
    "financement": "Financement",
    "indicateurs": "Indicateurs",
}


def read(*paths: Path):
    report = ReadReport()
    measures = list(read_measures(list(paths), report))
    return measures, report


def expected(document: Path) -> list[dict]:
    lines = (PLANS / "attendu" / f"{document.stem}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in lines.splitlines()]


def as_record(measure) -> dict:  # noqa: ANN001
    record = {
        name: getattr(measure, name)
        for name in ("id", "contrat", "axe", "intitule", "description", "porteur")
    }
    record["partenaires"] = measure.partenaires
    record["public"] = measure.public
    for key, label in EXTRA_KEYS.items():
        record[key] = measure.extra.get(label, "")
    return record


@pytest.fixture(scope="module")
def demo_read():
    """The four demo plans read once for the module: (measures, report)."""
    return read(*DOCUMENTS)


def test_demo_documents_are_the_four_layouts():
    names = [p.name for p in DOCUMENTS]
    assert names == [
        "cls-belcastel-sections.docx",
        "cls-val-d-arnon-fiches.docx",
        "cls-monts-d-aubrelle-fiches.pdf",
        "cls-rochebrune-vaulx-tableau.pdf",
    ]
    for path in DOCUMENTS:
        assert 10 <= len(expected(path)) <= 25


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_demo_plan_extracted_field_by_field(document, demo_read):
    measures = [m for m in demo_read[0] if m.source.fichier == str(document)]
    want = expected(document)
    assert [m.id for m in measures] == [w["id"] for w in want]
    for measure, wanted in zip(measures, want, strict=True):
        got = as_record(measure)
        for key, value in wanted.items():
            assert got[key] == value, f"{wanted['id']} {key}"
        assert measure.source.fichier == str(document)


def test_sources_point_back_to_page_paragraph_table_and_row(demo_read):
    by_id = {m.id: m for m in demo_read[0]}
    # fiche per page: cover page 1, then fiche 1.1 on page 2 ... 2.1 on page 5
    assert by_id["MA-2.1"].source.page == 5
    assert by_id["MA-2.1"].source.describe().endswith("cls-monts-d-aubrelle-fiches.pdf, page 5")
    # plan table: header row 1, axis row 2, actions 1-4 rows 3-6, axis row 7, action 5 row 8
    rv5 = by_id["RV-5"].source
    assert (rv5.page, rv5.tableau, rv5.ligne) == (1, 1, 8)
    # fiche tables: 2.1 has its marker in its table (the 5th table), 1.1 is opened by a heading
    assert by_id["VA-2.1"].source.tableau == 5
    assert by_id["VA-1.1"].source.paragraphe is not None
    # headed sections: the unnumbered action gets a generated id and its heading's paragraph
    assert by_id["BL-M5"].intitule == "Aménager des îlots de fraîcheur dans les cours d'école"
    assert by_id["BL-M5"].source.paragraphe > by_id["BL-1.2.1"].source.paragraphe


def test_import_report_counts_fields_and_lists_what_was_skipped(demo_read):
    _, report = demo_read
    docs = {Path(d.fichier).stem: d for d in report.documents}
    va = docs["cls-val-d-arnon-fiches"]
    assert (va.format, va.mesures, len(va.axes), va.tableaux) == ("Word (.docx)", 11, 3, 12)
    want = expected(PLANS / "cls-val-d-arnon-fiches.docx")
    for name in ("porteur", "territoire", "calendrier", "financement", "indicateurs"):
        assert va.champs[name] == sum(1 for w in want if w[name]), name
    assert va.contrat == "CLS du Val d'Arnon 2024-2028"
    assert len(va.ignores) == 1 and va.ignores[0].startswith(
        "tableau 12 (3 ligne(s) × 3 colonne(s))"
    )
    assert "4 ligne(s) de sommaire ignorée(s)" in va.remarques[0]
    rv = docs["cls-rochebrune-vaulx-tableau"]
    assert (rv.pages, rv.tableaux, rv.mesures) == (2, 2, 14)
    assert rv.missing == ["Objectif", "Description", "Territoire", "Financement", "Indicateurs"]
    assert rv.axes == [
        "Axe 1 – Santé environnementale",
        "Axe 2 – Parcours de santé des personnes vulnérables",
        "Axe 3 – Santé des jeunes",
    ]
    lines = docs["cls-belcastel-sections"].lines()
    assert lines[0].endswith(
        ": 3 axe(s), 11 mesure(s), contrat « CLS de Belcastel-sur-Lys 2025-2029 »"
    )
    assert "  champs absents : territoire, financement, indicateurs" in lines


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Intitulé de l'action", "intitule"),
        ("TITRE", "intitule"),
        ("Pilote(s)", "porteur"),
        ("Porteur(s) de l'action :", "porteur"),
        ("Structure porteuse", "porteur"),
        ("Partenaires associés", "partenaires"),
        ("Public(s) cible(s)", "public"),
        ("Public visé", "public"),
        ("Bénéficiaires", "public"),
        ("Territoire(s)", "territoire"),
        ("Calendrier / échéancier", "calendrier"),
        ("Échéances", "calendrier"),
        ("Financement(s)", "financement"),
        ("Budget prévisionnel", "financement"),
        ("Modalités de financement", "financement"),
        ("Indicateur(s) d'évaluation", "indicateurs"),
        ("Modalités d'évaluation", "indicateurs"),
        ("Objectif(s) opérationnel(s)", "objectif"),
        ("Obj. spécifique", "objectif"),
        ("Indic.", "indicateurs"),
        ("Axe stratégique", "axe"),
        ("N° de fiche", "id"),
        ("Actions à mettre en œuvre", "description"),
        ("Descriptif", "description"),
        ("Contexte", None),
        ("Résultats attendus", None),
        ("Moyens humains", None),
        ("Deux actions complémentaires sont prévues pour cette raison", None),
    ],
)
def test_field_name_variants(label, field):
    assert field_of(label) == field


def test_label_value_paragraphs():
    assert split_label("Porteur(s) : CCAS de Belcastel") == (
        "porteur",
        "Porteur(s)",
        "CCAS de Belcastel",
    )
    assert split_label("Partenaires :") == ("partenaires", "Partenaires", "")
    assert split_label("Le projet : une idée simple") is None


MARKDOWN_PLAN = """\
# Contrat local de santé de Fontbelle 2025-2029 (fictif)

Plan fictif écrit pour les tests.

## Axe 1 – Accès aux soins

### Action 1 : Ouvrir une maison de santé

Porteur : Commune de Fontbelle
Partenaires :
- ARS
- CPAM
Public cible : Habitants

Description :
Construire une maison de santé.
Accueillir quatre médecins.

### Action 2 : Recruter une coordinatrice

Porteur : Commune de Fontbelle

## Axe 2 – Prévention

| N° | Intitulé | Porteur | Public |
|----|----------|---------|--------|
| 3 | Ateliers mémoire | CCAS | Seniors |
| 4 | Dépistage itinérant | Ligue fictive | Adultes |
"""


def test_markdown_plan_with_sections_and_a_table(tmp_path):
    path = tmp_path / "plan-fontbelle.md"
    path.write_text(MARKDOWN_PLAN, encoding="utf-8")
    measures, report = read(path)
    got = [(m.id, m.axe, m.intitule, m.porteur, m.partenaires, m.public) for m in measures]
    assert got == [
        ("F-1", "Axe 1 – Accès aux soins", "Ouvrir une maison de santé", "Commune de Fontbelle", "ARS; CPAM", "Habitants"),
        ("F-2", "Axe 1 – Accès aux soins", "Recruter une coordinatrice", "Commune de Fontbelle", "", ""),
        ("F-3", "Axe 2 – Prévention", "Ateliers mémoire", "CCAS", "", "Seniors"),
        ("F-4", "Axe 2 – Prévention", "Dépistage itinérant", "Ligue fictive", "", "Adultes"),
    ]  # fmt: skip
    assert measures[0].description == "Construire une maison de santé.\nAccueillir quatre médecins."
    assert measures[0].contrat == "Contrat local de santé de Fontbelle 2025-2029 (fictif)"
    assert measures[0].source.ligne == 7
    assert measures[2].source.describe() == f"{path}, tableau 1, ligne 2"
    assert report.documents[0].format == "texte (.md)"


def test_text_plan_with_fiche_markers_and_cp1252(tmp_path):
    text = (
        "Plan fictif de Vernois\n\n"
        "AXE 2 – Santé mentale\n"
        "Fiche action n° 2.1\n"
        "Créer un groupe d’entraide\n"
        "Pilote : Association Écoute Vernois\n"
        "Public visé : adultes isolés\n"
        "Fiche action n° 2.2 : Former les élus\n"
        "Partenaires associés : UNAFAM ; CMP\n"
    )
    path = tmp_path / "vernois.txt"
    path.write_bytes(text.encode("cp1252"))
    measures, _ = read(path)
    got = [(m.id, m.axe, m.intitule, m.porteur, m.public, m.partenaires) for m in measures]
    assert got == [
        ("V-2.1", "AXE 2 – Santé mentale", "Créer un groupe d’entraide", "Association Écoute Vernois", "adultes isolés", ""),
        ("V-2.2", "AXE 2 – Santé mentale", "Former les élus", "", "", "UNAFAM ; CMP"),
    ]  # fmt: skip


def test_docx_plan_table_with_merged_axis_cells_and_numbers_restarting(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_heading("CLS fictif de Lormes-Saint-Vit", 0)
    table = doc.add_table(rows=5, cols=4)
    rows = [
        ("Axe", "N°", "Action", "Porteur(s)"),
        ("Axe 1 – Accès aux soins", "1", "Ouvrir un centre de soins", "Ville"),
        ("", "2", "Recruter des infirmiers", "Hôpital"),
        ("Axe 2 – Prévention", "1", "Ateliers nutrition", "CCAS"),
        ("", "2", "Dépistage", "Ligue"),
    ]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if value:
                table.rows[i].cells[j].text = value
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(3, 0).merge(table.cell(4, 0))
    path = tmp_path / "lormes.docx"
    doc.save(str(path))
    measures, _ = read(path)
    got = [(m.id, m.axe, m.intitule, m.porteur, m.source.ligne) for m in measures]
    assert got == [
        ("LSV-axe1-1", "Axe 1 – Accès aux soins", "Ouvrir un centre de soins", "Ville", 2),
        ("LSV-axe1-2", "Axe 1 – Accès aux soins", "Recruter des infirmiers", "Hôpital", 3),
        ("LSV-axe2-1", "Axe 2 – Prévention", "Ateliers nutrition", "CCAS", 4),
        ("LSV-axe2-2", "Axe 2 – Prévention", "Dépistage", "Ligue", 5),
    ]


# --- extraire ---------------------------------------------------------------------------------


def test_extraire_xlsx_round_trip_into_the_table_reader(tmp_path, run_cli, demo_read):
    out = tmp_path / "mesures.xlsx"
    code, stdout, stderr = run_cli("extraire", *DOCUMENTS, "--sortie", out)
    assert code == 0, stderr
    assert "46 mesures extraites (4 fichier(s))" in stdout
    assert "Import de " in stdout and "champs absents : territoire" in stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["Mesures", "Import"]
    headers = [c.value for c in wb["Mesures"][1]]
    assert headers[:9] == [
        "Identifiant", "Contrat", "Axe", "Objectif", "Intitulé", "Description", "Porteur",
        "Partenaires", "Public",
    ]  # fmt: skip
    assert headers[-1] == "Source"
    imports = list(wb["Import"].iter_rows(values_only=True))
    assert [r[0] for r in imports[1:]] == [shown(p) for p in DOCUMENTS]
    assert [r[7] for r in imports[1:]] == [11, 11, 10, 14]

    original = demo_read[0]
    again, report = read(out)
    assert len(again) == len(original) == 46
    for first, second in zip(original, again, strict=True):
        for name in ("id", "contrat", "axe", "intitule", "description", "porteur"):
            assert getattr(first, name) == getattr(second, name)
        assert (first.partenaires, first.public) == (second.partenaires, second.public)
        extra = dict(second.extra)
        assert extra.pop("Source") == first.source.describe()
        assert extra == first.extra
    assert report.documents[0].format == "classeur Excel"


def test_extraire_csv_and_jsonl(tmp_path, run_cli):
    plan = PLANS / "cls-rochebrune-vaulx-tableau.pdf"
    csv_out, jsonl_out = tmp_path / "m.csv", tmp_path / "m.jsonl"
    code, _, _ = run_cli("extract", plan, "--out", csv_out, "-q")
    assert code == 0
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert (
        lines[0]
        == "Identifiant;Contrat;Axe;Intitulé;Description;Porteur;Partenaires;Public;Calendrier;Source"
    )
    assert lines[1].startswith("RV-1;CLS de l'agglomération de Rochebrune-Vaulx 2023-2027;Axe 1")
    code, stdout, _ = run_cli("extraire", plan, "--sortie", jsonl_out, "--silencieux")
    assert code == 0 and stdout == ""
    objs = [json.loads(line) for line in jsonl_out.read_text(encoding="utf-8").splitlines()]
    assert objs[4]["id"] == "RV-5"
    assert objs[4]["autres_colonnes"] == {"Calendrier": "2024"}
    assert objs[4]["source"] == {"fichier": str(plan), "ligne": 8, "page": 1, "tableau": 1}


def test_categoriser_reads_documents_and_writes_the_import_sheet(tmp_path, run_cli, coder):
    out = tmp_path / "c.xlsx"
    plan = PLANS / "cls-val-d-arnon-fiches.docx"
    code, stdout, stderr = run_cli("categoriser", plan, "--sortie", out)
    assert code == 0, stderr
    assert stdout.startswith(f"Import de {plan} (Word (.docx), 32 paragraphe(s), 12 tableau(x))")
    assert "11 mesures catégorisées (1 fichier(s)" in stdout
    wb = load_workbook(out)
    rows = list(wb["Import"].iter_rows(values_only=True))
    assert rows[1][:8] == (
        shown(plan),
        "Word (.docx)",
        None,
        32,
        12,
        "CLS du Val d'Arnon 2024-2028",
        3,
        11,
    )
    assert "tableau 12" in rows[1][rows[0].index("Éléments ignorés (motif)")]
    sheet = wb["Mesures"]
    headers = [c.value for c in sheet[1]]
    source = sheet.cell(2, headers.index("Source") + 1).value
    assert source.startswith(f"{plan}, paragraphe ")


# --- documents that cannot be read ------------------------------------------------------------


def _scanned_pdf(path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (120, 160), "white")
    for x in range(10, 110):
        image.putpixel((x, 40), (0, 0, 0))
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=120)
    pdf.output(str(path))


def _protected_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Fiche action n° 1 : texte protégé")
    pdf.set_encryption(owner_password="proprietaire", user_password="secret")
    pdf.output(str(path))


def _truncated_docx(path: Path) -> None:
    data = (PLANS / "cls-belcastel-sections.docx").read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _docx_without_measures(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Compte rendu du comité de pilotage (fictif)", 1)
    doc.add_paragraph("La séance est ouverte à 14 heures.")
    doc.add_heading("Points divers", 2)
    doc.add_paragraph("Prochaine réunion en juin.")
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "Présents"
    doc.save(str(path))


def _docx_with_broken_body(path: Path) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(PLANS / "cls-belcastel-sections.docx") as src,
        zipfile.ZipFile(buffer, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[:500]
            dst.writestr(item, data)
    path.write_bytes(buffer.getvalue())


UNREADABLE = [
    (
        "scan.pdf",
        _scanned_pdf,
        "scan.pdf : ce PDF ne contient pas de texte (2 page(s), 2 image(s)) : c'est un "
        "document numérisé ; passez-le d'abord dans un logiciel de reconnaissance de "
        "caractères (OCR",
    ),
    ("protege.pdf", _protected_pdf, "protege.pdf : PDF protégé par un mot de passe ;"),
    (
        "faux.pdf",
        lambda p: p.write_bytes(b"%PDF-1.4\nrien"),
        "faux.pdf : PDF illisible ou endommagé",
    ),
    (
        "hasard.docx",
        lambda p: p.write_bytes(bytes(range(256)) * 8),
        "hasard.docx : document Word illisible",
    ),
    ("tronque.docx", _truncated_docx, "tronque.docx : document Word illisible"),
    ("casse.docx", _docx_with_broken_body, "casse.docx : document Word"),
    (
        "compte-rendu.docx",
        _docx_without_measures,
        "aucune mesure reconnue dans {path} : 4 paragraphe(s), 1 tableau(x), titres trouvés : "
        "« Compte rendu du comité de pilotage (fictif) », « Points divers » ; vérifiez que les "
        "actions sont présentées comme « Fiche action n° … », « Action … : » ou dans un "
        "tableau, ou recopiez-les dans un tableau .xlsx",
    ),
    ("vide.txt", lambda p: p.write_text("\n\n", encoding="utf-8"), "vide.txt : document vide"),
]
# every case through extraire; one scan and one docx without measures through categoriser too
CASES = [("extraire", *case) for case in UNREADABLE] + [
    ("categoriser", *case) for case in UNREADABLE if case[0] in ("scan.pdf", "compte-rendu.docx")
]


@pytest.mark.parametrize(("command", "name", "build", "expected"), CASES)
def test_unreadable_documents_exit_2_with_one_french_line_and_no_output(
    tmp_path, run_cli, command, name, build, expected
):
    path = tmp_path / name
    build(path)
    good = PLANS / "cls-rochebrune-vaulx-tableau.pdf"
    out = tmp_path / "sortie.xlsx"
    code, stdout, stderr = run_cli(command, good, path, "--sortie", out)
    assert code == 2
    message = stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("Erreur : ")
    assert expected.format(path=path) in message
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_owner_only_protection_is_read(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Fiche action n° 7 : Ouvrir un point santé jeunes")
    pdf.set_encryption(owner_password="proprietaire")
    path = tmp_path / "droits.pdf"
    pdf.output(str(path))
    (measure,), _ = read(path)
    assert (measure.id, measure.intitule) == ("D-7", "Ouvrir un point santé jeunes")


def test_read_measures_raises_input_error_for_documents_directly(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="document Word vide"):
        read(path)


def _bold(doc, text):  # noqa: ANN001, ANN202
    doc.add_paragraph().add_run(text).bold = True


def test_messy_word_plan_bold_titles_without_numbers_band_rows_and_continued_fiche(tmp_path):
    """Issue 14: a bold title without a number followed by a fiche table or by « Pilote : »
    lines is that fiche's title; a band row « FICHE ACTION N° … | titre » opens a fiche; a
    fiche continued in a second table (« (suite) ») is one record; Symbol-font bullets go; an
    inline « ; » list keeps its separators; a template title is not the contract."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Modèle fiche action ARS"
    _bold(doc, "Contrat local de santé de Fictiville")
    _bold(doc, "AXE 1 : Prévention")
    _bold(doc, "Créer des jardins partagés")
    table = doc.add_table(rows=3, cols=2)
    for row, (label, value) in zip(table.rows, [("Pilote", "Ville"), ("Partenaires", "\uf0b7\tCCAS\n\uf0b7\tÉcoles"), ("Public", "Familles")], strict=True):  # fmt: skip
        row.cells[0].text, row.cells[1].text = label, value
    _bold(doc, "Ouvrir une permanence de santé")
    doc.add_paragraph("Pilote : CCAS")
    doc.add_paragraph("Partenaires : CPAM ; Mission locale")
    band = doc.add_table(rows=4, cols=2)
    band.rows[0].cells[0].text, band.rows[0].cells[1].text = (
        "FICHE ACTION N° 1.3",
        "Prévenir les chutes",
    )
    for row, (label, value) in zip(band.rows[1:], [("Porteur", "Hôpital"), ("Partenaires", "Kinés"), ("Public", "Seniors")], strict=True):  # fmt: skip
        row.cells[0].text, row.cells[1].text = label, value
    _bold(doc, "Action 1.4 : Former les aidants")
    first = doc.add_table(rows=2, cols=2)
    first.rows[0].cells[0].text, first.rows[0].cells[1].text = "Porteur", "Plateforme de répit"
    first.rows[1].cells[0].text, first.rows[1].cells[1].text = "Partenaires", "CLIC"
    _bold(doc, "Action 1.4 (suite)")
    second = doc.add_table(rows=2, cols=2)
    second.rows[0].cells[0].text, second.rows[0].cells[1].text = "Public", "Aidants"
    second.rows[1].cells[0].text, second.rows[1].cells[1].text = "Description", "Six séances."
    _bold(doc, "Pilotage et gouvernance du contrat")  # about the contract: no fiche's fields
    doc.add_paragraph("Pilotage : le comité de pilotage se réunit deux fois par an.")
    path = tmp_path / "fictiville.docx"
    doc.save(str(path))
    measures, report = read(path)
    got = [(m.id, m.intitule, m.axe, m.porteur, m.partenaires, m.public) for m in measures]
    assert got == [
        ("F-M1", "Créer des jardins partagés", "AXE 1 : Prévention", "Ville", "CCAS; Écoles", "Familles"),
        ("F-M2", "Ouvrir une permanence de santé", "AXE 1 : Prévention", "CCAS", "CPAM ; Mission locale", ""),
        ("F-1.3", "Prévenir les chutes", "AXE 1 : Prévention", "Hôpital", "Kinés", "Seniors"),
        ("F-1.4", "Former les aidants", "AXE 1 : Prévention", "Plateforme de répit", "CLIC", "Aidants"),
    ]  # fmt: skip
    assert measures[3].description == "Six séances."
    assert report.documents[0].contrat == "Contrat local de santé de Fictiville"
    assert any("continuée" in r for r in report.documents[0].remarques)


def test_text_plan_enjeu_axes_fa_markers_and_question_labels(tmp_path):
    text = (
        "Contrat local de santé de Pré-Fictif\n\n"
        "Enjeu 1 – Santé mentale\n"
        "FA 1.1 – Former des sentinelles\n"
        "Qui ? : Ville de Pré-Fictif\n"
        "Avec qui ? : CMP ; UNAFAM\n"
        "Pour qui ? : Agriculteurs\n"
        "Enjeux\n"
        "Le diagnostic montre un besoin.\n"
        "Enjeu 2 – Nutrition\n"
        "Fiches n° 2.1, 2.2\n"
        "FICHE N°2.1 | Cantines locales\n"
        "Porteur : Syndicat scolaire\n"
    )
    path = tmp_path / "pre-fictif.txt"
    path.write_text(text, encoding="utf-8")
    measures, _ = read(path)
    got = [(m.id, m.axe, m.intitule, m.porteur, m.partenaires, m.public) for m in measures]
    assert got == [
        ("P-1.1", "Enjeu 1 – Santé mentale", "Former des sentinelles", "Ville de Pré-Fictif", "CMP ; UNAFAM", "Agriculteurs"),
        ("P-2.1", "Enjeu 2 – Nutrition", "Cantines locales", "Syndicat scolaire", "", ""),
    ]  # fmt: skip
    assert "Le diagnostic montre un besoin." in measures[0].description


def test_recap_table_numbers_fiches_whose_headings_have_no_number(tmp_path):
    """Headings numbered by Word's automatic numbering have no number in their text: the recap
    table gives it, and creates no record of its own."""
    from docx import Document

    doc = Document()
    doc.add_heading("CLS fictif de Sauvelade", 0)
    doc.add_heading("Axe 1 – Prévention", 1)
    for title, pilot in (("Ateliers équilibre", "CCAS"), ("Dépistage itinérant", "Ligue")):
        doc.add_heading(title, 2)
        doc.add_paragraph(f"Pilote : {pilot}")
    doc.add_heading("Tableau récapitulatif des actions", 1)
    table = doc.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("N°", "Action", "Pilote"), ("1.1", "Ateliers équilibre", "CCAS"), ("1.2", "Dépistage itinérant", "Ligue")], strict=True):  # fmt: skip
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "sauvelade.docx"
    doc.save(str(path))
    measures, report = read(path)
    assert [(m.id, m.intitule, m.porteur) for m in measures] == [
        ("S-1.1", "Ateliers équilibre", "CCAS"),
        ("S-1.2", "Dépistage itinérant", "Ligue"),
    ]
    assert any("fusionné avec 2 fiche(s)" in item for item in report.documents[0].ignores)


def test_axis_repeated_atop_each_page_does_not_cut_the_fiche(tmp_path):
    """A running header naming the current axis comes back inside a fiche over two pages: the
    fiche goes on, and the report counts the repeats."""
    text = (
        "Contrat local de santé de Val-Fictif\n\n"
        "Axe 1 – Accès aux soins\n"
        "Fiche action 1.1 : Ouvrir un centre de soins\n"
        "Porteur : Commune\n"
        "Description : première partie.\n"
        "Axe 1 – Accès aux soins\n"
        "Public : Habitants\n"
        "Axe 2 – Prévention\n"
        "Fiche action 2.1 : Ateliers nutrition\n"
        "Porteur : CCAS\n"
    )
    path = tmp_path / "val-fictif.txt"
    path.write_text(text, encoding="utf-8")
    measures, report = read(path)
    got = [(m.id, m.axe, m.intitule, m.porteur, m.public) for m in measures]
    assert got == [
        ("V-1.1", "Axe 1 – Accès aux soins", "Ouvrir un centre de soins", "Commune", "Habitants"),
        ("V-2.1", "Axe 2 – Prévention", "Ateliers nutrition", "CCAS", ""),
    ]
    assert any("rappel(s) de l'axe" in r for r in report.documents[0].remarques)


def test_word_headings_numbered_automatically_keep_the_number_shown(tmp_path):
    """Word's automatic numbering (« 1.1.1 » shown, not typed) gives the fiches their ids."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    numbering = doc.part.numbering_part.element
    texts = ["Axe %1 –", "%1.%2", "%1.%2.%3"]
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for k, text in enumerate(texts)
    )
    numbering.append(
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )

    def heading(text: str, level: int) -> None:
        para = doc.add_heading(text, level)
        numpr = parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level - 1}"/><w:numId w:val="90"/></w:numPr>'
        )
        para._p.get_or_add_pPr().append(numpr)

    doc.add_heading("CLS fictif de Numérie", 0)
    heading("Prévention", 1)
    heading("Objectif : bouger plus", 2)
    heading("Ateliers équilibre", 3)
    doc.add_paragraph("Pilote : CCAS")
    heading("Marche nordique", 3)
    doc.add_paragraph("Pilote : Club")
    heading("Soins", 1)
    heading("Objectif : soigner près", 2)
    heading("Maison de santé", 3)
    doc.add_paragraph("Pilote : Commune")
    path = tmp_path / "numerie.docx"
    doc.save(str(path))
    measures, _ = read(path)
    assert [(m.id, m.intitule, m.porteur) for m in measures] == [
        ("N-1.1.1", "Ateliers équilibre", "CCAS"),
        ("N-1.1.2", "Marche nordique", "Club"),
        ("N-2.1.1", "Maison de santé", "Commune"),
    ]
    assert measures[2].axe == "Axe 2 – Soins"


def test_unnumbered_section_without_fiche_fields_is_not_a_fiche(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_heading("CLS fictif de Sectionville", 0)
    doc.add_heading("Axe 1 – Prévention", 1)
    doc.add_heading("Présentation de l'axe", 2)
    doc.add_paragraph("Cet axe reprend les priorités du diagnostic partagé.")
    for title, pilot in (("Ateliers mémoire", "CCAS"), ("Marche nordique", "Club"), ("Dépistage", "Ligue")):  # fmt: skip
        doc.add_heading(title, 2)
        doc.add_paragraph(f"Pilote : {pilot}")
        doc.add_paragraph("Public : Seniors")
    path = tmp_path / "sectionville.docx"
    doc.save(str(path))
    measures, report = read(path)
    assert [m.intitule for m in measures] == ["Ateliers mémoire", "Marche nordique", "Dépistage"]
    assert any("« Présentation de l'axe » sans porteur" in i for i in report.documents[0].ignores)

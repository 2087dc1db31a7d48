"""``cloterres synthese`` on small hand-labelled fictional data: every figure is computed by hand
here (see tests/data/synthese/README.md), never by the library's own counting."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT
from tests.xlsx_charts import read_charts, ref_values

DATA = ROOT / "tests" / "data" / "synthese"
MEASURES = DATA / "mesures.jsonl"
INTERVIEWS = DATA / "entretiens.jsonl"
A = "CLS fictif des Trois Vallées"
B = "CLS fictif de Port-Aurel"
NB = "\u00a0"

# Hand-computed from mesures.jsonl (TV-7 has no text: shares over 6 measures for A, 4 for B).
EXPECTED = {
    A: {
        "measures": 7, "categorised": 6, "without_text": 1,
        "individuel_only": 2, "mixte": 1, "environnemental_only": 3,
        "at_least_individuel": 3, "at_least_environnemental": 4,
        "hors_soins": 4, "multi_objectifs": 2, "supra_communal": 1,
        "themes_covered": 6, "champ_promotion_sante": 3, "champ_prevention": 2,
    },
    B: {
        "measures": 4, "categorised": 4, "without_text": 0,
        "individuel_only": 2, "mixte": 1, "environnemental_only": 1,
        "at_least_individuel": 3, "at_least_environnemental": 2,
        "hors_soins": 3, "multi_objectifs": 1, "supra_communal": 0,
        "themes_covered": 3, "champ_promotion_sante": 2, "champ_prevention": 2,
    },
}  # fmt: skip
ALL_THEMES = 24  # thematique categories of the codebook


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, Path]:
    from cloterres.synthesis import synthesize

    folder = tmp_path_factory.mktemp("synthese")
    xlsx, reports = folder / "synthese.xlsx", folder / "rapports"
    synthesize([MEASURES, INTERVIEWS], xlsx, report_dir=reports, command="test")
    return xlsx, reports


# --- library ---------------------------------------------------------------------------------


def test_profiles_match_hand_counts(grid):
    from cloterres.synthesis import contract_profiles, read_inputs, resolve_measures

    data = read_inputs([MEASURES])
    profiles = contract_profiles(grid, resolve_measures(grid, data.measures))
    assert [p.contrat for p in profiles] == [A, B, "Ensemble des contrats"]
    for profile in profiles[:2]:
        exp = EXPECTED[profile.contrat]
        level = profile.level
        assert (profile.measures, profile.categorised, profile.without_text) == (
            exp["measures"], exp["categorised"], exp["without_text"]
        )  # fmt: skip
        assert level.only_of("individuel").count == exp["individuel_only"]
        assert level.only_of("environnemental").count == exp["environnemental_only"]
        assert level.mixed.count == exp["mixte"]
        assert level.at_least_of("environnemental").count == exp["at_least_environnemental"]
        assert level.at_least_of("environnemental").share == pytest.approx(
            exp["at_least_environnemental"] / exp["categorised"]
        )
        for key in ("hors_soins", "multi_objectifs", "supra_communal"):
            assert profile.indicator(key).count == exp[key], key
        assert len(profile.themes_covered()) == exp["themes_covered"]
        assert len(profile.themes_not_covered()) == ALL_THEMES - exp["themes_covered"]
        champ = {c.id: c.count for c in profile.dimension("champ").categories}
        assert champ["promotion_sante"] == exp["champ_promotion_sante"]
        assert champ["prevention"] == exp["champ_prevention"]
    assert [s.id for s in profiles[0].themes_covered()] == [
        "nutrition",
        "activite_physique",
        "depistage",
        "vieillissement",
        "acces_soins",
        "habitat_indigne",
    ]  # fmt: skip  (grid order)
    total = profiles[2]
    assert (total.measures, total.categorised) == (11, 10)
    assert total.indicator("hors_soins").count == 7
    assert total.level.mixed.share == pytest.approx(0.2)


def test_interview_summary_matches_hand_counts():
    from cloterres.engine.grid import load_grid
    from cloterres.synthesis import read_inputs, summarize_interviews

    grid = load_grid(ROOT / "grids" / "entretiens-cls.yaml")
    summary = summarize_interviews(grid, read_inputs([INTERVIEWS]).units)
    assert (summary.interviews, summary.units, summary.units_with_codes) == (3, 10, 8)
    assert [(g.name, g.interviews, g.units) for g in summary.groups] == [
        ("collectivité", 1, 4),
        ("association", 2, 6),
    ]
    assert [(c.code, c.interviews, c.units) for c in summary.benefits()] == [
        ("benefices.financement", 2, 3),
        ("benefices.interconnaissance", 2, 2),
    ]
    assert [(c.code, c.interviews, c.units) for c in summary.costs()] == [
        ("couts.temps", 3, 3),
        ("couts.administratif", 1, 1),
    ]
    temps = next(c for c in summary.codes if c.code == "couts.temps")
    assert temps.by_group == {"collectivité": (1, 1), "association": (2, 2)}
    benefits = next(t for t in summary.themes if t.theme == "benefices")
    assert (benefits.units, benefits.interviews) == (5, 3)
    assert benefits.by_group == {"collectivité": (2, 1), "association": (3, 2)}


@pytest.mark.parametrize(
    ("n", "total", "expected"),
    [
        (12, 34, "12 des 34 actions (35\u00a0%) visent l'environnement."),
        (1, 8, "1 des 8 actions (13\u00a0%) vise l'environnement."),  # 12.5 rounds half up
        (0, 5, "Aucune des 5 actions ne vise l'environnement."),
        (5, 5, "Les 5 actions visent toutes l'environnement."),
        (1, 1, "L'unique action vise l'environnement."),
        (1, 200, "1 des 200 actions (1\u00a0%) vise l'environnement."),  # 0.5 rounds half up
        (1, 300, "1 des 300 actions (moins de 1\u00a0%) vise l'environnement."),
        (299, 300, "299 des 300 actions (plus de 99\u00a0%) visent l'environnement."),
        (1500, 2000, "1\u202f500 des 2\u202f000 actions (75\u00a0%) visent l'environnement."),
    ],
)
def test_sentence_agreement_and_rounding(n, total, expected):
    from cloterres.synthesis.sentences import count_of

    assert count_of(n, total, "vise", "visent", "l'environnement") == expected


# --- workbook --------------------------------------------------------------------------------


def _rows_by_first_cell(ws, header_row: int) -> tuple[list[str], dict[str, list[object]]]:
    headers = [c.value for c in ws[header_row]]
    rows = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is not None:
            rows[row[0]] = list(row)
    return headers, rows


def test_workbook_comparison_and_profiles(outputs):
    xlsx, _ = outputs
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == [
        "Comparaison", A, B, "Ensemble des contrats", "Entretiens", "Codes × type d'acteur",
        "À propos",
    ]  # fmt: skip
    headers, rows = _rows_by_first_cell(wb["Comparaison"], 5)
    col = {h: i for i, h in enumerate(headers)}
    for contract, exp in EXPECTED.items():
        row = rows[contract]
        n = exp["categorised"]
        assert row[col["Actions"]] == exp["measures"]
        assert row[col["Actions sans texte"]] == exp["without_text"]
        for header, key in (
            ("Individuel seulement", "individuel_only"),
            ("Mixte", "mixte"),
            ("Environnemental seulement", "environnemental_only"),
            ("Au moins un niveau environnemental", "at_least_environnemental"),
            ("Hors soins", "hors_soins"),
            ("Multi-objectifs", "multi_objectifs"),
            ("Supra-communal", "supra_communal"),
        ):
            assert row[col[f"{header} — n"]] == exp[key], (contract, header)
            assert row[col[f"{header} — %"]] == pytest.approx(exp[key] / n), (contract, header)
        assert row[col["Thématiques couvertes"]] == exp["themes_covered"]
        assert (
            row[col["Champ d'action du CLS : Promotion de la santé — %"]]
            == pytest.approx(exp["champ_promotion_sante"] / n)
        )  # fmt: skip
    assert "Bruit" in rows[A][col["Thématiques non couvertes"]].split("; ")
    assert "Nutrition" not in rows[A][col["Thématiques non couvertes"]].split("; ")
    assert wb["Comparaison"].cell(6, col["Hors soins — %"] + 1).number_format == "0.0 %"

    # profile sheet of A: indicator table, then one table per dimension
    ws = wb[A]
    assert ws["A1"].value == f"Profil du plan d'action : {A}"
    indicators = {
        r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=6, max_row=22, values_only=True) if r[0]
    }
    assert indicators["Actions"][0] == 7
    assert indicators["Actions sans texte (non catégorisées)"][0] == 1
    assert indicators["Au moins un niveau environnemental"] == (4, pytest.approx(4 / 6))
    assert indicators["Multi-objectifs"] == (2, pytest.approx(2 / 6))
    assert indicators["Thématiques non couvertes"][0] == ALL_THEMES - 6


def test_workbook_interview_sheets(outputs):
    xlsx, _ = outputs
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Entretiens"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [r for r in values if r[0] in (1, 2) and isinstance(r[1], str)]
    assert [r[1:4] for r in flat] == [
        ["Bénéfice : financement", 2, 3],
        ["Bénéfice : interconnaissance et réseau", 2, 2],
        ["Coût : temps et réunions", 3, 3],
        ["Coût : charge administrative", 1, 1],
    ]
    sheet = wb["Codes × type d'acteur"]
    headers = [c.value for c in sheet[4]]
    by_code = {
        r[2]: dict(zip(headers, r, strict=True))
        for r in sheet.iter_rows(min_row=5, values_only=True)
    }
    assert len(by_code) == 32  # every code of the grid, cited or not
    temps = by_code["couts.temps"]
    assert (temps["Unités (total)"], temps["Entretiens (total)"]) == (3, 3)
    assert (temps["association — unités"], temps["association — entretiens"]) == (2, 2)
    assert by_code["roles.interface"]["collectivité — unités"] == 0


def test_native_charts_point_at_the_right_cells(outputs):
    xlsx, _ = outputs
    wb = openpyxl.load_workbook(xlsx)
    charts = read_charts(xlsx)
    by_sheet: dict[str, list] = {}
    for chart in charts:
        by_sheet.setdefault(chart.sheet, []).append(chart)
    # comparison: a stacked bar of individual only / mixed / environmental only, per contract
    stacked = next(c for c in by_sheet["Comparaison"] if c.grouping == "stacked")
    assert stacked.kind == "barChart"
    assert stacked.title == "Niveau visé par les actions : individuel ou environnemental"
    assert stacked.axis_titles == ["Contrat", "Part des actions catégorisées"]
    assert [ref_values(wb, s.title_ref)[0] for s in stacked.series] == [
        "Individuel seulement — %", "Mixte — %", "Environnemental seulement — %",
    ]  # fmt: skip
    assert ref_values(wb, stacked.series[0].categories_ref) == [A, B, "Ensemble des contrats"]
    assert ref_values(wb, stacked.series[1].values_ref)[:2] == [
        pytest.approx(1 / 6), pytest.approx(1 / 4),
    ]  # fmt: skip
    for contract_index in range(3):  # the three parts of a bar make 100 %
        assert sum(ref_values(wb, s.values_ref)[contract_index] for s in stacked.series) == (
            pytest.approx(1.0)
        )
    # one bar chart per dimension on a contract's sheet, counts read from its table
    dims = by_sheet[A]
    assert [c.title for c in dims] == [
        "Champ d'action du CLS", "Niveau du déterminant ciblé", "Déterminants de santé visés",
        "Thématiques de santé", "Public cible", "Stratégie d'intervention",
    ]  # fmt: skip
    assert all(
        c.direction == "bar" and c.axis_titles == ["Catégorie", "Nombre d'actions"] for c in dims
    )
    niveau = dims[1]
    labels = ref_values(wb, niveau.series[0].categories_ref)
    counts = ref_values(wb, niveau.series[0].values_ref)
    assert dict(zip(labels, counts, strict=True)) == {
        "Individuel": 3, "Interpersonnel": 1, "Organisationnel": 2, "Communautaire": 1,
        "Politique": 1,
    }  # fmt: skip
    # interviews: ranked benefits, ranked costs, themes by actor type
    titles = [c.title for c in by_sheet["Entretiens"]]
    assert titles == [
        "Bénéfices les plus cités", "Coûts les plus cités", "Unités codées par thème et type d'acteur",
    ]  # fmt: skip
    costs = by_sheet["Entretiens"][1]
    assert ref_values(wb, costs.series[0].values_ref) == [3, 1]
    assert costs.axis_titles == ["Code", "Nombre d'entretiens"]
    themes = by_sheet["Entretiens"][2]
    assert [ref_values(wb, s.title_ref)[0] for s in themes.series] == [
        "collectivité (1 entr.)", "association (2 entr.)",
    ]  # fmt: skip
    theme_names = ref_values(wb, themes.series[0].categories_ref)
    assert (
        dict(zip(theme_names, ref_values(wb, themes.series[1].values_ref), strict=True))[
            "Bénéfices perçus"
        ]
        == 3
    )


# --- HTML reports ----------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self._in_li = False

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if tag == "li":
            self._in_li = True
            self.items.append("")
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "li":
            self._in_li = False

    def handle_data(self, data):  # noqa: ANN001
        if self._in_li:
            self.items[-1] += data


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_png(path: Path) -> bool:
    head = path.read_bytes()[:24]
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR" and width > 0 and height > 0


def test_reports_sentences_and_images(outputs):
    _, folder = outputs
    index = parse_page(folder / "index.html")
    assert index.links == ["cls-fictif-des-trois-vallees.html", "cls-fictif-de-port-aurel.html"]
    page = parse_page(folder / "cls-fictif-des-trois-vallees.html")
    assert page.items[:8] == [
        "Le plan d'action compte 7 actions, dont 1 sans intitulé ni description (non "
        "catégorisée) ; les parts ci-dessous portent sur les 6 actions catégorisées.",
        f"4 des 6 actions (67{NB}%) visent l'environnement des personnes (niveaux "
        f"interpersonnel, organisationnel, communautaire ou politique), dont 3 (50{NB}%) "
        "uniquement.",
        f"2 des 6 actions (33{NB}%) visent seulement les connaissances, les aptitudes ou les "
        "comportements individuels.",
        f"2 des 6 actions (33{NB}%) sont multi-objectifs (au moins deux déterminants de santé visés).",
        f"4 des 6 actions (67{NB}%) visent au moins un déterminant de santé autre que l'accès "
        "aux services de santé.",
        f"1 des 6 actions (17{NB}%) est menée à l'échelle de plusieurs communes.",
        f"Le champ le plus représenté est « Promotion de la santé » (3 actions, 50{NB}%).",
        "6 thématiques de santé sur 24 sont couvertes par au moins une action ; thématiques sans "
        "aucune action : « Santé mentale », « Addictions », « Santé sexuelle », « Vaccination », "
        "« Périnatalité et enfance », « Handicap », « Maladies chroniques », « Accès aux "
        "droits », « Violences », « Qualité de l'air », « Eau », « Nuisibles et allergènes », "
        "« Bruit », « Climat et chaleur », « Urbanisme favorable à la santé », « Santé au "
        "travail », « Précarité » et « Coordination du CLS ».",
    ]
    # the interviews of the territory named like the contract (case aside): I1 and I2, each
    # cited code with its expected precision (the artefact's, measured on the real test split)
    from cloterres.engine.learned.layer import layer_for

    measured = layer_for("entretiens-cls").measured["categories"]

    def p(code: str) -> str:
        return f"{measured[code]['precision']:.2f}".replace(".", ",")

    assert page.items[8:] == [
        "2 entretiens codés (7 unités de texte, dont 6 avec au moins un code).",
        "Bénéfices les plus cités : « financement » (2 entretiens, 3 passages ; précision "
        f"attendue {p('benefices.financement')}), « interconnaissance et réseau » (1 "
        f"entretien, 1 passage ; précision attendue {p('benefices.interconnaissance')}).",
        "Coûts les plus cités : « temps et réunions » (2 entretiens, 2 passages ; précision "
        f"attendue {p('couts.temps')}), « charge administrative » (1 entretien, 1 passage ; "
        f"précision attendue {p('couts.administratif')}).",
    ]
    assert page.images == [
        "img/cls-fictif-des-trois-vallees-niveau.png",
        "img/cls-fictif-des-trois-vallees-champ.png",
        "img/cls-fictif-des-trois-vallees-thematique.png",
        "img/cls-fictif-des-trois-vallees-strategie.png",
        "img/cls-fictif-des-trois-vallees-benefices.png",
        "img/cls-fictif-des-trois-vallees-couts.png",
    ]
    other = parse_page(folder / "cls-fictif-de-port-aurel.html")
    assert other.items[0] == "Le plan d'action compte 4 actions."
    assert f"1 des 4 actions (25{NB}%) est multi-objectifs" in other.items[3]
    assert "Aucune des 4 actions ne est" not in " ".join(other.items)
    assert "Aucune des 4 actions n'est menée à l'échelle de plusieurs communes." in other.items
    assert not any("entretien" in item for item in other.items)  # no interview of Port-Aurel
    for html_file in folder.glob("*.html"):
        for src in parse_page(html_file).images:
            assert is_png(folder / src), src
    html = (folder / "cls-fictif-des-trois-vallees.html").read_text(encoding="utf-8")
    assert "@page { size: A4" in html and 'lang="fr"' in html


def test_interviews_only_gives_one_report_per_territory(run_cli, tmp_path):
    code, out, err = run_cli(
        "synthese", INTERVIEWS, "--rapport", tmp_path / "r", "-o", tmp_path / "e.xlsx"
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "r").glob("*.html")) == [
        "cls-fictif-de-bourg-lointain.html", "cls-fictif-des-trois-vallees.html", "index.html",
    ]  # fmt: skip
    page = parse_page(tmp_path / "r" / "cls-fictif-de-bourg-lointain.html")
    assert page.items[0] == "1 entretien codé (3 unités de texte, dont 2 avec au moins un code)."
    assert openpyxl.load_workbook(tmp_path / "e.xlsx").sheetnames == [
        "Entretiens", "Codes × type d'acteur", "À propos",
    ]  # fmt: skip


# --- command line ----------------------------------------------------------------------------


def test_english_alias_and_messages(run_cli, tmp_path):
    code, out, err = run_cli(
        "summary", MEASURES, "--out", tmp_path / "s.xlsx", "--report", tmp_path / "r"
    )
    assert code == 0, err
    assert "Synthèse de 11 actions de 2 contrats" in out
    assert (tmp_path / "r" / "index.html").exists()
    # nothing is replaced without --ecraser; with it, both are
    code, _, err = run_cli("synthese", MEASURES, "-o", tmp_path / "s.xlsx")
    assert code == 2 and "--ecraser" in err
    code, _, err = run_cli("synthese", MEASURES, "--rapport", tmp_path / "r")
    assert code == 2 and "n'est pas vide" in err
    code, _, err = run_cli(
        "synthese",
        MEASURES,
        "-o",
        tmp_path / "s.xlsx",
        "--rapport",
        tmp_path / "r",
        "--ecraser",
        "-q",
    )
    assert code == 0 and err == ""
    assert not list(tmp_path.glob(".*")) and not list((tmp_path / "r").glob(".*"))


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_category", r"ligne 1 : catégorie inconnue « sport_extreme » dans la dimension « thematique »"),
        ("bad_json", r"bad\.jsonl, ligne 2 : JSON invalide"),
        ("mixed", r"ligne 2 : mélange de mesures et d'unités d'entretien"),
        ("plan", r"plan\.csv : ce tableau n'est pas encore catégorisé ou codé ; lancez d'abord cloterres categoriser"),
        ("not_ours", r"autre\.csv, ligne 1 : en-têtes non reconnus"),
        ("txt", r"notes\.txt : format « \.txt » non pris en charge"),
        ("out_csv", r"sortie\.csv : la synthèse s'écrit dans un classeur \.xlsx"),
        ("nothing", r"rien à écrire : donnez --sortie"),
        ("wrong_grid", r"cette grille ne correspond ni aux dimensions des mesures ni aux thèmes"),
        ("unknown_code", r"code inconnu « couts\.moral »"),
    ],
)  # fmt: skip
def test_bad_input_one_french_line_nothing_written(run_cli, tmp_path, case, expected):
    first = MEASURES.read_text(encoding="utf-8").splitlines()[0]
    unit = INTERVIEWS.read_text(encoding="utf-8").splitlines()[1]
    out = tmp_path / "s.xlsx"
    args: list[object]
    if case == "unknown_category":
        args = [_write(tmp_path / "m.jsonl", [first.replace('"nutrition"', '"sport_extreme"')])]
    elif case == "bad_json":
        args = [_write(tmp_path / "bad.jsonl", [first, first[:40]])]
    elif case == "mixed":
        args = [_write(tmp_path / "mix.jsonl", [first, unit])]
    elif case == "plan":
        args = [_write(tmp_path / "plan.csv", ["id;contrat;intitule", "1;CLS fictif;Ateliers"])]
    elif case == "not_ours":
        args = [_write(tmp_path / "autre.csv", ["a;b;c", "1;2;3"])]
    elif case == "txt":
        args = [_write(tmp_path / "notes.txt", ["bonjour"])]
    elif case == "out_csv":
        args, out = [MEASURES], tmp_path / "sortie.csv"
    elif case == "nothing":
        args, out = [MEASURES], None
    elif case == "wrong_grid":
        args = [MEASURES, "--grille", ROOT / "grids" / "entretiens-cls.yaml"]
    else:
        args = [_write(tmp_path / "e.jsonl", [unit.replace("gouvernance.pilotage", "couts.moral")])]
    full = ["synthese", *args] + (["-o", out] if out is not None else [])
    code, stdout, err = run_cli(*full)
    assert code == 2, (stdout, err)
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(expected, err), err
    assert "Traceback" not in err
    assert out is None or not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_hostile_text_is_inert(run_cli, tmp_path):
    lines = []
    for line in MEASURES.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        if obj["contrat"] == B:
            obj["contrat"] = '=HYPERLINK("http://exemple.invalid","<script>alert(1)</script>")'
        lines.append(json.dumps(obj, ensure_ascii=False))
    source = _write(tmp_path / "m.jsonl", lines)
    code, _, err = run_cli(
        "synthese", source, "-o", tmp_path / "s.xlsx", "--rapport", tmp_path / "r"
    )
    assert code == 0, err
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Comparaison"]
    cell = ws["A7"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix
    pages = [p for p in (tmp_path / "r").glob("*.html") if p.name.startswith("hyperlink")]
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

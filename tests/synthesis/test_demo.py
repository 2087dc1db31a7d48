"""``synthese`` on the demo corpus as ``categoriser`` and ``coder`` write it: every figure is
recounted here from the JSONL labels; CSV inputs give the same summary; the workbook converts
in LibreOffice and the reports render in headless Chromium (skipped when absent)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DEMO, ROOT
from tests.synthesis.test_synthesis import is_png, parse_page

pytestmark = pytest.mark.slow  # categorises and codes the demo corpus (about 15 s)

ENV_LEVELS = {"interpersonnel", "organisationnel", "communautaire", "politique"}  # codebook §2


@pytest.fixture(scope="module")
def demo(tmp_path_factory, nlp) -> dict[str, Path]:
    """Demo plans categorised and demo interviews coded, in JSONL and CSV, then summarised."""
    from cloterres.interviews.coding import code_interviews
    from cloterres.plans.categorize import categorize
    from cloterres.synthesis import synthesize

    folder = tmp_path_factory.mktemp("demo-synthese")
    plans = sorted(DEMO.glob("*.csv"))
    transcripts = sorted((DEMO / "entretiens").glob("E*"))
    files = {
        "m_jsonl": folder / "mesures.jsonl",
        "m_csv": folder / "mesures.csv",
        "m_xlsx": folder / "mesures.xlsx",
        "e_jsonl": folder / "entretiens.jsonl",
        "e_csv": folder / "entretiens.csv",
        "e_xlsx": folder / "entretiens.xlsx",
    }
    for key in ("m_jsonl", "m_csv", "m_xlsx"):
        categorize(plans, files[key], workers=1)
    for key in ("e_jsonl", "e_csv", "e_xlsx"):
        code_interviews(transcripts, files[key], workers=1)
    files["xlsx"] = folder / "synthese.xlsx"
    files["reports"] = folder / "rapports"
    synthesize([files["m_jsonl"], files["e_jsonl"]], files["xlsx"], report_dir=files["reports"])
    return files


def sure_labels(m: dict) -> dict[str, list[str]]:
    """A measure's labels without those the tool marked « à vérifier » (defaults and low
    confidence): the only ones the summaries count."""
    decisions = m.get("decisions", {})
    return {
        dim: [c for c in cats if not decisions.get(dim, {}).get(c, {}).get("a_verifier")]
        for dim, cats in m["labels"].items()
    }


def sure_codes(u: dict) -> list[str]:
    return [c for c in u["codes"] if not u.get("decisions", {}).get(c, {}).get("a_verifier")]


INDICATORS = {  # key -> (dimension, test on its categories)
    "ind_only": ("niveau", lambda x: "individuel" in x and not ENV_LEVELS & set(x)),
    "env_only": ("niveau", lambda x: bool(ENV_LEVELS & set(x)) and "individuel" not in x),
    "mixed": ("niveau", lambda x: "individuel" in x and bool(ENV_LEVELS & set(x))),
    "env": ("niveau", lambda x: bool(ENV_LEVELS & set(x))),
    "hors_soins": ("determinants", lambda x: any(d != "services_sante" for d in x)),
    "multi": ("determinants", lambda x: len(set(x)) >= 2),
}


def recount(path: Path) -> dict[str, dict[str, object]]:
    """Per contract, the figures of the profile, counted straight from the labels: sure labels
    only; an indicator counts when the sure labels alone give it (and all the labels too)."""
    out: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        c = out.setdefault(
            m["contrat"],
            {"measures": 0, "categorised": 0, "cats": Counter(), "ind_only": 0,
             "env_only": 0, "mixed": 0, "env": 0, "hors_soins": 0, "multi": 0,
             "supra": 0, "apart": Counter()},
        )  # fmt: skip
        c["measures"] += 1
        if m["sans_texte"]:
            continue
        c["categorised"] += 1
        labels, sure = m["labels"], sure_labels(m)
        for dim, cats in sure.items():
            for cat in set(cats):
                c["cats"][(dim, cat)] += 1
        for dim, cats in labels.items():
            c["apart"]["labels"] += len(set(cats) - set(sure[dim]))
            c["apart"]["defaults"] += sum(
                m["decisions"][dim][cat]["origine"] == "defaut" for cat in cats
            )
        for key, (dim, test) in INDICATORS.items():
            if test(labels[dim]) and test(sure[dim]):
                c[key] += 1
            elif test(labels[dim]):
                c["apart"][key] += 1
        c["supra"] += m["derives"]["supra_communal"] is True
    return out


def pct(n: int, total: int) -> str:
    value = (Decimal(100) * n / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}\u00a0%"


def test_workbook_figures_are_the_recounted_ones(demo, grid):
    counts = recount(demo["m_jsonl"])
    assert len(counts) == 3
    wb = openpyxl.load_workbook(demo["xlsx"])
    ws = wb["Comparaison"]
    assert ws["A3"].value.startswith("Comptage : n et % ne comptent que les étiquettes sûres")
    headers = [c.value for c in ws[5]]
    rows = {
        r[0]: dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=6, values_only=True)
    }
    reliability = {name: rows.pop(name) for name in ("Précision attendue", "Rappel attendu")}
    rows = {k: v for k, v in rows.items() if k and not k.startswith("Précision attendue :")}
    assert list(rows) == [*counts, "Ensemble des contrats"]
    from cloterres.engine.learned.layer import layer_for

    measured = layer_for(grid.id).measured["categories"]
    for dim in grid.dimensions:
        for cat in dim.categories:
            m = measured[f"{dim.id}.{cat.id}"]
            header = f"{dim.label} : {cat.label} — %"
            assert reliability["Précision attendue"][header] == (
                m["precision"] if m["given"] else None
            )
            assert reliability["Rappel attendu"][header] == (m["recall"] if m["support"] else None)
    assert sum(c["apart"]["labels"] for c in counts.values()) > 13  # defaults and low confidence
    # the Ensemble sheet: the demo's 13 « Tout public » given by default, apart, and the
    # category's reliability beside its counts
    whole = {r[0]: r for r in wb["Ensemble des contrats"].iter_rows(values_only=True) if r[0]}
    heads = whole["Catégorie"]
    assert heads == ("Catégorie", "n", "%", "Par défaut", "À vérifier", "Précision attendue",
                     "Rappel attendu", *heads[7:])  # fmt: skip
    m = measured["public.tout_public"]
    # « Tout public » decisions of the JSONL: given by default, or from the text but à vérifier
    decided = [
        json.loads(x)["decisions"].get("public", {}).get("tout_public")
        for x in demo["m_jsonl"].read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    by_default = sum(1 for d in decided if d and d["origine"] == "defaut")
    to_check = sum(1 for d in decided if d and d["origine"] != "defaut" and d["a_verifier"])
    assert by_default == 13  # the demo's measures that name no public
    assert whole["Tout public"][1:7] == (
        sum(c["cats"][("public", "tout_public")] for c in counts.values()),
        pytest.approx(sum(c["cats"][("public", "tout_public")] for c in counts.values()) / 144),
        by_default, to_check, m["precision"], m["recall"],
    )  # fmt: skip
    from cloterres.synthesis.workbook import sheet_name

    profile_sheets = {
        contract: {r[0]: r for r in wb[sheet_name(contract, set())].iter_rows(values_only=True)}
        for contract in counts
    }
    for contract, c in counts.items():
        row, n = rows[contract], c["categorised"]
        assert row["Actions"] == c["measures"]
        for header, key in (
            ("Individuel seulement", "ind_only"), ("Mixte", "mixed"),
            ("Environnemental seulement", "env_only"),
            ("Au moins un niveau environnemental", "env"), ("Hors soins", "hors_soins"),
            ("Multi-objectifs", "multi"), ("Supra-communal", "supra"),
        ):  # fmt: skip
            assert row[f"{header} — n"] == c[key], (contract, header)
            assert row[f"{header} — %"] == pytest.approx(c[key] / n), (contract, header)
            if key != "supra":  # the labels counted apart, on the contract's sheet
                sheet = profile_sheets[contract][header]
                assert sheet[1] == c[key] and sheet[3] + sheet[4] == c["apart"][key], header
        assert row["Étiquettes par défaut"] + row["Étiquettes à vérifier"] == c["apart"]["labels"]
        for dim in grid.dimensions:
            for cat in dim.categories:
                share = row[f"{dim.label} : {cat.label} — %"]
                assert share == pytest.approx(c["cats"][(dim.id, cat.id)] / n), (dim.id, cat.id)
        covered = {cat for (dim, cat) in c["cats"] if dim == "thematique"}
        assert row["Thématiques couvertes"] == len(covered)
        missing = [
            cat.label for cat in grid.dimension("thematique").categories if cat.id not in covered
        ]
        assert (row["Thématiques non couvertes"] or "") == "; ".join(missing)
    total = rows["Ensemble des contrats"]
    assert total["Actions"] == sum(c["measures"] for c in counts.values()) == 144
    assert total["Hors soins — n"] == sum(c["hors_soins"] for c in counts.values())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_workbook_inputs_give_the_same_summary(demo, tmp_path, fmt):
    from cloterres.synthesis import synthesize

    synthesize([demo[f"m_{fmt}"], demo[f"e_{fmt}"]], tmp_path / "autre.xlsx")
    a = openpyxl.load_workbook(demo["xlsx"])
    b = openpyxl.load_workbook(tmp_path / "autre.xlsx")
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames[:-1]:  # all but "À propos" (files and date differ)
        values_a = [[c.value for c in row] for row in a[name].iter_rows()]
        values_b = [[c.value for c in row] for row in b[name].iter_rows()]
        assert values_a == values_b, name


def test_labels_corrected_in_the_study_workbook_count(demo, tmp_path, run_cli):
    wb = openpyxl.load_workbook(demo["m_xlsx"])
    ws = wb["Mesures"]
    headers = [c.value for c in ws[1]]
    col = headers.index("Thématiques de santé") + 1
    contract = ws.cell(2, headers.index("Contrat") + 1).value
    before = recount(demo["m_jsonl"])[contract]["cats"][("thematique", "bruit")]
    ws.cell(2, col).value = ws.cell(2, col).value + "; bruit"  # a reviewer adds a theme
    wb.save(tmp_path / "corrige.xlsx")
    code, _, err = run_cli("synthese", tmp_path / "corrige.xlsx", "-o", tmp_path / "s.xlsx")
    assert code == 0, err
    rows = {
        r[0]: r
        for r in openpyxl.load_workbook(tmp_path / "s.xlsx")[contract].iter_rows(values_only=True)
    }
    assert rows["Bruit"][1] == before + 1
    ws.cell(3, col).value = "Sport extrême"
    wb.save(tmp_path / "faux.xlsx")
    code, _, err = run_cli("synthese", tmp_path / "faux.xlsx", "-o", tmp_path / "f.xlsx")
    assert code == 2
    assert "faux.xlsx, feuille « Mesures », ligne 3 : catégorie inconnue « Sport extrême »" in err
    assert not (tmp_path / "f.xlsx").exists()


def test_interview_figures_are_the_recounted_ones(demo):
    from cloterres.engine.learned.layer import layer_for

    measured = layer_for("entretiens-cls").measured["categories"]
    units = [json.loads(x) for x in demo["e_jsonl"].read_text(encoding="utf-8").splitlines()]
    coded = [u for u in units if u["code"]]
    n_units: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u in coded:
        for code in sure_codes(u):
            n_units[(code, u["variables"]["type_acteur"])] += 1
            seen[(code, u["variables"]["type_acteur"])].add(u["entretien"])
    ws = openpyxl.load_workbook(demo["xlsx"])["Codes × type d'acteur"]
    headers = [c.value for c in ws[4]]
    assert headers[2] == "Identifiant" and ws.column_dimensions["C"].hidden  # ids kept, hidden
    checked = 0
    to_check = Counter(c for u in coded for c in set(u["codes"]) - set(sure_codes(u)))
    assert sum(to_check.values()) > 0  # the demo has codes of low confidence
    for row in ws.iter_rows(min_row=5, values_only=True):
        record = dict(zip(headers, row, strict=True))
        code = record["Identifiant"]
        assert record["Unités (total)"] == sum(v for (c, _), v in n_units.items() if c == code)
        interviews = {u["entretien"] for u in coded if code in sure_codes(u)}
        assert record["Entretiens (total)"] == len(interviews)
        assert record["Unités à vérifier (total)"] == to_check[code]
        m = measured[code]
        assert record["Précision attendue"] == (m["precision"] if m["given"] else None)
        assert record["Rappel attendu"] == (m["recall"] if m["support"] else None)
        for actor in {u["variables"]["type_acteur"] for u in coded}:
            assert record[f"{actor} — unités"] == n_units[(code, actor)]
            assert record[f"{actor} — entretiens"] == len(seen[(code, actor)])
            checked += 1
    assert checked == 32 * 7  # 32 codes, 7 actor types in the demo interviews
    # the ranked benefits of the "Entretiens" sheet
    ws = openpyxl.load_workbook(demo["xlsx"])["Entretiens"]
    assert ws.column_dimensions["H"].hidden  # the codes' ids beside their labels
    ranked = []
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], int) and isinstance(row[7], str) and row[7].startswith("benefices."):
            ranked.append((row[7], row[2], row[3], row[4]))
    # sure codes ranked first; a code only given with a low confidence is still listed, with
    # its passages to check
    expected = sorted(
        (
            (code, len({u["entretien"] for u in coded if code in sure_codes(u)}),
             sum(code in sure_codes(u) for u in coded), to_check[code])
            for code in {c for u in coded for c in u["codes"] if c.startswith("benefices.")}
        ),
        key=lambda x: (-x[1], -x[2], -x[3]),
    )  # fmt: skip
    assert [r[1:] for r in ranked] == [e[1:] for e in expected] and ranked


FRENCH_DATE = r"(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} à \d\d:\d\d"


def test_about_sheet_and_report_footer_in_french(demo):
    """The run date in French local time (never ISO UTC), paths relative to the working folder
    when under it (absolute otherwise)."""
    about = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(demo["xlsx"])["À propos"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert re.fullmatch(FRENCH_DATE, about["Date de création"])
    grid_file = about["Fichier de la grille des mesures"]
    if Path.cwd() == ROOT:
        assert grid_file == "grids/cloterres-mesures.yaml"
    files = [v for k, v in about.items() if k == "Fichier lu"]
    assert files and all(str(v).startswith(str(demo["m_jsonl"].parent)) for v in files)
    index = (demo["reports"] / "index.html").read_text(encoding="utf-8")
    footer = re.search(r"Synthèse produite par cloterres \S+ le ([^<]*?) à partir de", index)
    assert footer and re.fullmatch(FRENCH_DATE, footer.group(1)), footer


def test_no_text_runs_over_its_neighbours(demo):
    """Long contract names, sources, notes: wrapped (rows as tall as they need) or merged over
    enough columns, in the summary workbook and in the study workbooks it was made from."""
    from tests.xlsx_overflow import overflowing

    for key in ("xlsx", "m_xlsx", "e_xlsx"):
        assert overflowing(demo[key]) == [], key


def test_coder_workbook_counts_sure_codes_and_shows_reliability(demo):
    """The coder's own summary sheets: sure codes counted, low-confidence codes apart, each
    code's expected reliability the artefact's."""
    from cloterres.engine.learned.layer import layer_for

    measured = layer_for("entretiens-cls").measured["categories"]
    units = [json.loads(x) for x in demo["e_jsonl"].read_text(encoding="utf-8").splitlines()]
    coded = [u for u in units if u["code"]]
    ws = openpyxl.load_workbook(demo["e_xlsx"])["Codes × entretien"]
    assert "jeu de test réel (174 éléments" in ws["A3"].value
    headers = [c.value for c in ws[5]]
    checked = 0
    for row in ws.iter_rows(min_row=6, values_only=True):
        r = dict(zip(headers, row, strict=True))
        code = r["Identifiant"]
        sure = [u for u in coded if code in sure_codes(u)]
        assert r["Unités (total)"] == len(sure)
        assert r["Unités à vérifier (total)"] == sum(
            code in u["codes"] and code not in sure_codes(u) for u in coded
        )
        for interview in {u["entretien"] for u in coded}:
            assert r[f"{interview} — unités"] == sum(u["entretien"] == interview for u in sure)
        m = measured[code]
        assert (r["Précision attendue"], r["Rappel attendu"]) == (
            m["precision"] if m["given"] else None,
            m["recall"] if m["support"] else None,
        )
        checked += r["Unités à vérifier (total)"]
    assert checked > 50  # the demo interviews have many codes of low confidence


def test_report_sentences_are_the_recounted_ones(demo):
    counts = recount(demo["m_jsonl"])
    pages = sorted(p for p in demo["reports"].glob("*.html") if p.name != "index.html")
    assert len(pages) == 3
    by_title = {}
    for page in pages:
        title = page.read_text(encoding="utf-8").split("<h1>", 1)[1].split("</h1>", 1)[0]
        by_title[title] = parse_page(page)
    for contract, c in counts.items():
        items = by_title[contract].items
        n = c["categorised"]
        assert items[0] == f"Le plan d'action compte {c['measures']} actions."
        defaults = c["apart"]["defaults"]
        assert items.pop(1) == (
            f"Les parts ne comptent que les catégories sûres : {defaults} étiquettes données par "
            f"défaut (aucun indice dans le texte) et {c['apart']['labels'] - defaults} étiquettes "
            f"de confiance inférieure à 0,6 sont à vérifier dans le classeur d'étude et ne sont "
            f"pas comptées."
        )
        assert items[1].startswith(
            f"{c['env']} des {n} actions ({pct(c['env'], n)}) visent l'environnement des personnes"
        )
        assert items[1].endswith(f"dont {c['env_only']} ({pct(c['env_only'], n)}) uniquement.")
        assert items[2].startswith(
            f"{c['ind_only']} des {n} actions ({pct(c['ind_only'], n)}) visent seulement"
        )
        assert (
            f"{c['multi']} des {n} actions ({pct(c['multi'], n)}) sont multi-objectifs" in items[3]
        )
        assert items[4].startswith(
            f"{c['hors_soins']} des {n} actions ({pct(c['hors_soins'], n)}) visent au moins"
        )
        champ = max(
            (
                cat
                for cat in (
                    "promotion_sante",
                    "prevention",
                    "sante_environnement",
                    "soins",
                    "medico_social",
                    "pilotage",
                )
            ),
            key=lambda cat: c["cats"][("champ", cat)],
        )  # fmt: skip  (ties: first in grid order)
        top = c["cats"][("champ", champ)]
        assert f"({top} actions, {pct(top, n)})" in items[6]
        covered = {cat for (dim, cat) in c["cats"] if dim == "thematique"}
        assert items[7].startswith(f"{len(covered)} thématiques de santé sur 24")
        for src in by_title[contract].images:
            assert is_png(demo["reports"] / src)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice absent (make test-tools l'installe)")
def test_workbook_converts_in_libreoffice(demo, tmp_path):
    result = subprocess.run(
        [_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profil",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(demo["xlsx"])],
        capture_output=True, text=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    pdf = tmp_path / "synthese.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", result.stdout + result.stderr
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages[:3])
        # the chart titles are drawn (LibreOffice read the charts)
        assert "Niveau visé par les actions" in "\n".join(
            page.extract_text() or "" for page in doc.pages
        )
    assert "Comparaison des contrats" in text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium_run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


CHECK_IMAGES = """
<script>
window.addEventListener("load", function () {
  var sizes = Array.prototype.map.call(document.images, function (img) {
    return img.complete && img.naturalWidth > 0 ? img.naturalWidth + "x" + img.naturalHeight : "ABSENTE";
  });
  var out = document.createElement("pre");
  out.id = "images-chargees";
  out.textContent = sizes.join(" ");
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.skipif(_chromium() is None, reason="chromium absent (make test-tools l'installe)")
def test_reports_render_in_headless_chromium(demo, tmp_path):
    folder = tmp_path / "rapports"
    shutil.copytree(demo["reports"], folder)
    page = sorted(p for p in folder.glob("*.html") if p.name != "index.html")[0]
    expected = len(parse_page(page).images)
    # a copy of the page with a script that lists the natural size of every loaded image
    probe = page.with_name("sonde.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", CHECK_IMAGES + "</body>"),
        encoding="utf-8",
    )
    result = _chromium_run(
        ["--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], tmp_path / "p1"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = result.stdout.split('<pre id="images-chargees">', 1)[1].split("</pre>", 1)[0].split()
    assert len(loaded) == expected == 4
    assert "ABSENTE" not in loaded
    assert all(int(size.split("x")[0]) > 100 for size in loaded)
    # printed from the browser, a report fits on one A4 page, also with an interview section
    import pdfplumber

    from cloterres.synthesis import synthesize
    from tests.synthesis.test_synthesis import INTERVIEWS, MEASURES

    synthesize([MEASURES, INTERVIEWS], None, report_dir=tmp_path / "fictif")
    pages = [page, tmp_path / "fictif" / "cls-fictif-des-trois-vallees.html"]
    for i, html_page in enumerate(pages):
        pdf = tmp_path / f"rapport-{i}.pdf"
        args = ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html_page.as_uri()]
        result = _chromium_run(args, tmp_path / f"p{i + 2}")
        assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
        with pdfplumber.open(pdf) as doc:
            assert len(doc.pages) == 1, html_page.name
            assert round(doc.pages[0].width) == 595  # A4 portrait, in points
            text = doc.pages[0].extract_text()
            assert "Le plan d'action compte" in text
            assert i == 0 or "Ce qu'en disent les acteurs interrogés" in text

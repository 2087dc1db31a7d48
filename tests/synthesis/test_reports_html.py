"""The HTML reports of ``cloterres synthese``: the index compares the contracts with the profiles'
numbers (recounted here from the labels, never by the library), one PNG chart; every contract
page links back to the index; a page shows interviews, and names an interview file among its
sources, only when interviews of its territory exist."""

from __future__ import annotations

import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO
from tests.synthesis.test_demo import recount
from tests.synthesis.test_synthesis import EXPECTED, INTERVIEWS, MEASURES, A, B, is_png

NB = "\u00a0"
INTERVIEW_HEADING = "Ce qu'en disent les acteurs interrogés"
CHAMPS = {  # codebook order of the champ d'action categories
    "promotion_sante": "Promotion de la santé",
    "prevention": "Prévention des maladies",
    "sante_environnement": "Santé-environnement",
    "soins": "Soins et accès aux soins",
    "medico_social": "Accompagnement médico-social",
    "pilotage": "Pilotage, coordination et observation",
}


def cell(n: int, total: int) -> str:
    """A share as the index shows it: « 42 % », « < 1 % », « > 99 % »."""
    value = int((Decimal(100) * n / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if value == 0 and n:
        return f"<{NB}1{NB}%"
    if value == 100 and n < total:
        return f">{NB}99{NB}%"
    return f"{value}{NB}%"


class Html(HTMLParser):
    """Tables (caption -> header row and rows of cell texts), links, images, headings, lists,
    footer text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.row_links: dict[str, str] = {}  # contract -> link of its row header
        self.links: list[str] = []
        self.back_links: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self.items: list[str] = []
        self.footer = ""
        self._where: list[str] = []
        self._table: list[list[str]] | None = None
        self._caption = ""
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        self._where.append(tag)
        if tag == "table":
            self._table, self._caption = [], ""
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._table[-1].append("")
        elif tag == "a":
            self._href = attrs["href"]
            self.links.append(attrs["href"])
            if "nav" in self._where:
                self.back_links.append(attrs["href"])
        elif tag == "img":
            self.images.append((attrs["src"], attrs.get("alt") or ""))
        elif tag in ("h1", "h2"):
            self.headings.append("")
        elif tag == "li":
            self.items.append("")

    def handle_endtag(self, tag):  # noqa: ANN001
        while self._where and self._where.pop() != tag:
            pass
        if tag == "table" and self._table is not None:
            self.tables[self._caption] = self._table
            self._table = None
        elif tag == "a":
            self._href = None

    def handle_data(self, data):  # noqa: ANN001
        where = self._where[-1] if self._where else ""
        if "caption" in self._where:
            self._caption += data
        elif self._table is not None and ("td" in self._where or "th" in self._where):
            self._table[-1][-1] += data
            if self._href and "th" in self._where:
                self.row_links[self._table[-1][-1]] = self._href
        elif where in ("h1", "h2"):
            self.headings[-1] += data
        elif "li" in self._where:
            self.items[-1] += data
        if "footer" in self._where:
            self.footer += data


def parse(path: Path) -> Html:
    page = Html()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def rows(table: list[list[str]]) -> dict[str, dict[str, str]]:
    """Contract -> {column header: cell}."""
    header, *body = table
    return {r[0]: dict(zip(header, r, strict=True)) for r in body}


def contract_pages(folder: Path) -> dict[str, Html]:
    pages = {}
    for path in folder.glob("*.html"):
        if path.name != "index.html":
            page = parse(path)
            pages[page.headings[0]] = page
    return pages


# --- the hand-labelled fictional data (tests/data/synthese): fast ----------------------------


@pytest.fixture(scope="module")
def fictif(tmp_path_factory) -> Path:
    from cloterres.synthesis import synthesize

    folder = tmp_path_factory.mktemp("rapports-html") / "rapports"
    synthesize([MEASURES, INTERVIEWS], None, report_dir=folder, command="test")
    return folder


def test_index_table_holds_the_hand_counts(fictif):
    index = parse(fictif / "index.html")
    assert index.headings[0] == "Comparaison des contrats locaux de santé"
    table = rows(index.tables["Indicateurs CLoterreS"])
    assert list(table) == [A, B, "Ensemble des contrats"]
    for contract, e in EXPECTED.items():
        row, n = table[contract], e["categorised"]
        actions = str(e["measures"])
        if e["without_text"]:
            actions += f" (dont {e['without_text']} sans texte)"
        assert row["Actions"] == actions
        assert row["Individuel seulement"] == cell(e["individuel_only"], n)
        assert row["Mixte"] == cell(e["mixte"], n)
        assert row["Environnemental seulement"] == cell(e["environnemental_only"], n)
        assert row["Au moins un niveau individuel"] == cell(e["at_least_individuel"], n)
        assert row["Au moins un niveau environnemental"] == cell(e["at_least_environnemental"], n)
        assert row["Hors soins"] == cell(e["hors_soins"], n)
        assert row["Multi-objectifs"] == cell(e["multi_objectifs"], n)
        assert row["Supra-communal"] == cell(e["supra_communal"], n)
        assert row["Thématiques couvertes"] == f"{e['themes_covered']} sur 24"
    champ = rows(index.tables["Champ d'action du CLS"])
    for contract, e in EXPECTED.items():
        n = e["categorised"]
        assert champ[contract]["Promotion de la santé"] == cell(e["champ_promotion_sante"], n)
        assert champ[contract]["Prévention des maladies"] == cell(e["champ_prevention"], n)
    # the whole set: 10 categorised measures; 17 % of A's supra-communal is 1 of 10 overall
    whole = table["Ensemble des contrats"]
    assert whole["Actions"] == "11 (dont 1 sans texte)"
    assert whole["Supra-communal"] == f"10{NB}%"
    assert whole["Individuel seulement"] == f"40{NB}%"  # 2 + 2 of 10
    # each contract's name links to its page, and only there
    assert index.row_links == {A: "cls-fictif-des-trois-vallees.html",
                               B: "cls-fictif-de-port-aurel.html"}  # fmt: skip
    assert index.links == list(index.row_links.values())


def test_index_chart_is_a_png_with_alt_text(fictif):
    index = parse(fictif / "index.html")
    assert len(index.images) == 1
    src, alt = index.images[0]
    assert src == "img/index-champ.png" and is_png(fictif / src)
    assert "Champ d'action du CLS" in alt and A in alt and B in alt


def test_contract_pages_link_back_to_the_index(fictif):
    pages = contract_pages(fictif)
    assert set(pages) == {A, B}
    for page in pages.values():
        assert page.back_links == ["index.html", "index.html"]  # top and bottom
        assert all(is_png(fictif / src) for src, _ in page.images)


def test_interviews_only_on_the_page_they_belong_to(fictif):
    pages = contract_pages(fictif)
    # Trois Vallées: its territory's interviews (I1, I2), and their file among its sources
    assert INTERVIEW_HEADING in pages[A].headings
    assert "entretiens.jsonl" in pages[A].footer
    # Port-Aurel: no interview of its territory, so no section, chart nor source about them
    other = pages[B]
    assert INTERVIEW_HEADING not in other.headings
    assert not any("entretien" in item for item in other.items)
    assert not any(src.endswith(("-benefices.png", "-couts.png")) for src, _ in other.images)
    assert "entretiens.jsonl" not in other.footer and "mesures.jsonl" in other.footer
    assert other.footer.count(" à partir de : mesures.jsonl. ") == 1
    # the index says which interviews no page presents: I3, of Bourg-Lointain
    index = parse(fictif / "index.html")
    assert "Entretiens" in index.headings
    assert index.items == [
        f"« {A} » : 2 entretiens présentés sur la page du contrat.",
        "1 entretien du territoire « CLS fictif de Bourg-Lointain » (entretiens.jsonl) : aucun "
        "contrat ne porte ce nom ; il ne figure sur aucune page de contrat.",
    ]
    assert "mesures.jsonl, entretiens.jsonl" in index.footer


# --- the demo corpus, as make demo summarises it ---------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory, nlp) -> dict[str, Path]:
    """Demo plans categorised and demo interviews coded to JSONL, then summarised."""
    from cloterres.interviews.coding import code_interviews
    from cloterres.plans.categorize import categorize
    from cloterres.synthesis import synthesize

    folder = tmp_path_factory.mktemp("demo-rapports-html")
    files = {"m": folder / "mesures.jsonl", "e": folder / "entretiens.jsonl"}
    categorize(sorted(DEMO.glob("*.csv")), files["m"], workers=1)
    code_interviews(sorted((DEMO / "entretiens").glob("E*")), files["e"], workers=1)
    files["reports"] = folder / "rapports"
    synthesize([files["m"], files["e"]], None, report_dir=files["reports"])
    return files


@pytest.mark.slow  # categorises and codes the demo corpus
def test_demo_index_is_the_recounted_profiles(demo):
    counts: dict[str, dict[str, Any]] = recount(demo["m"])
    index = parse(demo["reports"] / "index.html")
    table = rows(index.tables["Indicateurs CLoterreS"])
    champ = rows(index.tables["Champ d'action du CLS"])
    assert list(table) == [*counts, "Ensemble des contrats"]
    for contract, c in counts.items():
        n = c["categorised"]
        row = table[contract]
        assert row["Actions"] == str(c["measures"])
        assert row["Individuel seulement"] == cell(c["ind_only"], n)
        assert row["Mixte"] == cell(c["mixed"], n)
        assert row["Environnemental seulement"] == cell(c["env_only"], n)
        assert row["Au moins un niveau environnemental"] == cell(c["env"], n)
        assert row["Hors soins"] == cell(c["hors_soins"], n)
        assert row["Multi-objectifs"] == cell(c["multi"], n)
        assert row["Supra-communal"] == cell(c["supra"], n)
        themes = {cat for (dim, cat) in c["cats"] if dim == "thematique"}
        assert row["Thématiques couvertes"] == f"{len(themes)} sur 24"
        for cat, label in CHAMPS.items():
            assert champ[contract][label] == cell(c["cats"][("champ", cat)], n), (contract, cat)
    src, alt = index.images[0]
    assert is_png(demo["reports"] / src) and alt


@pytest.mark.slow
def test_demo_interviews_of_another_territory_stay_off_the_contract_pages(demo):
    units = [json.loads(x) for x in demo["e"].read_text(encoding="utf-8").splitlines()]
    by_territory: Counter[str] = Counter()
    for territory, _ in {(u["variables"]["territoire"], u["entretien"]) for u in units}:
        by_territory[territory] += 1
    pages = contract_pages(demo["reports"])
    assert set(pages) == set(recount(demo["m"]))
    assert not set(pages) & set(by_territory)  # the demo interviews are of other territories
    for page in pages.values():
        assert INTERVIEW_HEADING not in page.headings
        assert "entretiens.jsonl" not in page.footer
        assert page.back_links == ["index.html", "index.html"]
    index = parse(demo["reports"] / "index.html")
    assert sorted(index.items) == sorted(
        f"{n} entretien{'s' if n > 1 else ''} du territoire « {territory} » (entretiens.jsonl) "
        f": aucun contrat ne porte ce nom ; {'ils ne figurent' if n > 1 else 'il ne figure'} "
        "sur aucune page de contrat."
        for territory, n in by_territory.items()
    )

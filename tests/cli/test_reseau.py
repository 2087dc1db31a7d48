"""``cloterres reseau`` end to end on the demo network; every output format read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from tests.conftest import DEMO

NETWORK = DEMO / "reseau"
ACTORS = NETWORK / "acteurs.csv"
TIES = NETWORK / "liens.csv"
TYPES = ("connaissance", "echange_information", "collaboration")
# What a person reads for them in the workbook (ids stay in the JSONL and the graph files).
LABELS = {"connaissance": "Connaissance", "echange_information": "Échange d'information",
          "collaboration": "Collaboration", "tous_liens": "Tous les liens"}  # fmt: skip


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One run of the command on the demo (xlsx, jsonl, gexf, graphml and the picture)."""
    from cloterres.cli import main

    folder = tmp_path_factory.mktemp("reseau")
    outputs = [folder / f"reseau.{ext}" for ext in ("xlsx", "jsonl", "gexf", "graphml")]
    args = ["reseau", str(ACTORS), str(TIES), "--silencieux", "--permutations", "200"]
    for path in outputs:
        args += ["--sortie", str(path)]
    try:
        main(args)
    except SystemExit as exc:  # pragma: no cover - a failure shows in the assertions
        assert exc.code == 0
    return folder


def demo_pairs() -> dict[str, set[frozenset[str]]]:
    """Undirected pairs of each type as the demo table reports them (union rule), by hand."""
    pairs: dict[str, set[frozenset[str]]] = {t: set() for t in TYPES}
    with TIES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            pairs[row["type"]].add(frozenset((row["source"], row["cible"])))
    return pairs


def test_demo_has_60_fictional_actors_three_types_and_seven_milieux():
    with ACTORS.open(encoding="utf-8") as fh:
        actors = list(csv.DictReader(fh, delimiter=";"))
    assert len(actors) == 60
    assert {a["milieu"] for a in actors} == {
        "sport", "santé", "social", "collectivité", "institution", "financeur", "MSS",
    }  # fmt: skip
    assert set(demo_pairs()) == set(TYPES)
    assert "fictif" in (NETWORK / "README.md").read_text(encoding="utf-8")


def test_workbook_sheets_and_summary_values(demo_run):
    wb = load_workbook(demo_run / "reseau.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Synthèse", "Densités", "Mélange", "Homophilie", "Acteurs", "Courtage", "Liens",
        "Méthode", "À propos",
    ]  # fmt: skip
    rows = list(wb["Synthèse"].iter_rows(values_only=True))
    header = rows[0]
    by_type = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:5]}
    assert set(by_type) == set(LABELS.values())  # French labels, no « echange_information »
    pairs = demo_pairs()
    for tie_type in TYPES:
        summary = by_type[LABELS[tie_type]]
        assert summary["Liens"] == len(pairs[tie_type])
        # eight actors did not answer: the 8 x 7 / 2 pairs between them are unknown (default
        # --non-repondants manquants), the density is over the other pairs
        observed = 60 * 59 / 2 - 8 * 7 / 2
        assert summary["Densité"] == pytest.approx(len(pairs[tie_type]) / observed, abs=1e-6)
        assert summary["Permutations"] == 200
        assert summary["QAP p"] < 0.01  # the demo is built with strong homophily
        assert "Maison Sport-Santé des Coteaux" in summary["Pivot(s)"]
    spanners = by_type["Tous les liens"]["Passeurs de frontières"]
    assert "Lucie Marchal, enseignante en APA" in spanners
    assert "Claire Dutheil, infirmière Asalée" in spanners
    ratio = by_type["Collaboration"]["Rapport des densités interne / entre (« x fois plus »)"]
    assert ratio > by_type["Connaissance"]["Rapport des densités interne / entre (« x fois plus »)"]
    method = {r[0]: r[1] for r in wb["Méthode"].iter_rows(min_row=2, values_only=True)}
    assert "Couche « Échange d'information »" in method
    # « Tous les liens » explained once, in its own row (not again in the general one)
    assert "Réunion de tous les types de liens" in method["Couche « Tous les liens »"]
    for sheet in ("Densités", "Homophilie", "Acteurs", "Courtage", "Liens"):
        shown = {r[0] for r in wb[sheet].iter_rows(min_row=2, values_only=True)}
        assert not shown & {*TYPES, "tous_liens"}, sheet
    homophily = {r[0] for r in wb["Homophilie"].iter_rows(min_row=2, values_only=True)}
    assert "Connaissance × Échange d'information" in homophily
    assert "Passeur de frontières" in method and "90e centile" in method["Passeur de frontières"]
    assert "odds" not in method["Rapport des densités"]


def test_jsonl_rows_have_the_contract_keys(demo_run):
    lines = (demo_run / "reseau.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert all({"type_lien", "mesure", "groupe", "valeur", "p_value"} <= set(r) for r in rows)
    qap = [r for r in rows if r["mesure"] == "qap_meme_milieu"]
    assert {r["type_lien"] for r in qap} == {*TYPES, "tous_liens"}
    assert all(r["p_value"] is not None and r["permutations"] == 200 for r in qap)
    ratios = {r["type_lien"]: r for r in rows if r["mesure"] == "rapport_densites"}
    assert "x fois plus" in ratios["collaboration"]["libelle"]
    odds = [r for r in rows if r["mesure"] == "rapport_cotes"]
    assert "odds ratio" in odds[0]["libelle"]
    # a milieu level E-I with its expected value, actor rows with the actor's name
    ei_groups = [r for r in rows if r["mesure"] == "indice_ei" and r["niveau"] == "milieu"]
    assert {r["groupe"] for r in ei_groups} >= {"sport", "santé", "MSS"}
    assert all("attendu" in r for r in ei_groups if r["valeur"] is not None)
    actor = next(r for r in rows if r["niveau"] == "acteur" and r["groupe"] == "SP13")
    assert actor["nom"] == "Lucie Marchal, enseignante en APA"
    layer_pairs = [r for r in rows if r["mesure"] == "qap_couches"]
    assert len(layer_pairs) == 3


@pytest.mark.parametrize("reader", [nx.read_gexf, nx.read_graphml])
def test_graph_files_read_back_with_networkx(demo_run, reader):
    suffix = "gexf" if reader is nx.read_gexf else "graphml"
    graph = reader(demo_run / f"reseau.{suffix}")
    assert graph.number_of_nodes() == 60
    assert graph.nodes["MSS1"]["milieu"] == "MSS"
    assert graph.nodes["SP13"]["label"] == "Lucie Marchal, enseignante en APA"
    pairs = demo_pairs()
    union = set().union(*pairs.values())
    assert graph.number_of_edges() == len(union)
    for pair in list(union)[:40]:
        a, b = tuple(pair)
        data = graph.edges[a, b]
        present = [t for t in TYPES if pair in pairs[t]]
        assert float(data["weight"]) == len(present)
        for tie_type in TYPES:
            assert (float(data[tie_type]) > 0) == (tie_type in present)


def test_picture_is_a_png(demo_run):
    picture = demo_run / "reseau.png"  # derived from the first --sortie
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_english_alias_roster_survey_and_explicit_image(run_cli, tmp_path):
    image = tmp_path / "image.png"
    code, out, err = run_cli(
        "network", ACTORS, NETWORK / "enquete-roster.xlsx", "--out", tmp_path / "r.jsonl",
        "--image", image, "--permutations", "50", "--symetrisation", "reciproque",
        "--directed", "collaboration", "--seed", "3",
    )  # fmt: skip
    assert code == 0, err
    assert image.exists() and (tmp_path / "r.jsonl").exists()
    assert not (tmp_path / "r.png").exists()
    assert "Échange d'information" in out and "echange_information" not in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sortie", "x.txt"], "format de sortie non reconnu"),
        (["--sortie", "x.xlsx", "--symetrisation", "les deux"], "règle inconnue"),
        (["--sortie", "x.xlsx", "--attribut", "couleur"], "colonne « couleur » manquante"),
    ],
)
def test_bad_usage_exits_2_with_one_french_line(run_cli, tmp_path, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli("reseau", ACTORS, TIES, *extra)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not list(Path(tmp_path).glob("x.*"))


def test_existing_output_is_kept_without_ecraser(run_cli, tmp_path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"keep")
    code, _out, err = run_cli("reseau", ACTORS, TIES, "--sortie", target)
    assert code == 2 and "--ecraser" in err
    assert target.read_bytes() == b"keep"


def test_unknown_actor_in_ties_exits_2_naming_the_line(run_cli, tmp_path):
    ties = tmp_path / "liens.csv"
    ties.write_text(
        "source;cible;type\nMSS1;SP01;collaboration\nMSS1;ZZ99;collaboration\n", "utf-8"
    )
    code, _out, err = run_cli("reseau", ACTORS, ties, "--sortie", tmp_path / "r.xlsx")
    assert code == 2
    assert "liens.csv, ligne 3 : acteur inconnu « ZZ99 »" in err
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "r.png").exists()

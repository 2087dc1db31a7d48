"""Non-respondents as missing data: observed dyads, densities and degrees on a tiny network
computed by hand (Wasserman & Faust 1994: density = L / (g(g-1)/2) undirected, L / (g(g-1))
directed, here over the observed dyads only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from cloterres.errors import InputError
from cloterres.network.analysis import analyse
from cloterres.network.describe import non_respondent_sentence
from cloterres.network.layers import build_layers
from cloterres.network.missing import non_respondent_treatment, observed_pairs
from cloterres.network.readers import attribute_values, read_actors, read_ties
from cloterres.network.run import run_network

# A and B (sport) answered; C and D (santé) did not: they never appear as a source.
ACTORS = "id;nom;milieu\nA;Club A (fictif);sport\nB;Club B (fictif);sport\n" \
         "C;Centre C (fictif);santé\nD;Centre D (fictif);santé\n"  # fmt: skip
TIES = "source;cible;type\nA;B;collaboration\nB;A;collaboration\nA;C;collaboration\n" \
       "B;D;collaboration\n"  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    actors = tmp_path / "acteurs.csv"
    actors.write_text(ACTORS, encoding="utf-8")
    ties = tmp_path / "liens.csv"
    ties.write_text(TIES, encoding="utf-8")
    return actors, ties


def _analysis(files: tuple[Path, Path], rule: str, missing: bool, directed: bool = False):
    actors = read_actors(files[0])
    values, _ = attribute_values(actors, "milieu", files[0])
    read = read_ties(files[1], actors)
    kinds = {"collaboration"} if directed else set()
    layers, _ = build_layers(actors, read.ties, directed_types=kinds, rule=rule, missing=missing)
    return analyse(actors, "milieu", values, layers, permutations=0, rule=rule, missing=missing)


@pytest.mark.parametrize(
    ("rule", "missing", "pairs", "density"),
    [
        # union: every pair but C-D (two non-respondents) is observed; ties AB, AC, BD
        ("union", True, 5, 3 / 5),
        ("union", False, 6, 3 / 6),
        # reciprocal: only A-B (both answered) is observed; one tie
        ("reciproque", True, 1, 1.0),
        ("reciproque", False, 6, 1 / 6),
    ],
)
def test_density_over_observed_dyads_equals_hand_value(files, rule, missing, pairs, density):
    result = _analysis(files, rule, missing).layers[0]
    assert result.layer.observed is not None
    assert observed_pairs(result.layer.observed, directed=False) == pairs
    assert result.density.value == pytest.approx(density)


def test_directed_density_counts_arcs_from_respondents_only(files):
    # arcs A->B, B->A, A->C, B->D; observed arcs leave A or B: 2 x 3 = 6 (12 without)
    assert _analysis(files, "union", True, directed=True).layers[0].density.value == pytest.approx(
        4 / 6
    )
    assert _analysis(files, "union", False, directed=True).layers[0].density.value == (
        pytest.approx(4 / 12)
    )


def test_within_between_densities_over_observed_pairs(files):
    result = _analysis(files, "union", True).layers[0]
    # within: A-B observed (C-D unknown), 1 tie; between: AC, AD, BC, BD observed, 2 ties
    assert result.mixing.within_pairs == 1 and result.mixing.between_pairs == 4
    assert result.density_within.value == pytest.approx(1.0)
    assert result.density_between.value == pytest.approx(0.5)
    assert result.density_ratio.value == pytest.approx(2.0)
    full = _analysis(files, "union", False).layers[0]
    assert full.mixing.within_pairs == 2 and full.density_ratio.value == pytest.approx(1.0)


def test_nobody_missing_gives_the_textbook_density(tmp_path, files):
    ties = tmp_path / "tous.csv"
    ties.write_text(TIES + "C;A;collaboration\nD;B;collaboration\n", encoding="utf-8")
    result = _analysis((files[0], ties), "reciproque", True).layers[0]
    assert observed_pairs(result.layer.observed, directed=False) == 6
    assert result.density.value == pytest.approx(3 / 6)  # L / (g(g-1)/2)


def test_degrees_in_out_and_unknown_for_non_respondents(files):
    actors = _analysis(files, "union", True).layers[0].actors
    degrees = [(a.degree, a.in_degree, a.out_degree, a.answered) for a in actors]
    assert degrees == [(2, 1, 2, True), (2, 1, 2, True), (1, 1, None, False), (1, 1, None, False)]


def test_treatment_option_values():
    assert non_respondent_treatment("manquants") is True
    assert non_respondent_treatment("sans_liens") is False
    with pytest.raises(InputError, match="--non-repondants"):
        non_respondent_treatment("ignorer")


def test_workbook_states_the_choice_counts_degrees_and_layers(tmp_path, files):
    ties = tmp_path / "deux-types.csv"
    # every collaboration is also an acquaintance (plus A-D): tous_liens equals connaissance
    extra = "".join(
        line.replace("collaboration", "connaissance") + "\n" for line in TIES.splitlines()[1:]
    )
    ties.write_text(TIES + extra + "A;D;connaissance\n", encoding="utf-8")
    out = tmp_path / "reseau.xlsx"
    run_network(files[0], [ties], [out], permutations=0)
    wb = load_workbook(out)
    method = {row[0]: row[1] for row in wb["Méthode"].iter_rows(min_row=2, values_only=True)}
    text = method["Non-répondants"]
    assert "2 acteurs sur 4 ont répondu" in text and "(C, D)" in text
    assert "--non-repondants manquants" in text
    assert "Collaboration : 5 paires observées" in text
    assert "identique à la couche « Connaissance »" in method["Couche « Tous les liens »"]
    assert "Couche « Collaboration »" in method
    sheet = wb["Acteurs"]
    headers = [c.value for c in sheet[1]]
    assert headers[4:8] == [
        "A répondu", "Degré (liens retenus)", "Degré entrant (cité par)", "Degré sortant (a cité)"
    ]  # fmt: skip
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "Collaboration"]
    assert [r[4:8] for r in rows] == [
        ("Oui", 2, 1, 2), ("Oui", 2, 1, 2), ("Non", 1, 1, "inconnu (n'a pas répondu)"),
        ("Non", 1, 1, "inconnu (n'a pas répondu)"),
    ]  # fmt: skip
    summary = [r for r in wb["Synthèse"].iter_rows(min_row=2, values_only=True)]
    assert summary[0][0] == "Collaboration" and summary[0][4] == pytest.approx(0.6)
    assert np.isclose(summary[0][4], 3 / 5)


def test_workbook_without_missing_treatment_says_so(tmp_path, files):
    out = tmp_path / "reseau.xlsx"
    run_network(files[0], [files[1]], [out], permutations=0, non_respondents="sans-liens")
    wb = load_workbook(out)
    method = {row[0]: row[1] for row in wb["Méthode"].iter_rows(min_row=2, values_only=True)}
    assert "--non-repondants sans-liens" in method["Non-répondants"]
    assert wb["Synthèse"].cell(2, 5).value == pytest.approx(0.5)


def test_co_mention_layers_are_fully_observed_even_beside_a_survey(files):
    from cloterres.io.sources import SourceRef
    from cloterres.network.model import Tie

    actors = read_actors(files[0])
    read = read_ties(files[1], actors)
    where = SourceRef(fichier="codes.jsonl")
    derived = [Tie(source="C", cible="D", type="co_mention_unite", derive=True, origine=where)]
    layers, _ = build_layers(actors, [*read.ties, *derived], directed_types=set(), rule="union")
    survey, mentions, everything = layers
    assert mentions.answered is None and observed_pairs(mentions.observed, False) == 6
    assert observed_pairs(survey.observed, False) == 5
    # C-D: no collaboration known (neither answered) but a co-mention: a tie, so observed
    assert observed_pairs(everything.observed, False) == 6
    values, _ = attribute_values(actors, "milieu", files[0])
    analysis = analyse(actors, "milieu", values, [mentions], permutations=0)
    assert non_respondent_sentence(analysis, True).startswith("Sans objet")

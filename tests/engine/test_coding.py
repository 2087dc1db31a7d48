"""The coding engine on small grids written for each behaviour (independent of the shipped rules)."""

from __future__ import annotations

import pytest

from cloterres.engine.coding import (
    ORIGIN_CONTEXT,
    ORIGIN_DEFAULT,
    ORIGIN_IMPLIED,
    ORIGIN_TEXT,
    Coder,
    check_examples,
)
from cloterres.engine.grid import load_grid
from tests.conftest import write_grid

GRID = """
id: essai
nom: Grille d'essai
champs_texte: [intitule, description]
champs_contexte: [axe]
dimensions:
  - id: champ
    label: Champ
    min: 1
    defaut: promotion_sante
    contexte: true
    categories:
      - id: prevention
        label: Prévention
        inclure: [dépistage, "vaccin*", {terme: atelier, poids: 0.5}, {terme: chute, poids: 0.5}]
        implique: [niveau.individuel]
      - id: promotion_sante
        label: Promotion de la santé
        inclure: [promotion de la santé, bien-être]
        exclure_si: [champ.prevention]
      - id: soins
        label: Soins
        inclure: [accès aux soins, "=PASS", maison de santé, {terme: formation, avec: [médecin*]}]
        exclure: [soins palliatifs]
  - id: niveau
    label: Niveau
    multiple: false
    categories:
      - id: individuel
        label: Individuel
        inclure: [atelier, {terme: information, sans: [professionnel]}]
      - id: politique
        label: Politique
        inclure: [charte, {terme: plan local, poids: 2}]
  - id: public
    label: Public
    min: 1
    defaut: tout_public
    champs_prioritaires: [public]
    categories:
      - id: personnes_agees
        label: Personnes âgées
        ages: [60, 130]
        inclure: [personne âgée, senior]
      - id: petite_enfance
        label: Petite enfance
        ages: [0, 5]
      - id: enfants
        label: Enfants
        ages: [6, 11]
      - id: tout_public
        label: Tout public
        inclure: [tout public]
      - id: professionnels
        label: Professionnels
        inclure: [professionnel]
derives:
  - id: synthese
    label: Synthèse
    type: partition
    dimension: niveau
    groupes: {individuel: [individuel], environnemental: [politique]}
  - id: deux_champs
    label: Deux champs
    type: nombre_min
    dimension: champ
    min: 2
  - id: hors_soins
    label: Hors soins
    type: autre_que
    dimension: champ
    categories: [soins]
  - id: supra
    label: Supra-communal
    type: termes
    inclure: ["intercommunal*", communauté de communes]
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory, nlp) -> Coder:
    path = write_grid(tmp_path_factory.mktemp("grille"), GRID)
    return Coder(load_grid(path))


def decision(result, dim, cat):
    return next(d for d in result.labels[dim] if d.category == cat)


def test_lemma_case_and_accent_insensitive_matching(small):
    r = small.code({"intitule": "DEPISTAGES organisés des cancers"})
    assert r.ids("champ") == ["prevention"]
    ev = decision(r, "champ", "prevention").evidence
    assert [(e.field, e.start, e.end, e.text, e.term) for e in ev] == [
        ("intitule", 0, 10, "DEPISTAGES", "dépistage")
    ]


def test_multiword_terms_skip_function_words_and_keep_offsets(small):
    text = "Améliorer l’accès au soin et créer des Maisons de Santé"
    r = small.code({"intitule": text})
    ev = decision(r, "champ", "soins").evidence
    assert [(e.text, e.start, e.end) for e in ev] == [
        ("accès au soin", 12, 25),
        ("Maisons de Santé", 39, 55),
    ]
    for e in ev:
        assert text[e.start : e.end] == e.text
    assert decision(r, "champ", "soins").score == 2.0


def test_multiword_terms_need_adjacent_content_words(small):
    r = small.code({"intitule": "Accès des jeunes aux soins"})
    assert "soins" not in r.ids("champ")


def test_prefix_and_exact_terms(small):
    assert small.code({"intitule": "Campagne de vaccination ROR"}).ids("champ") == ["prevention"]
    assert small.code({"intitule": "Vacciner les enfants"}).ids("champ") == ["prevention"]
    # "=PASS" matches the acronym only, not the ordinary word
    assert "soins" in small.code({"intitule": "Consolider la PASS de l'hôpital"}).ids("champ")
    assert "soins" not in small.code({"intitule": "Un pass sport pour tous"}).ids("champ")


def test_weights_add_up_to_the_threshold(small):
    one = small.code({"intitule": "Atelier mémoire"})
    assert "prevention" not in one.ids("champ")
    both = small.code({"intitule": "Atelier de prévention des chutes"})
    assert decision(both, "champ", "prevention").score == 1.0


def test_avec_and_sans_conditions(small):
    assert "soins" not in small.code({"intitule": "Formation des bénévoles"}).ids("champ")
    assert "soins" in small.code({"intitule": "Formation des médecins généralistes"}).ids("champ")
    assert small.code({"intitule": "Information du public"}).ids("niveau") == ["individuel"]
    assert small.code({"intitule": "Information des professionnels"}).ids("niveau") == []


def test_exclusion_terms_override_inclusion(small):
    r = small.code({"intitule": "Accès aux soins palliatifs à domicile"})
    assert "soins" not in r.ids("champ")


def test_implications_and_exclusion_by_label(small):
    r = small.code({"intitule": "Dépistage et bien-être"})
    # promotion_sante matched "bien-être" but is excluded by champ.prevention
    assert r.ids("champ") == ["prevention"]
    implied = decision(r, "niveau", "individuel")
    assert (implied.origin, implied.note, implied.evidence) == (
        ORIGIN_IMPLIED,
        "champ.prevention",
        [],
    )


def test_single_label_keeps_the_best_score(small):
    r = small.code({"intitule": "Atelier pour un plan local de santé"})
    assert r.ids("niveau") == ["politique"]
    assert decision(r, "niveau", "politique").score == 2.0


def test_context_breaks_ties_then_default(small):
    r = small.code({"intitule": "Action de terrain", "axe": "Axe 2 : accès aux soins"})
    d = decision(r, "champ", "soins")
    assert (d.origin, d.evidence[0].field, d.evidence[0].text) == (
        ORIGIN_CONTEXT,
        "axe",
        "accès aux soins",
    )
    r = small.code({"intitule": "Action de terrain", "axe": "Axe 3"})
    assert [(d.category, d.origin) for d in r.labels["champ"]] == [
        ("promotion_sante", ORIGIN_DEFAULT)
    ]
    assert [(d.category, d.origin) for d in r.labels["public"]] == [("tout_public", ORIGIN_DEFAULT)]
    # the text wins over the axis when it says something
    r = small.code({"intitule": "Dépistage", "axe": "Accès aux soins"})
    assert [(d.category, d.origin) for d in r.labels["champ"]] == [("prevention", ORIGIN_TEXT)]


def test_context_field_is_not_coded_as_text(small):
    r = small.code({"intitule": "Ateliers", "axe": "Personnes âgées"})
    assert r.ids("public") == ["tout_public"]


def test_derived_attributes(small):
    r = small.code({"intitule": "Dépistage et maison de santé dans la communauté de communes"})
    assert r.ids("champ") == ["prevention", "soins"]
    assert r.derived == {
        "synthese": "individuel",
        "deux_champs": True,
        "hors_soins": True,
        "supra": True,
    }
    r = small.code({"intitule": "Charte et atelier"})  # single-label niveau keeps one
    assert r.derived["synthese"] in ("individuel", "environnemental")
    r = small.code({"intitule": "Maison de santé"})
    assert r.derived["hors_soins"] is False and r.derived["supra"] is False


def test_unit_without_text_gets_nothing(small):
    r = small.code({"intitule": "  ", "description": "", "axe": "Accès aux soins"})
    assert r.empty
    assert all(v == [] for v in r.labels.values())


def test_fields_outside_the_grid_are_ignored(small):
    r = small.code({"intitule": "Action", "porteur": "Maison de santé de Brives"})
    assert "soins" not in r.ids("champ")


def test_examples_are_checked(tmp_path, nlp):
    text = GRID.replace(
        "        label: Soins\n",
        "        label: Soins\n        exemples: [Ouvrir une maison de santé, Ateliers cuisine]\n"
        "        contre_exemples: [Accès aux soins palliatifs, Accès aux soins]\n",
    )
    grid = load_grid(write_grid(tmp_path, text))
    problems = check_examples(grid)
    assert len(problems) == 2
    assert "Ateliers cuisine" in problems[0] and "contre-exemple « Accès aux soins »" in problems[1]


def test_find_reports_offsets(small):
    assert small.find("personne âgée", "Les personnes âgées isolées") == [(4, 19)]
    assert small.find("senior", "Les personnes âgées") == []


def test_priority_fields_are_read_first(small):
    description = "Ateliers animés par des professionnels de santé pour les seniors"
    r = small.code({"intitule": "Ateliers", "description": description, "public": "Tout public"})
    d = decision(r, "public", "tout_public")
    assert (d.origin, [(e.field, e.text) for e in d.evidence]) == (
        ORIGIN_TEXT,
        [("public", "Tout public")],
    )
    assert r.ids("public") == ["tout_public"]
    # nothing in the priority field: the other fields are used
    r = small.code({"intitule": "Ateliers", "description": description, "public": "Voir fiche"})
    assert r.ids("public") == ["personnes_agees", "professionnels"]


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("Bilans pour les enfants de 3 à 8 ans", ["petite_enfance", "enfants"], "3 à 8 ans"),
        ("Accueil des 0-6 ans", ["petite_enfance"], "0-6 ans"),  # 6 alone does not make enfants
        ("Activité physique des 60 ans et plus", ["personnes_agees"], "60 ans et plus"),
        ("Dépistage des moins de 6 ans", ["petite_enfance"], "moins de 6 ans"),
        ("Prévention chez les 16-25 ans", ["tout_public"], None),  # no category for that range
        ("Plan 2025-2030", ["tout_public"], None),
    ],
)
def test_age_ranges(small, text, expected, span):
    r = small.code({"intitule": text, "public": "à définir"})
    assert r.ids("public") == expected
    if span:
        d = decision(r, "public", expected[0])
        assert [e.text for e in d.evidence] == [span]
        assert text[d.evidence[0].start : d.evidence[0].end] == span

"""Grid files: the shipped grid matches the codebook; broken grids get precise French messages."""

from __future__ import annotations

import re

import pytest

from cloterres.engine.coding import check_examples
from cloterres.engine.grid import GridError, load_grid
from tests.conftest import GRID_PATH, write_grid

VALID = """\
id: essai
nom: Essai
dimensions:
  - id: champ
    label: Champ
    categories:
      - id: prevention
        label: Prévention
        inclure: [dépistage]
        implique: [niveau.individuel]
  - id: niveau
    label: Niveau
    categories:
      - id: individuel
        label: Individuel
"""


def codebook_ids(shared_dir) -> dict[str, list[str]]:
    """Category ids of every dimension, read from the codebook (measures-grid.md)."""
    text = (shared_dir / "spec" / "measures-grid.md").read_text(encoding="utf-8")
    sections = re.split(r"^## \d+\. `(\w+)`", text, flags=re.M)
    out: dict[str, list[str]] = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        body = body.split("\n## ")[0]
        table_ids = re.findall(r"^\| (\w+) \|", body, flags=re.M)
        table_ids = [i for i in table_ids if i != "id"]
        if table_ids:
            out[name] = table_ids
        else:  # dotted lists over several lines: "nutrition · activite_physique · ..."
            paragraph = body.split("\n", 1)[1].strip().split("\n\n")[0]  # after the heading
            paragraph = re.sub(r"\([^)]*\)", "", paragraph.replace("\n", " "))
            out[name] = [re.match(r"\s*([a-z_]+)", part).group(1) for part in paragraph.split("·")]
    return out


def test_shipped_grid_implements_every_codebook_category(grid, shared_dir):
    expected = codebook_ids(shared_dir)
    assert list(expected) == [
        "champ",
        "niveau",
        "determinants",
        "thematique",
        "public",
        "strategie",
    ]
    assert [d.id for d in grid.dimensions] == list(expected)
    for dim in grid.dimensions:
        assert [c.id for c in dim.categories] == expected[dim.id], dim.id
        for cat in dim.categories:
            assert cat.label and cat.definition, f"{dim.id}.{cat.id} sans libellé ou définition"


def test_shipped_grid_constraints_and_derived_attributes(grid):
    champ, niveau, public = (grid.dimension(x) for x in ("champ", "niveau", "public"))
    assert champ.min == 1 and niveau.min == 1 and public.defaut == "tout_public"
    assert not public.contexte, "a public taken from the axis alone is not coded"
    assert {d.id for d in grid.derives} >= {"niveau_synthese", "multi_objectifs", "hors_soins"}
    acronyms = {"CPTS", "MSP", "PMI", "CCAS", "QPV", "EHPAD", "CLSM", "PRAPS"}
    terms = " ".join(t.terme for d in grid.dimensions for c in d.categories for t in c.inclure)
    assert {a for a in acronyms if re.search(rf"\b{a}\b", terms, flags=re.I)} == acronyms


def test_shipped_grid_codes_its_own_examples(grid, coder):
    assert check_examples(grid, coder) == []


def test_valid_grid_loads(tmp_path):
    grid = load_grid(write_grid(tmp_path, VALID))
    assert grid.dimension("champ").category("prevention").inclure[0].terme == "dépistage"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("        implique: [niveau.individuel]", "        implique: [niveaux.individuel]"),
            r"grille\.yaml, ligne 10, dimensions\[0\]\.categories\[0\]\.implique\[0\] : "
            r"dimension inconnue « niveaux » \(dimensions : champ, niveau\)",
        ),
        (
            ("        implique: [niveau.individuel]", "        implique: [niveau.politique]"),
            r"ligne 10, .*catégorie inconnue « politique » dans la dimension « niveau »",
        ),
        (
            ("        label: Prévention\n", "        label: Prévention\n        inclur: [x]\n"),
            r"ligne 9, dimensions\[0\]\.categories\[0\]\.inclur : champ inconnu « inclur » "
            r"\(champs possibles : id, label, definition, inclure, exclure",
        ),
        (
            ("  - id: niveau\n    label: Niveau\n", "  - id: niveau\n"),
            r"ligne 11, dimensions\[1\]\.label : champ obligatoire manquant",
        ),
        (
            ("  - id: champ\n", "  - id: Champ d'action\n"),
            r"ligne 4, dimensions\[0\]\.id : identifiant invalide",
        ),
        (
            ("    label: Champ\n", "    label: Champ\n    multiple: peut-être\n"),
            r"ligne 6, dimensions\[0\]\.multiple : valeur oui/non attendue",
        ),
        (
            ("    label: Champ\n", "    label: Champ\n    defaut: soins\n"),
            r"ligne 4, dimensions\[0\] : catégorie par défaut inconnue « soins »",
        ),
        (
            ("  - id: niveau\n", "  - id: champ\n"),
            r"grille\.yaml, ligne 1, \(racine\) : dimension en double : champ",
        ),
        (
            ("        label: Individuel\n", "        label: Individuel\n        label: Autre\n"),
            r"ligne 16 : YAML invalide : clé en double « label »",
        ),
        (
            ("    label: Champ\n", "\tlabel: Champ\n"),
            r"ligne 5 : YAML invalide : tabulation interdite",
        ),
    ],
)
def test_broken_grids_get_precise_messages(tmp_path, change, expected):
    old, new = change
    assert old in VALID
    path = write_grid(tmp_path, VALID.replace(old, new))
    with pytest.raises(GridError) as info:
        load_grid(path)
    assert re.search(expected, info.value.problems[0]), info.value.problems
    assert str(path) in info.value.problems[0]


def test_every_problem_is_listed(tmp_path):
    text = VALID.replace(
        "implique: [niveau.individuel]", "implique: [niveau.individuel]\n        poids: 2"
    )
    text = text.replace("  - id: niveau\n    label: Niveau\n", "  - id: niveau\n")
    with pytest.raises(GridError) as info:
        load_grid(write_grid(tmp_path, text))
    assert len(info.value.problems) == 2
    assert "(et 1 autre(s) problème(s))" in str(info.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "fichier de grille introuvable"),
        (b"", "une grille est un dictionnaire YAML"),
        (b"- a\n- b\n", "une grille est un dictionnaire YAML"),
        (b"id: x\nnom: \xe9t\xe9\n", "n'est pas en UTF-8"),
    ],
)
def test_unreadable_grid_files(tmp_path, content, expected):
    path = tmp_path / "g.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GridError) as info:
        load_grid(path)
    assert expected in str(info.value)


def test_shipped_grid_file_is_the_default(grid):
    from cloterres.engine.grid import default_grid_path

    assert default_grid_path() == GRID_PATH
    assert grid.id == "cloterres-mesures"


@pytest.mark.parametrize("name", ["cloterres-mesures.yaml", "entretiens-cls.yaml"])
def test_shipped_grids_have_no_exact_function_words(name):
    """An exact form (`=...`) makes its words content words in every text, so an exact
    function word (« =en », « =que », « =une ») would silently break the multi-word terms of
    every other category (grids/README.md)."""
    from cloterres.engine.nlp import FUNCTION_WORDS

    grid = load_grid(GRID_PATH.parent / name)
    texts = [
        t
        for dim in grid.dimensions
        for cat in dim.categories
        for term in [*cat.inclure, *cat.exclure]
        for t in [term.terme, *term.avec, *term.sans]
    ]
    exact = [t for t in texts if t.startswith("=")]
    assert exact, "the interview and measures grids both use exact forms"
    bad = [t for t in exact if set(re.split(r"[\s'’]+", t[1:].lower())) & FUNCTION_WORDS]
    assert bad == []

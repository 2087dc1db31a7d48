"""``synthese --etude``: a study built by ``categoriser`` / ``coder --etude`` on demo data, two
review rounds that change labels, and every figure of the comparison recomputed here from the
machine's labels (the JSONL output) and the changes the test made, with the codebook's
definitions written out again (never the library's counting)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cloterres.review.export import export_review
from cloterres.review.importer import import_review
from cloterres.store import Study
from tests.conftest import DEMO

PLAN = DEMO / "cls-ville-de-montclair.csv"
INTERVIEWS = [DEMO / "entretiens" / "E01-coordinatrice.txt", DEMO / "entretiens" / "E02-elu.txt"]
ANNE, HUGO = "Anne Fictive", "Hugo Fictif"
ENVIRONMENTAL = {"interpersonnel", "organisationnel", "communautaire", "politique"}
# the module's study categorises a demo plan (49 measures) and codes two interviews
pytestmark = pytest.mark.slow


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def review_columns(ws) -> dict[tuple[str, str], int]:  # noqa: ANN001
    """(dimension id, category id) -> column of the « Revue » sheet (labels mapped by the grid)."""
    from cloterres.engine.grid import default_grid_path, load_grid

    grid = load_grid(default_grid_path())
    dims = {d.label: d for d in grid.dimensions}
    out: dict[tuple[str, str], int] = {}
    current = None
    for col in range(1, ws.max_column + 1):
        top = ws.cell(row=1, column=col).value
        if top in dims:
            current = dims[top]
        if current is None:
            continue
        label = ws.cell(row=2, column=col).value
        cat = next(c for c in current.categories if c.label == label)
        out[(current.id, cat.id)] = col
    return out


def review(study: Study, folder: Path, coder: str, changes: dict[str, dict[str, list[str]]]):
    """Export ``coder``'s workbook, set the given dimensions of the given units (``[]``: only
    mark the row « Revu »), import it."""
    path = folder / f"revue-{coder.split()[0].lower()}.xlsx"
    export_review(study, path, coder=coder, kind="mesures")
    wb = openpyxl.load_workbook(path)
    ws = wb["Revue"]
    columns = review_columns(ws)
    revu = next(c for c in range(1, ws.max_column + 1) if ws.cell(row=2, column=c).value == "Revu")
    rows = {ws.cell(row=r, column=1).value: r for r in range(3, ws.max_row + 1)}
    for unit, dims in changes.items():
        row = rows[unit]
        ws.cell(row=row, column=revu).value = "oui"
        for dim, cats in dims.items():
            for (d, c), col in columns.items():
                if d == dim:
                    ws.cell(row=row, column=col).value = "x" if c in cats else None
    wb.save(path)
    return import_review(study, path, coder=coder)


@pytest.fixture(scope="module")
def built(nlp, tmp_path_factory):
    """The study, the machine's JSONL outputs, the units reviewed and how."""
    from cloterres.interviews.coding import code_interviews
    from cloterres.plans.categorize import categorize

    folder = tmp_path_factory.mktemp("etude")
    db = folder / "etude.sqlite"
    with Study(db) as study:
        categorize([PLAN], folder / "mesures.jsonl", study=study, workers=1)
        code_interviews(INTERVIEWS, folder / "entretiens.jsonl", study=study, workers=1)
        machine = {o["id"]: o for o in jsonl(folder / "mesures.jsonl")}
        ids = list(machine)
        labels = {k: o["labels"] for k, o in machine.items()}
        # A: individual only -> Anne adds « communautaire » (mixed), Hugo later makes it
        # « politique » only (environmental); B: a measure with several determinants -> only
        # access to services (neither non-care nor multi-objective); C: marked reviewed as is;
        # D: Hugo adds a theme no measure of the plan has
        a = next(k for k in ids if labels[k]["niveau"] == ["individuel"])
        b = next(
            k for k in ids if k != a and len(labels[k]["determinants"]) >= 2
            and "services_sante" not in labels[k]["determinants"]
        )  # fmt: skip
        c = next(k for k in ids if k not in (a, b))
        d = next(k for k in ids if k not in (a, b, c))
        used = {t for lab in labels.values() for t in lab["thematique"]}
        from cloterres.engine.grid import default_grid_path, load_grid

        themes = [t.id for t in load_grid(default_grid_path()).dimension("thematique").categories]
        new_theme = next(t for t in themes if t not in used)
        anne = {
            a: {"niveau": ["individuel", "communautaire"]},
            b: {"determinants": ["services_sante"]},
            c: {},
        }
        hugo = {
            a: {"niveau": ["politique"]},
            d: {"thematique": [*labels[d]["thematique"], new_theme]},
        }
        assert review(study, folder, ANNE, anne).recorded == 3
        assert review(study, folder, HUGO, hugo).recorded == 2
    return {
        "db": db, "folder": folder, "machine": machine, "anne": anne, "hugo": hugo,
        "new_theme": new_theme,
    }  # fmt: skip


def current_labels(built, coders: list[str]) -> dict[str, dict[str, list[str]]]:
    """The machine's labels, overridden dimension by dimension by the reviews, in import order."""
    out = {k: {d: list(c) for d, c in o["labels"].items()} for k, o in built["machine"].items()}
    for name, changes in (("anne", built["anne"]), ("hugo", built["hugo"])):
        if name in coders:
            for unit, dims in changes.items():
                out[unit].update({d: list(c) for d, c in dims.items()})
    return out


def sure_labels(built, labels, coders: list[str]) -> dict[str, dict[str, list[str]]]:  # noqa: ANN001
    """The labels the summary counts: a reviewed unit's all (a review records every dimension
    of the units it marks « Revu »), another unit's without those the machine marked « à
    vérifier » (defaults and low confidence)."""
    reviewed = {u for name in coders for u in built[name]}
    out = {}
    for unit, lab in labels.items():
        if unit in reviewed:
            out[unit] = lab
            continue
        decisions = built["machine"][unit]["decisions"]
        out[unit] = {
            d: [c for c in cats if not decisions.get(d, {}).get(c, {}).get("a_verifier")]
            for d, cats in lab.items()
        }
    return out


def expected_row(
    built, labels: dict[str, dict[str, list[str]]], grid, sure=None
) -> dict[str, object]:  # noqa: ANN001
    """The comparison row, from the codebook's definitions (every measure here has a text):
    an indicator counts for a measure when its labels and its sure labels both give it, a
    category when it is sure."""
    sure = sure if sure is not None else labels
    n = len(labels)

    def count(dim: str, test) -> int:  # noqa: ANN001
        return sum(test(set(labels[u][dim])) and test(set(sure[u][dim])) for u in labels)

    def ind_only(x: set[str]) -> bool:
        return "individuel" in x and not x & ENVIRONMENTAL

    def env_only(x: set[str]) -> bool:
        return "individuel" not in x and bool(x & ENVIRONMENTAL)

    def mixed(x: set[str]) -> bool:
        return "individuel" in x and bool(x & ENVIRONMENTAL)

    supra = sum(o["derives"]["supra_communal"] is True for o in built["machine"].values())
    row: dict[str, object] = {
        "Actions": n,
        "Actions catégorisées": n,
        "Individuel seulement — n": count("niveau", ind_only),
        "Mixte — n": count("niveau", mixed),
        "Environnemental seulement — n": count("niveau", env_only),
        "Au moins un niveau environnemental — n": count(
            "niveau", lambda x: bool(x & ENVIRONMENTAL)
        ),
        "Multi-objectifs — n": count("determinants", lambda x: len(x) >= 2),
        "Hors soins — n": count("determinants", lambda x: bool(x - {"services_sante"})),
        "Supra-communal — n": supra,
    }
    for dim in grid.dimensions:
        for cat in dim.categories:
            n_cat = sum(cat.id in lab[dim.id] for lab in sure.values())
            row[f"{dim.label} : {cat.label} — %"] = pytest.approx(n_cat / n)
    themes = grid.dimension("thematique").categories
    covered = [t for t in themes if any(t.id in lab["thematique"] for lab in sure.values())]
    row["Thématiques couvertes"] = len(covered)
    row["Thématiques non couvertes"] = "; ".join(t.label for t in themes if t not in covered)
    return row


def comparison_row(path: Path, contract: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["Comparaison"]
    header = [c.value for c in ws[5]]
    row = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] == contract)
    return dict(zip(header, row, strict=False))


def about(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["À propos"]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}


def test_reviewed_labels_drive_the_figures(built, grid, run_cli, tmp_path):
    out = tmp_path / "synthese.xlsx"
    code, stdout, err = run_cli("synthese", "--etude", built["db"], "--sortie", out)
    assert code == 0, err
    assert "49 mesures, dont 4 avec des étiquettes revues par une personne" in stdout
    contract = next(iter(built["machine"].values()))["contrat"]
    got = comparison_row(out, contract)
    labels = current_labels(built, ["anne", "hugo"])
    expected = expected_row(built, labels, grid, sure_labels(built, labels, ["anne", "hugo"]))
    assert {k: got[k] for k in expected} == expected
    # the review changed the figures: against the machine's labels alone, they differ
    machine_labels = current_labels(built, [])
    machine = expected_row(built, machine_labels, grid, sure_labels(built, machine_labels, []))
    for key in ("Individuel seulement — n", "Environnemental seulement — n",
                "Hors soins — n", "Multi-objectifs — n", "Thématiques couvertes"):  # fmt: skip
        assert got[key] != machine[key], key
    assert got["Individuel seulement — n"] == machine["Individuel seulement — n"] - 1
    assert got["Environnemental seulement — n"] == machine["Environnemental seulement — n"] + 1
    assert got["Mixte — n"] == machine["Mixte — n"]  # Anne made A mixed, Hugo (later) did not
    assert got["Thématiques couvertes"] == machine["Thématiques couvertes"] + 1
    info = about(out)
    assert "la plus récente donnée par une personne" in info["Règle des étiquettes"]
    assert info["Mesures de l'étude"].startswith("49 mesures, dont 4 avec des étiquettes revues")
    assert info["Codeurs dont les revues sont retenues"] == f"{ANNE}, {HUGO}"
    assert "grille enregistrée dans l'étude" in info["Fichier de la grille des mesures"]


def test_one_coder_only(built, grid, run_cli, tmp_path):
    out = tmp_path / "synthese-anne.xlsx"
    code, stdout, err = run_cli(
        "summary", "--study", built["db"], "--coder", ANNE, "-o", out, "--silencieux"
    )
    assert code == 0, err
    contract = next(iter(built["machine"].values()))["contrat"]
    got = comparison_row(out, contract)
    labels = current_labels(built, ["anne"])
    expected = expected_row(built, labels, grid, sure_labels(built, labels, ["anne"]))
    assert {k: got[k] for k in expected} == expected
    machine_labels = current_labels(built, [])
    machine = expected_row(built, machine_labels, grid, sure_labels(built, machine_labels, []))
    assert got["Mixte — n"] == machine["Mixte — n"] + 1  # A is mixed in Anne's review
    assert got["Thématiques couvertes"] == machine["Thématiques couvertes"]  # Hugo's theme: no
    info = about(out)
    assert info["Mesures de l'étude"].startswith("49 mesures, dont 3 avec")
    assert "codeur « Anne Fictive » seulement" in info["Règle des étiquettes"]


def test_without_review_the_study_gives_the_files_summary(built, run_cli, tmp_path):
    """Interview units from the study keep their case variables (type d'acteur): the
    interview sheets equal those made from the JSONL the same run wrote."""
    from_files = tmp_path / "fichiers.xlsx"
    folder = built["folder"]
    assert run_cli("synthese", folder / "entretiens.jsonl", "-o", from_files)[0] == 0
    from_study = tmp_path / "etude.xlsx"
    # interviews only from the study (measures: none of its units is reviewed for interviews)
    assert run_cli("synthese", "--etude", built["db"], "-o", from_study)[0] == 0
    a, b = openpyxl.load_workbook(from_files), openpyxl.load_workbook(from_study)
    for sheet in ("Entretiens", "Codes × type d'acteur"):
        values_a = [list(r) for r in a[sheet].iter_rows(values_only=True)]
        values_b = [list(r) for r in b[sheet].iter_rows(values_only=True)]
        assert values_a == values_b, sheet
    units = [u for u in jsonl(folder / "entretiens.jsonl") if u.get("code", True) is not False]
    types = {u["variables"].get("type_acteur") for u in units}
    ws = b["Codes × type d'acteur"]
    text = " ".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    assert all(t and t in text for t in types)
    info = about(from_study)
    assert info["Unités d'entretien codées de l'étude"].startswith(f"{len(units)} unités")


def test_errors(built, run_cli, tmp_path):
    code, _, err = run_cli("synthese", "--etude", built["db"], "--codeur", "Inconnu", "-o",
                           tmp_path / "x.xlsx")  # fmt: skip
    assert code == 2 and "codeur « Inconnu » absent de l'étude" in err
    assert f"{ANNE}, {HUGO}" in err
    code, _, err = run_cli("synthese", "--codeur", ANNE, "-o", tmp_path / "x.xlsx")
    assert code == 2 and "--codeur ne s'emploie qu'avec --etude" in err
    code, _, err = run_cli(
        "synthese", built["folder"] / "mesures.jsonl", "--etude", built["db"], "-o",
        tmp_path / "x.xlsx",
    )  # fmt: skip
    assert code == 2 and "aussi dans l'étude" in err
    code, _, err = run_cli("synthese", "--etude", tmp_path / "absente.sqlite", "-o",
                           tmp_path / "x.xlsx")  # fmt: skip
    assert code == 2 and "étude introuvable" in err
    assert not (tmp_path / "x.xlsx").exists()

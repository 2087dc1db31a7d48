"""Review workbooks: export (layout, protection, lists), the round trip through openpyxl, and
every validation case of the import (nothing is imported when one cell is wrong)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cloterres.errors import InputError
from cloterres.review.export import export_review
from cloterres.review.importer import import_review
from cloterres.review.reader import ReviewError, read_review_labels
from cloterres.store import ENGINE_CODER, HUMAN, MACHINE, Study, UnitInput
from cloterres.store.schema import utcnow
from tests.store.test_study import GRID_YAML, grid_model

MACHINE_LABELS = {
    "M1": {"champ": ["prevention"], "niveau": ["individuel"]},
    "M2": {"champ": ["soins"], "niveau": ["communautaire"]},
    "M3": {"champ": ["prevention", "soins"], "niveau": []},
    "M4": {"champ": [], "niveau": ["politique"]},
}
ANNE = "Anne Fictive"
# columns of the export for GRID_YAML: A id, B-F unit, G proposals, H evidence, I Revu,
# J Champ › Prévention, K Champ › Soins, L Niveau (single-label list)


def make_study(path: Path | str) -> Study:
    from cloterres.store import MachineLabel

    study = Study(path)
    study.record_machine_round(
        kind="mesures", grid_text=GRID_YAML, grid_sha="a" * 64, grid=grid_model(), sources=[],
        units=[
            UnitInput(
                key=key, text=f"Action fictive {key}",
                fields={"contrat": "CLS fictif de Valmorin", "intitule": f"Action fictive {key}",
                        "description": "=SOMME(A1:A2) texte piégé", "axe": "", "public": ""},
            )
            for key in MACHINE_LABELS
        ],
        labels={
            key: {
                d: MachineLabel(
                    categories=c,
                    evidence={x: {"origine": "texte", "preuves": [{"champ": "intitule", "texte": "mot"}]} for x in c},
                )
                for d, c in dims.items()
            }
            for key, dims in MACHINE_LABELS.items()
        },
        engine=ENGINE_CODER, engine_version="0.1.0",
    )  # fmt: skip
    return study


def where(study: Study) -> str:
    """What to give --etude for this study: its file, or its URL."""
    if study.sqlite:
        return str(study.url.database)
    return study.url.render_as_string(hide_password=False)


@pytest.fixture
def study(study_target):
    """The fictional study, on SQLite and on PostgreSQL (see tests/conftest.py)."""
    with make_study(study_target) as s:
        yield s


@pytest.fixture
def exported(study, tmp_path) -> Path:
    path = tmp_path / "revue-anne.xlsx"
    report = export_review(study, path, coder=ANNE)
    assert (report.units, report.kind, report.from_coder) == (4, "mesures", 0)
    return path


def edit(path: Path, changes: dict[str, object], out: Path | None = None) -> Path:
    """Change cells of the « Revue » sheet with openpyxl, as a person would in Excel."""
    wb = load_workbook(path)
    ws = wb["Revue"]
    for ref, value in changes.items():
        ws[ref] = value
    target = out or path.with_name("modifie-" + path.name)
    wb.save(target)
    return target


def test_export_layout_protection_and_lists(exported):
    wb = load_workbook(exported)
    assert wb.sheetnames == ["Consignes", "Revue", "Listes", "cloterres"]
    assert [wb[s].sheet_state for s in wb.sheetnames] == [
        "visible",
        "visible",
        "hidden",
        "veryHidden",
    ]
    assert wb.security.lockStructure
    ws = wb["Revue"]
    assert [c.value for c in ws[2]] == [
        "Identifiant", "Contrat", "Axe", "Intitulé", "Description", "Public",
        "Propositions de l'outil", "Preuves", "Revu", "Prévention", "Soins", "Niveau",
    ]  # fmt: skip
    assert ws["J1"].value == "Champ" and ws["L1"].value == "Niveau"
    assert "J1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(row=r, column=1).value for r in range(3, 7)] == ["M1", "M2", "M3", "M4"]
    # prefilled with the machine's proposal: marks for multi-label, French label for single
    assert [ws[f"J{r}"].value for r in range(3, 7)] == ["x", None, "x", None]
    assert [ws[f"K{r}"].value for r in range(3, 7)] == [None, "x", "x", None]
    assert [ws[f"L{r}"].value for r in range(3, 7)] == [
        "Individuel",
        "Communautaire",
        None,
        "Politique",
    ]
    assert ws["G3"].value == "Champ : Prévention\nNiveau : Individuel"
    assert ws["H3"].value.startswith("Champ › Prévention : « mot » (intitule)")
    assert ws["E3"].quotePrefix  # input text that looks like a formula stays inert
    assert ws.protection.sheet and ws.protection.sort and not ws.protection.autoFilter
    assert ws["A3"].protection.locked and ws["H3"].protection.locked
    assert not any(ws[f"{c}3"].protection.locked for c in "IJKL")
    rules = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert rules["I3:I6"] == '"oui"'
    assert rules["J3:J6 K3:K6"] == '"x"'
    assert rules["L3:L6"] == "'Listes'!$A$2:$A$4"
    assert [c.value for c in wb["Listes"]["A"]] == [
        "Niveau",
        "Individuel",
        "Communautaire",
        "Politique",
    ]
    assert ws.freeze_panes == "B3"
    guide = "\n".join(str(c.value) for c in wb["Consignes"]["A"] if c.value)
    assert "Comment revoir" in guide and f'--codeur "{ANNE}"' in guide
    # the export date in French local time; the ISO date stays in the hidden machine sheet
    assert re.search(r"Classeur créé le (1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d", guide)
    assert not re.search(r"\d{4}-\d\d-\d\dT", guide)


def test_round_trip_records_exactly_the_changes(study, exported, tmp_path):
    edited = edit(
        exported,
        {
            "L3": "Communautaire",  # M1: single-label change
            "J4": "x",  # M2: tick Prévention
            "K4": None,  # M2: untick Soins
            "I5": "oui",  # M3: reviewed, nothing changed
        },
    )
    before = utcnow()
    report = import_review(study, edited, coder=ANNE)
    after = utcnow()
    assert (report.recorded, report.edited, report.reviewed_unchanged, report.skipped) == (
        3,
        2,
        1,
        1,
    )
    assert report.round is not None and report.round.number == 2
    human = study.current("mesures", origin=HUMAN)
    assert {(s.unit, s.dimension): (s.categories, s.changed) for s in human} == {
        ("M1", "champ"): (["prevention"], False),
        ("M1", "niveau"): (["communautaire"], True),
        ("M2", "champ"): (["prevention"], True),
        ("M2", "niveau"): (["communautaire"], False),
        ("M3", "champ"): (["prevention", "soins"], False),
        ("M3", "niveau"): ([], False),
    }
    assert {s.coder for s in human} == {ANNE} and {s.round for s in human} == {2}
    assert all(before <= s.created_at <= after for s in human)
    # the machine's labels are untouched and still in each unit's history
    machine = {
        (s.unit, s.dimension): s.categories for s in study.current("mesures", origin=MACHINE)
    }
    assert machine == {(k, d): c for k, dims in MACHINE_LABELS.items() for d, c in dims.items()}
    assert [(s.coder, s.dimension, s.categories) for s in study.history("M2")] == [
        (ENGINE_CODER, "champ", ["soins"]),
        (ENGINE_CODER, "niveau", ["communautaire"]),
        (ANNE, "champ", ["prevention"]),
        (ANNE, "niveau", ["communautaire"]),
    ]
    assert study.history("M4")[-1].coder == ENGINE_CODER  # untouched row: not recorded
    (labels,) = read_review_labels(edited)
    assert labels.coder == ANNE and sorted(labels.units) == ["M1", "M2", "M3"]
    assert labels.units["M2"].labels == {"champ": ["prevention"], "niveau": ["communautaire"]}
    # importing the same workbook again creates no round
    with pytest.raises(InputError, match=r"déjà été importé .*, le \d{1,2}(er)? [a-zéû]+ \d{4} à "):
        import_review(study, edited, coder=ANNE)
    assert len(study.rounds()) == 2
    # a new export for Anne starts from her own labels
    again = export_review(study, tmp_path / "revue-anne-2.xlsx", coder=ANNE)
    assert again.from_coder == 3
    ws = load_workbook(again.output)["Revue"]
    assert (ws["L3"].value, ws["J4"].value, ws["K4"].value) == ("Communautaire", "x", None)


def test_one_bad_cell_imports_nothing_and_names_the_cell(study, exported, run_cli):
    edited = edit(exported, {"J4": "x", "I5": "oui", "L3": "Communautaire, Politique"})
    code, _, err = run_cli("revue", "importer", edited, "--codeur", ANNE, "--etude", where(study))
    assert code == 2
    assert (
        "feuille « Revue », ligne 3, colonne L (Niveau) : « Communautaire, Politique » : une "
        "seule catégorie est permise pour cette dimension" in err
    )
    assert "Rien n'a été importé : 1 problème(s)" in err
    assert "Traceback" not in err
    assert len(study.rounds()) == 1
    assert study.current("mesures", origin=HUMAN) == []


def _delete_row(ws) -> None:  # noqa: ANN001
    ws.delete_rows(4)


def _swap_rows(ws) -> None:  # noqa: ANN001
    for col in range(1, 13):
        a, b = ws.cell(row=3, column=col), ws.cell(row=4, column=col)
        a.value, b.value = b.value, a.value


def _duplicate_row(ws) -> None:  # noqa: ANN001
    for col in range(1, 13):
        ws.cell(row=4, column=col).value = ws.cell(row=3, column=col).value


def _add_row(ws) -> None:  # noqa: ANN001
    ws["A7"] = "M5"
    ws["J7"] = "x"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"L3": "Régional"}, "ligne 3, colonne L (Niveau) : « Régional » : catégorie inconnue ; choisissez dans la liste"),
        ({"L4": "communautaire et politique"}, "ligne 4, colonne L (Niveau) : « communautaire et politique » : une seule catégorie est permise"),
        ({"J4": "oui?"}, "ligne 4, colonne J (Champ › Prévention) : « oui? » : mettez « x » pour cocher"),
        ({"I5": "peut-être"}, "ligne 5, colonne I (Revu) : « peut-être » : mettez « oui »"),
        ({"A4": "M9"}, "ligne 4, colonne A (Identifiant) : identifiant modifié (« M9 » au lieu de « M2 »)"),
        ({"A4": None}, "ligne 4, colonne A (Identifiant) : identifiant effacé (attendu « M2 »)"),
        (_delete_row, "l'unité « M2 » a disparu du classeur"),
        (_duplicate_row, "ligne 4, colonne A (Identifiant) : identifiant « M1 » en double (attendu « M2 »)"),
        (_add_row, "ligne 7, colonne A (Identifiant) : ligne ajoutée (« M5 »)"),
    ],
    ids=["inconnue", "deux-valeurs", "marque", "revu", "id-modifie", "id-efface", "ligne-supprimee",
         "ligne-copiee", "ligne-ajoutee"],
)  # fmt: skip
def test_each_problem_is_reported_and_nothing_imported(study, exported, change, expected):
    wb = load_workbook(exported)
    ws = wb["Revue"]
    ws["J5"] = None  # a valid change that must not be imported either
    if callable(change):
        change(ws)
    else:
        for ref, value in change.items():
            ws[ref] = value
    bad = exported.with_name("mauvais.xlsx")
    wb.save(bad)
    with pytest.raises(ReviewError) as caught:
        import_review(study, bad, coder=ANNE)
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    assert len(study.rounds()) == 1 and study.current("mesures", origin=HUMAN) == []


def test_all_problems_are_listed_at_once(study, exported):
    bad = edit(exported, {"L3": "Inconnu", "J4": "?", "I6": "bof", "A5": "ZZ"})
    with pytest.raises(ReviewError) as caught:
        import_review(study, bad, coder=ANNE)
    problems = caught.value.problems
    assert len(problems) == 4
    assert [p.split(" : ")[0] for p in problems] == [
        "feuille « Revue », ligne 5, colonne A (Identifiant)",
        "feuille « Revue », ligne 3, colonne L (Niveau)",
        "feuille « Revue », ligne 4, colonne J (Champ › Prévention)",
        "feuille « Revue », ligne 6, colonne I (Revu)",
    ]


def test_workbook_of_another_coder_is_refused(study, exported, run_cli):
    edited = edit(exported, {"I3": "oui"})
    code, _, err = run_cli(
        "revue", "importer", edited, "--codeur", "Bruno Fictif", "--etude", where(study)
    )
    assert code == 2
    assert "exporté pour le codeur « Anne Fictive », pas pour « Bruno Fictif »" in err
    assert len(study.rounds()) == 1


def test_tampered_hidden_sheet_is_refused(study, exported):
    wb = load_workbook(exported)
    wb["cloterres"]["A3"] = "M9"
    wb.save(exported)
    with pytest.raises(InputError, match="feuille cachée « cloterres » a été modifiée"):
        import_review(study, exported, coder=ANNE)


def test_other_workbook_is_not_a_review(study, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "autre.xlsx"
    Workbook().save(path)
    with pytest.raises(InputError, match="pas un classeur de revue cloterres"):
        import_review(study, path, coder=ANNE)
    (tmp_path / "faux.xlsx").write_text("pas un zip")
    with pytest.raises(InputError, match="faux.xlsx : ce n.est pas un classeur Excel valide"):
        import_review(study, tmp_path / "faux.xlsx", coder=ANNE)


def test_workbook_from_another_study_is_refused(exported, tmp_path):
    with (
        make_study(tmp_path / "autre.sqlite") as other,
        pytest.raises(InputError, match="exporté d'une autre étude"),
    ):
        import_review(other, edit(exported, {"I3": "oui"}), coder=ANNE)


def test_untouched_workbook_records_nothing(study, exported, run_cli):
    code, out, _ = run_cli("revue", "importer", exported, "--codeur", ANNE, "--etude", where(study))
    assert code == 0 and "rien n'a été enregistré" in out
    assert len(study.rounds()) == 1


def test_blind_export_hides_the_machine(study, tmp_path):
    report = export_review(study, tmp_path / "aveugle.xlsx", coder="Bruno Fictif", blind=True)
    ws = load_workbook(report.output)["Revue"]
    headers = [c.value for c in ws[2]]
    assert "Propositions de l'outil" not in headers and "Preuves" not in headers
    assert headers[6:] == ["Revu", "Prévention", "Soins", "Niveau"]
    assert all(ws.cell(row=r, column=c).value is None for r in range(3, 7) for c in range(7, 11))
    edited = edit(report.output, {"H3": "x", "J3": "Individuel", "G4": "oui"})
    result = import_review(study, edited, coder="Bruno Fictif")
    assert (result.recorded, result.edited, result.reviewed_unchanged) == (2, 1, 1)
    bruno = {(s.unit, s.dimension): (s.categories, s.changed)
             for s in study.current("mesures", coder="Bruno Fictif")}  # fmt: skip
    assert bruno[("M1", "champ")] == (["prevention"], False)
    assert bruno[("M2", "champ")] == ([], True)  # decided "none", the machine said « Soins »


def test_export_errors(study, tmp_path):
    with pytest.raises(InputError, match="réservé à l'outil"):
        export_review(study, tmp_path / "r.xlsx", coder="cloterres")
    with pytest.raises(InputError, match="aucune unité de type « entretiens »"):
        export_review(study, tmp_path / "r.xlsx", coder=ANNE, kind="entretiens")
    with pytest.raises(InputError, match="aucune unité ne correspond"):
        export_review(study, tmp_path / "r.xlsx", coder=ANNE, contracts=["CLS absent"])
    report = export_review(
        study, tmp_path / "r.xlsx", coder=ANNE, contracts=["cls fictif de valmorin"]
    )
    assert report.units == 4
    with pytest.raises(InputError, match="existe déjà"):
        export_review(study, tmp_path / "r.xlsx", coder=ANNE)


def test_revue_commands(study, exported, run_cli, tmp_path):
    db = where(study)
    shutil.copy(exported, tmp_path / "copie.xlsx")
    edited = edit(tmp_path / "copie.xlsx", {"L3": "Politique"})
    code, out, _ = run_cli("review", "import", edited, "--coder", ANNE, "--study", db)
    assert code == 0 and "Manche 2 enregistrée pour « Anne Fictive »" in out
    # the date in a sentence as a French reader writes it: « le 7 décembre 2026 à 22:37 »
    assert re.search(r"« Anne Fictive » le \d{1,2}(er)? [a-zéû]+ \d{4} à \d\d:\d\d :", out), out
    assert "1 unité(s) (1 modifiée(s), 0 revue(s) sans changement)" in out
    assert "3 ligne(s) ni modifiée(s) ni marquée(s) « Revu » non enregistrée(s)" in out
    code, out, _ = run_cli("revue", "etat", "--etude", db)
    assert code == 0 and "mesures : 4 unité(s)" in out and "revues par « Anne Fictive » : 1" in out
    # the creation date in French, local time (« créée le 07/12/2026 21:05 »), not ISO UTC
    assert re.search(r"créée le \d\d/\d\d/\d{4} \d\d:\d\d\)", out) and "UTC" not in out
    code, out, _ = run_cli("revue", "historique", "M1", "--etude", db)
    assert code == 0
    assert out.count("\n") == 4 and "niveau : politique (corrige l'outil)" in out
    code, _, err = run_cli("revue", "historique", "M1", "--etude", tmp_path / "absente.sqlite")
    assert code == 2 and "étude introuvable" in err


def test_rows_in_any_order_are_read_by_their_ids(study, exported):
    """Coders sort with the filters: the ids are the key, not the row numbers."""
    wb = load_workbook(exported)
    ws = wb["Revue"]
    _swap_rows(ws)  # M2 now on row 3, M1 on row 4
    ws["J3"] = "x"  # M2: Prévention ticked
    ws["I4"] = "oui"  # M1 reviewed as is
    sorted_path = exported.with_name("triee.xlsx")
    wb.save(sorted_path)
    report = import_review(study, sorted_path, coder=ANNE)
    assert report.recorded == 2
    mine = {(s.unit, s.dimension): s.categories for s in study.current("mesures", origin=HUMAN)}
    assert sorted(mine[("M2", "champ")]) == ["prevention", "soins"]
    assert mine[("M1", "champ")] == ["prevention"]


def _new_text(study: Study, key: str, text: str) -> None:
    """Re-run the machine on a changed text for ``key`` (a new unit version)."""
    from cloterres.store import MachineLabel

    study.record_machine_round(
        kind="mesures", grid_text=GRID_YAML, grid_sha="a" * 64, grid=grid_model(), sources=[],
        units=[UnitInput(key=key, text=text, fields={"contrat": "CLS fictif de Valmorin",
                         "intitule": text, "description": "", "axe": "", "public": ""})],
        labels={key: {"champ": MachineLabel(categories=["soins"], evidence={})}},
        engine=ENGINE_CODER, engine_version="0.1.0",
    )  # fmt: skip


def test_a_row_whose_text_changed_since_the_export_is_refused(study, exported):
    reviewed = edit(exported, {"J5": None, "I4": "oui"})  # M3 edited, M2 reviewed
    _new_text(study, "M3", "Action fictive M3 entièrement réécrite")
    with pytest.raises(ReviewError) as caught:
        import_review(study, reviewed, coder=ANNE)
    message = "\n".join(caught.value.lines())
    assert "ligne 5 (« M3 ») : l'unité a changé depuis l'export" in message
    assert "« Action fictive M3 »" in message and "entièrement réécrite" in message
    assert "--version-vue" in message and "M2" not in message
    assert study.current("mesures", origin=HUMAN) == []  # nothing recorded


def test_seen_version_records_labels_on_the_text_the_coder_saw(study, exported):
    from tests.store.test_study import sql

    reviewed = edit(exported, {"J5": None})
    _new_text(study, "M3", "Action fictive M3 entièrement réécrite")
    report = import_review(study, reviewed, coder=ANNE, record_seen=True)
    assert report.recorded == 1
    text = sql(
        study,
        "SELECT v.text FROM labels l JOIN unit_versions v ON v.id = l.unit_version_id "
        "WHERE l.origin = 'human'",
    )
    assert {t for (t,) in text} == {"Action fictive M3"}


def test_seen_version_cli_refusal_is_one_french_line_per_row(study, exported, study_target):
    from tests.robustness.hostile import run_cli

    reviewed = edit(exported, {"J5": None})
    _new_text(study, "M3", "Texte changé")
    code, _out, err = run_cli(
        "revue", "importer", reviewed, "--codeur", ANNE, "--etude", study_target
    )
    assert code == 2 and "l'unité a changé depuis l'export" in err and "Traceback" not in err
    code, out, err = run_cli(
        "revue", "importer", reviewed, "--codeur", ANNE, "--etude", study_target, "--version-vue",
    )  # fmt: skip
    assert code == 0, err

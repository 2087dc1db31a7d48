"""The network workbook as people read it."""

from __future__ import annotations


def test_statistics_are_shown_with_three_decimals_and_small_p_values_as_below_0_001(tmp_path):
    """The cells keep the exact numbers; their formats show « < 0,001 » and three decimals."""
    from openpyxl import load_workbook

    from cloterres.io.excel import DECIMALS, P_VALUE
    from cloterres.network.run import run_network
    from tests.conftest import DEMO

    out = tmp_path / "r.xlsx"
    run_network(DEMO / "reseau" / "acteurs.csv", [DEMO / "reseau" / "liens.csv"], [out], seed=1)
    wb = load_workbook(out)
    ws = wb["Synthèse"]
    headers = [c.value for c in ws[1]]
    first = {h: ws.cell(2, i + 1) for i, h in enumerate(headers)}
    assert first["QAP p"].number_format == P_VALUE and first["QAP p"].value < 0.001
    assert first["p (E-I, permutations)"].number_format == P_VALUE
    assert first["Densité"].number_format == DECIMALS
    assert 0 < first["Densité"].value < 1  # the exact value, not a rounded text
    assert first["Permutations"].number_format == "General"
    # the other sheets' statistics, and the tie types by their French labels
    actors = wb["Acteurs"]
    head = [c.value for c in actors[1]]
    assert actors.cell(2, head.index("Intermédiarité") + 1).number_format == DECIMALS
    assert actors.cell(2, 1).value == "Connaissance"
    brokerage = wb["Courtage"]
    head = [c.value for c in brokerage[1]]
    expected = brokerage.cell(2, head.index("Itinérant (consultant) attendu") + 1)
    assert isinstance(expected.value, float) and expected.number_format == DECIMALS
    densities = wb["Densités"]
    assert {r[0] for r in densities.iter_rows(min_row=2, values_only=True)} == {
        "Connaissance", "Échange d'information", "Collaboration", "Tous les liens"
    }  # fmt: skip


def test_layers_and_measures_are_explained_once_in_method_and_the_summary_refers_to_it(tmp_path):
    from openpyxl import load_workbook

    from cloterres.network.describe import layer_sentences
    from cloterres.network.run import run_network
    from tests.conftest import DEMO

    out = tmp_path / "r.xlsx"
    report = run_network(
        DEMO / "reseau" / "acteurs.csv", [DEMO / "reseau" / "liens.csv"], [out], seed=1
    )
    wb = load_workbook(out)
    texts = {
        ws.title: [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
        for ws in wb.worksheets
    }
    everything = [t for sheet in texts.values() for t in sheet]
    summary = " ".join(texts["Synthèse"])
    for name, sentence in layer_sentences(report.analysis):
        assert everything.count(sentence) == 1 and sentence in texts["Méthode"], name
        assert sentence[:60] not in summary
    assert "Réunion de tous les types" not in summary
    method = {r[0]: r[1] for r in wb["Méthode"].iter_rows(min_row=2, values_only=True)}
    # the general « Couches » row no longer repeats what the « tous_liens » row says
    assert "réunit tous les types" not in method["Couches"]
    assert "Réunion de tous les types" in method["Couche « Tous les liens »"]
    # nothing the summary says is said again in « Méthode »: it points there instead
    notes = [  # the lines under the table: one cell each
        row[0] for row in wb["Synthèse"].iter_rows(min_row=2, values_only=True)
        if row[0] and not any(row[1:])
    ]  # fmt: skip
    assert len(notes) == 1 and "feuille « Méthode »" in notes[0]
    for phrase in ("de -1 (tous les liens dans le milieu) à +1", "dites lequel"):
        assert phrase not in summary and sum(phrase in t for t in everything) == 1

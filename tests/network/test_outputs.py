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

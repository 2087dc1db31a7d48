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
    ws = load_workbook(out)["Synthèse"]
    headers = [c.value for c in ws[1]]
    first = {h: ws.cell(2, i + 1) for i, h in enumerate(headers)}
    assert first["QAP p"].number_format == P_VALUE and first["QAP p"].value < 0.001
    assert first["p (E-I, permutations)"].number_format == P_VALUE
    assert first["Densité"].number_format == DECIMALS
    assert 0 < first["Densité"].value < 1  # the exact value, not a rounded text
    assert first["Permutations"].number_format == "General"

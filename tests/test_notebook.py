"""The study notebook runs top to bottom (nbclient), in a temporary folder, with this interpreter."""

from __future__ import annotations

import json
import os
import sys

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "etude-cls.ipynb"


def test_committed_notebook_has_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code_cells
    assert all(not c["outputs"] and c["execution_count"] is None for c in code_cells)


@pytest.mark.slow  # starts a kernel, loads the French model, categorises and codes the demo
def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # a kernel spec for this very interpreter, so the notebook imports the code under test
    spec_dir = tmp_path / "jupyter" / "kernels" / "cloterres-test"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cloterres (tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    work = tmp_path / "travail"
    work.mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="cloterres-test", timeout=300, resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises CellExecutionError (with the cell and traceback) if a cell fails
    outputs = "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "144 actions catégorisées, 0 sans texte" in outputs
    assert "8 entretiens" in outputs
    # French labels, never the grid's or the tie types' ids
    assert "  Champ d'action du CLS : " in outputs and "promotion_sante" not in outputs
    assert "Tous les liens\n  pivot(s) :" in outputs and "echange_information" not in outputs
    # review statistics: the machine against the hand reference, a simulated review round
    assert "144 actions codées par l'outil et par la référence" in outputs
    assert "30 actions relues par Claire (fictive)" in outputs
    assert "30 actions sur 144 portent des étiquettes revues" in outputs
    # the demo network: its pivot is a boundary spanner of every layer
    assert "passeurs de frontières : Maison Sport-Santé des Coteaux (MSS)" in outputs
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs
        if "image/png" in o.get("data", {})
    ]  # fmt: skip
    assert len(images) == 7  # 3 summary charts, 2 agreement charts, E-I chart, network picture
    for name in ("synthese.xlsx", "synthese-etude.xlsx", "reseau.xlsx", "reseau.png"):
        assert (work / "etude-sortie" / name).exists(), name
    assert not (ROOT / "notebooks" / "etude-sortie").exists()

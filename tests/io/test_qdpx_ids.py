"""Ids and variables that survive a trip through tools that drop cases (QualCoder)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cloterres.engine.grid import load_grid
from cloterres.interviews.coding import project_interviews
from cloterres.interviews.transcripts import transcript_id
from cloterres.io.qdpx import CODEBOOK_NS, PROJECT_NS, QdaProject, QdaSource, read_qdpx, write_qdpx

P = f"{{{PROJECT_NS}}}"
GRIDS = Path(__file__).resolve().parents[2] / "grids"
TRANSCRIPT = (
    "id: E07\nterritoire: Pays de Redon\ntype d'acteur: élu\n\n"
    "Enquêtrice : Comment le contrat est-il piloté ?\n"
    "M. Texier : Le comité de pilotage se réunit deux fois par an avec l'ARS.\n"
    "Enquêtrice : Et les habitants ?\n"
    "M. Texier : Ils participent aux groupes de travail du contrat local de santé.\n"
)


def without_cases(source: Path, target: Path) -> None:
    """What QualCoder gives back: the same project, its cases dropped."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "project.qde":
                root = etree.fromstring(data)
                for cases in root.findall(f"{P}Cases"):
                    root.remove(cases)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, data)


def test_ids_and_variables_survive_a_tool_that_drops_cases(run_cli, tmp_path: Path) -> None:
    transcript = tmp_path / "entretien-maire.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    project, codes = tmp_path / "projet.qdpx", tmp_path / "codes.jsonl"
    assert run_cli("coder", transcript, "--sortie", project, "--unite", "tour")[0] == 0
    assert run_cli("coder", transcript, "--sortie", codes, "--unite", "tour")[0] == 0
    with zipfile.ZipFile(project) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    source = root.find(f"{P}Sources/{P}TextSource")
    assert source.get("name") == "E07 — entretien-maire"
    values = source.findall(f"{P}VariableValue")
    assert {v.findtext(f"{P}TextValue") for v in values} == {"Pays de Redon", "élu"}

    back = tmp_path / "retour.qdpx"
    without_cases(project, back)
    read = read_qdpx(back, text_id=transcript_id)
    assert [s.id for s in read.sources] == ["E07"]
    # the case variables under the names NVivo users read
    assert read.sources[0].variables == {
        "Territoire / CLS": "Pays de Redon",
        "Type d'acteur": "élu",
    }
    # Units match: accord finds them in common
    out = tmp_path / "accord.jsonl"
    code, _stdout, stderr = run_cli(
        "accord", codes, back, "--unite", "tour", "--sortie", out, "--bootstrap", "0"
    )
    assert code == 0, stderr
    assert "aucune unité en commun" not in stderr


def test_the_header_id_names_a_source_without_case(tmp_path: Path) -> None:
    text = "id: E09\n\nQ : Bonjour ?\nR : Le CLS nous aide.\n"
    qde = (
        f'<Project xmlns="{PROJECT_NS}" name="X"><Sources>'
        '<TextSource guid="00000000-0000-4000-8000-000000000001" name="Transcript 3">'
        f"<PlainTextContent>{text}</PlainTextContent></TextSource></Sources></Project>"
    )
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    assert [s.id for s in read_qdpx(path, text_id=transcript_id).sources] == ["E09"]


def test_codebook_descriptions_carry_examples_and_counter_examples(run_cli, tmp_path: Path):
    out = tmp_path / "grille.qdc"
    assert run_cli("grille", "exporter", GRIDS / "entretiens-cls.yaml", "--sortie", out)[0] == 0
    grid = load_grid(GRIDS / "entretiens-cls.yaml")
    category = next(c for d in grid.dimensions for c in d.categories if c.exemples)
    root = etree.fromstring(out.read_bytes())
    code = next(c for c in root.iter(f"{{{CODEBOOK_NS}}}Code") if c.get("name") == category.label)
    description = code.findtext(f"{{{CODEBOOK_NS}}}Description")
    assert description.startswith(category.definition.strip()[:40])
    assert "Exemples :\n- " + category.exemples[0].strip() in description
    if category.contre_exemples:
        assert "Contre-exemples :\n- " + category.contre_exemples[0].strip() in description
    assert json.dumps(description)  # plain text


@pytest.mark.parametrize(
    "names",
    [
        {
            "enqueteur": "Enquêteur",
            "type_acteur": "Type d'acteur",
            "territoire": "Territoire / CLS",
        },
        # projects written by older versions (and other tools) name the variables by their ids
        {"enqueteur": "enqueteur", "type_acteur": "type_acteur", "territoire": "territoire"},
    ],
)
def test_case_variables_read_under_french_names_or_ids(tmp_path: Path, names) -> None:
    text = "Marie : Qui pilote le contrat ?\nR : Le comité de pilotage, avec l'ARS.\n"
    values = {"enqueteur": "Marie", "type_acteur": "élu", "territoire": "Pays de Redon"}
    source = QdaSource(
        id="E05", name="E05", text=text, variables={names[k]: v for k, v in values.items()}
    )
    path = tmp_path / "projet.qdpx"
    write_qdpx(path, QdaProject(name="p", codes=[], sources=[source], codings=[]))
    (interview,) = project_interviews(path, read_qdpx(path, text_id=transcript_id))
    assert interview.variables == values
    # the interviewer's variable still marks the interviewer's turns
    assert [t.interviewer for t in interview.turns] == [True, False]

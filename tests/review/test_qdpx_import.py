"""A QDA project's codings as review rounds: ``revue importer projet.qdpx --etude``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cloterres.io.qdpx import QdaCode, QdaCoding, read_qdpx, write_qdpx
from cloterres.store import open_study

DATA = Path(__file__).resolve().parents[1] / "data" / "transcriptions"


def human_project(machine: Path, target: Path) -> None:
    """The machine's project, coded by a person in another tool, partly with a code of hers."""
    project = read_qdpx(machine)
    text = project.sources[0].text
    sid = project.sources[0].id

    def span(snippet: str, code: str) -> QdaCoding:
        start = text.index(snippet)
        return QdaCoding(sid, start, start + len(snippet), code, "Awa Diallo")

    codings = [
        span("Je préside le comité de pilotage du contrat local de santé", "gouvernance.pilotage"),
        span("faute de temps", "Divers"),
    ]
    codes = [*project.codes, QdaCode("Divers", "Divers")]
    write_qdpx(target, replace(project, codes=codes, codings=codings))


def test_project_codings_become_a_round_with_a_correspondence(run_cli, tmp_path: Path):
    transcript = tmp_path / "otter-e21.txt"
    transcript.write_text((DATA / "otter-e21.txt").read_text(encoding="utf-8"), encoding="utf-8")
    study, machine, human = tmp_path / "e.sqlite", tmp_path / "p.qdpx", tmp_path / "h.qdpx"
    code, _out, err = run_cli(
        "coder", transcript, "--sortie", machine, "--unite", "tour", "--etude", study
    )
    assert code == 0, err
    human_project(machine, human)

    code, _out, err = run_cli("revue", "importer", human, "--etude", study)
    assert code == 2 and "1 code(s) sans équivalent dans la grille" in err and "« Divers »" in err
    assert "rien n'a été importé" in err and "Traceback" not in err

    mapping = tmp_path / "correspondance.csv"
    mapping.write_text("code du projet;code de la grille\nDivers;couts.temps\n", encoding="utf-8")
    code, out, err = run_cli(
        "revue", "importer", human, "--etude", study, "--correspondance", mapping
    )
    if code == 2 and "n'est pas un code de la grille" in err:  # the grid names it otherwise
        raise AssertionError(err)
    assert code == 0, err
    assert "enregistrée pour « Awa Diallo »" in out
    with open_study(str(study), create=False) as store:
        states = {
            (s.unit, s.dimension): s.categories
            for s in store.current("entretiens", coder="Awa Diallo")
        }
    pilot = [u for (u, d), cats in states.items() if d == "gouvernance" and "pilotage" in cats]
    temps = [u for (u, d), cats in states.items() if d == "couts" and "temps" in cats]
    assert len(pilot) == 1 and len(temps) == 1 and pilot != temps
    # Every unit of the interview is labelled (empty lists where she coded nothing)
    assert len({u for u, _d in states}) == 7
    # The same project twice: refused
    code, _out, err = run_cli(
        "revue", "importer", human, "--etude", study, "--correspondance", mapping
    )
    assert code == 2 and "ce projet a déjà été importé" in err

"""Runs with several outputs write all of them or none: a failure on the last output (a full
disk, simulated) leaves every earlier output as it was and no temporary file behind; a killed
report run's hidden folder is removed by the next run; reports reach another file system."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT
from tests.robustness.hostile import run_cli

ACTORS = DEMO / "reseau" / "acteurs.csv"
TIES = DEMO / "reseau" / "liens.csv"
MEASURES = ROOT / "tests" / "data" / "synthese" / "mesures.jsonl"


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_network_outputs_all_or_nothing(tmp_path: Path, monkeypatch) -> None:
    outputs = [tmp_path / f"r{ext}" for ext in (".xlsx", ".gexf", ".graphml", ".jsonl")]
    for path in outputs:
        path.write_text("ancien", encoding="utf-8")
    image = tmp_path / "r.png"
    image.write_text("ancien", encoding="utf-8")
    import cloterres.network.run as run

    monkeypatch.setattr(run, "write_png", _disk_full)  # the last output fails
    args = [a for p in outputs for a in ("--sortie", p)]
    code, _out, err = run_cli(
        "reseau", ACTORS, TIES, *args, "--image", image, "--ecraser", "--permutations", "10"
    )
    assert code == 2, err
    assert "disque plein" in err and "Traceback" not in err and ".tmp" not in err
    for path in [*outputs, image]:  # nothing replaced
        assert path.read_text(encoding="utf-8") == "ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in [*outputs, image])


def test_network_seed_and_permutations_are_bounded(tmp_path: Path) -> None:
    code, _out, err = run_cli("reseau", ACTORS, TIES, "-o", tmp_path / "r.xlsx", "--graine", "-1")
    assert code == 2 and "--graine" in err
    code, _out, err = run_cli(
        "reseau", ACTORS, TIES, "-o", tmp_path / "r.xlsx", "--permutations", "100000000"
    )
    assert code == 2 and "--permutations" in err


def test_summary_workbook_waits_for_the_reports(tmp_path: Path, monkeypatch) -> None:
    workbook = tmp_path / "s.xlsx"
    workbook.write_text("ancien", encoding="utf-8")
    import cloterres.synthesis.run as run

    monkeypatch.setattr(run, "write_index", _disk_full)
    code, _out, err = run_cli(
        "synthese", MEASURES, "--sortie", workbook, "--rapport", tmp_path / "rap", "--ecraser"
    )
    assert code == 2 and "disque plein" in err, err
    assert workbook.read_text(encoding="utf-8") == "ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx"]


def test_a_killed_report_run_is_cleaned_by_the_next(tmp_path: Path) -> None:
    dead = tmp_path / ".rap.rap.999999999.abcd1234"  # a pid no process has
    (dead / "img").mkdir(parents=True)
    (dead / "index.html").write_text("<p>moitié</p>", encoding="utf-8")
    code, _out, err = run_cli("synthese", MEASURES, "--rapport", tmp_path / "rap")
    assert code == 0, err
    assert not dead.exists()
    assert (tmp_path / "rap" / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_reports_are_copied_across_file_systems(tmp_path: Path, monkeypatch) -> None:
    """os.rename across devices fails (EXDEV): the files are copied, then renamed there."""
    from cloterres.synthesis import run

    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if ".rap." in str(src) and ".copie." not in str(src):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(run.os, "replace", replace)
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    (folder / "ancien.txt").write_text("à garder", encoding="utf-8")
    code, _out, err = run_cli("synthese", MEASURES, "--rapport", folder, "--ecraser")
    assert code == 0, err
    assert (folder / "index.html").is_file() and (folder / "ancien.txt").is_file()
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]


@pytest.mark.slow
def test_study_cannot_be_the_output(tmp_path: Path, nlp) -> None:
    output = tmp_path / "sortie.jsonl"
    code, _out, err = run_cli(
        "categoriser", DEMO / "cls-pays-des-hautes-combes.csv", "--sortie", output,
        "--etude", output, "--ecraser",
    )  # fmt: skip
    assert code == 2 and "sont le même fichier" in err
    assert not output.exists()


def test_a_file_that_is_not_a_study_is_refused(tmp_path: Path) -> None:
    from cloterres.errors import InputError
    from cloterres.store import Study

    fake = tmp_path / "etude.sqlite"
    fake.write_text("pas une base", encoding="utf-8")
    with pytest.raises(InputError) as info:
        Study(fake)
    assert "n'est pas une étude cloterres" in str(info.value)
    assert fake.read_text(encoding="utf-8") == "pas une base"


def test_coder_writes_data_and_correspondence_table_together(tmp_path: Path, nlp, monkeypatch):
    import cloterres.interviews.coding as code

    transcript = DEMO / "entretiens" / "E01-coordinatrice.txt"
    output = tmp_path / "e.jsonl"
    monkeypatch.setattr(code, "write_correspondence", _disk_full)
    code_, _out, err = run_cli("coder", transcript, "--pseudonymiser", "--sortie", output)
    assert code_ == 2 and "disque plein" in err and ".tmp" not in err
    assert list(tmp_path.iterdir()) == []  # neither the data nor the table, no temporary


def test_a_failed_rename_puts_the_earlier_outputs_back(tmp_path: Path) -> None:
    from cloterres.errors import InputError
    from cloterres.io.files import staged

    first, second = tmp_path / "a.jsonl", tmp_path / "b.gexf"
    first.write_text("ancien a", encoding="utf-8")
    with pytest.raises(InputError, match="fichiers précédents sont conservés"), staged() as staging:
        staging.path(first).write_text("nouveau a", encoding="utf-8")
        staging.path(second).write_text("nouveau b", encoding="utf-8")
        second.mkdir()  # the second output became a folder: its rename fails
    assert first.read_text(encoding="utf-8") == "ancien a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.gexf"]

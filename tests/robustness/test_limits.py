"""The limits the readers enforce, one by one: ZIP bombs and oversized members, XML entities,
YAML alias bombs, cycles and deep nesting, mixed encodings and NUL bytes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.io.archive import DOCX_LIMITS, ZipLimits, check_zip
from tests.robustness.hostile import XML_PAYLOADS, XXE_WORKSHEET, YAML_BOMBS, run_cli, seeds
from tests.robustness.readers import INTERVIEWS_GRID, MEASURES_GRID, replace_member

MIB = 1024 * 1024


def grid_file(folder: Path, text: str = MEASURES_GRID) -> Path:
    path = folder / "grille.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Erreur : "), err
    return lines[0]


# --- ZIP archives ----------------------------------------------------------------------------


def archive(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("limits", "members", "fragment"),
    [
        (ZipLimits("essai", members=3), {f"m{i}": b"x" for i in range(4)}, "contient 4 fichiers"),
        (ZipLimits("essai", member_bytes=MIB), {"gros": b"a" * (MIB + 1)}, "une fois décompressée"),
        (
            ZipLimits("essai", member_bytes=2 * MIB, total_bytes=3 * MIB),
            {"a": b"a" * (2 * MIB), "b": b"b" * (2 * MIB)},
            "dépasse 3 Mo",
        ),
        (ZipLimits("essai", ratio_from=MIB), {"zeros": bytes(5 * MIB)}, "bombe de décompression"),
        (
            ZipLimits(
                "essai", member_bytes=MIB, streamed=("feuilles/*.xml",), streamed_bytes=4 * MIB
            ),
            {"feuilles/f.xml": b"<a/>" * (3 * MIB // 4), "autre": b"a" * (2 * MIB)},
            "« autre » fait 2 Mo",
        ),
    ],
)
def test_zip_limits(tmp_path: Path, limits: ZipLimits, members: dict[str, bytes], fragment: str):
    path = tmp_path / "archive.zip"
    path.write_bytes(archive(members))
    with pytest.raises(InputError) as info:
        check_zip(path, limits)
    message = str(info.value)
    assert message.startswith(str(path)) and fragment in message and "\n" not in message


def test_zip_limits_accept_a_normal_document(tmp_path: Path) -> None:
    path = tmp_path / "e.docx"
    path.write_bytes(seeds("transcription DOCX")[0])
    check_zip(path, DOCX_LIMITS)  # no error


def test_a_member_lying_about_its_size_is_never_read_beyond_it(tmp_path: Path) -> None:
    """zipfile stops at the declared size and checks the CRC: declared sizes bound every read."""
    data = bytearray(archive({"m": b"a" * 10_000}))
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # declared: 100 bytes
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.getinfo("m").file_size == 100
        with pytest.raises(zipfile.BadZipFile), zf.open("m") as fh:
            assert len(fh.read()) <= 100


@pytest.mark.parametrize(
    ("reader", "command", "grid"),
    [
        ("classeur de mesures XLSX", "categoriser", MEASURES_GRID),
        ("transcription DOCX", "coder", INTERVIEWS_GRID),
        ("projet REFI-QDA", "coder", INTERVIEWS_GRID),
    ],
)
def test_zip_bomb_is_refused_by_every_zip_reader(tmp_path, reader, command, grid, nlp):
    extension = {"categoriser": ".xlsx", "coder": ".docx"}[command]
    if reader == "projet REFI-QDA":
        extension = ".qdpx"
    bomb = replace_member(seeds(reader)[0], "zeros.bin", bytes(40 * MIB))
    path = tmp_path / f"bombe{extension}"
    path.write_bytes(bomb)
    assert path.stat().st_size < MIB
    output = tmp_path / "sortie.jsonl"
    code, _out, err = run_cli(
        command, path, "--sortie", output, "--grille", grid_file(tmp_path, grid)
    )
    assert code == 2
    line = one_error_line(err)
    assert "zeros.bin" in line and "bombe de décompression" in line
    assert not output.exists()


# --- XML -------------------------------------------------------------------------------------


def test_external_entity_in_a_worksheet_is_refused(tmp_path: Path, nlp) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        replace_member(
            seeds("classeur de mesures XLSX")[0], "xl/worksheets/sheet1.xml", XXE_WORKSHEET
        )
    )
    output = tmp_path / "sortie.jsonl"
    code, _out, err = run_cli(
        "categoriser", path, "--sortie", output, "--grille", grid_file(tmp_path)
    )
    assert code == 2 and "illisible" in one_error_line(err)
    assert not output.exists()


@pytest.mark.parametrize(
    "payload", XML_PAYLOADS[:3], ids=["xxe", "dtd-externe", "milliard-de-rires"]
)
def test_entities_in_a_word_document_are_never_resolved(
    tmp_path: Path, payload: bytes, nlp
) -> None:
    path = tmp_path / "entretien.docx"
    path.write_bytes(replace_member(seeds("transcription DOCX")[0], "word/document.xml", payload))
    output = tmp_path / "sortie.jsonl"
    grid = grid_file(tmp_path, INTERVIEWS_GRID)
    code, _out, err = run_cli("coder", path, "--sortie", output, "--grille", grid)
    assert code == 2, err  # no paragraph of a Word document: refused, nothing expanded
    assert "root:" not in err and "aaaaaaaaaa" not in err
    assert not output.exists()


# --- YAML ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bomb", "fragment"),
    [
        (YAML_BOMBS[0], "alias (*) développés"),
        (YAML_BOMBS[1], "alias (*) circulaire"),
        (YAML_BOMBS[2], "alias (*) circulaire"),
        (YAML_BOMBS[3], "imbrication trop profonde"),
        (YAML_BOMBS[4], "imbrication trop profonde"),
    ],
    ids=["milliard-de-rires", "cycle-liste", "cycle-dictionnaire", "crochets", "indentation"],
)
def test_yaml_bombs_in_a_grid_and_in_a_front_matter(tmp_path: Path, bomb: str, fragment: str, nlp):
    grid = tmp_path / "bombe.yaml"
    grid.write_text(bomb, encoding="utf-8")
    code, _out, err = run_cli("grille", "valider", grid)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"Erreur : {grid} : YAML refusé : ") and fragment in line

    transcript = tmp_path / "entretien.txt"
    transcript.write_text(f"---\n{bomb}---\nE : Bonjour ?\nR : Bonjour.\n", encoding="utf-8")
    output = tmp_path / "sortie.jsonl"
    code, _out, err = run_cli(
        "coder", transcript, "--sortie", output, "--grille", grid_file(tmp_path, INTERVIEWS_GRID)
    )
    assert code == 2
    line = one_error_line(err)
    assert f"{transcript} : métadonnées YAML en tête refusées" in line and fragment in line
    assert not output.exists()


# --- encodings -------------------------------------------------------------------------------


def test_mixed_encodings_utf16_and_nul_bytes_in_transcripts(tmp_path: Path, nlp) -> None:
    mixed = tmp_path / "mixte.txt"
    mixed.write_bytes(
        "E : Où êtes-vous ?\n".encode()
        + "R : À la réunion du comité, invités par l'élue.\n".encode("cp1252")
        + "R : Ça a été très chronophage 👵🏼.\n".encode()
    )
    utf16 = tmp_path / "unicode.txt"
    utf16.write_text("E : Et vous ?\nR : Nous avons été sollicités.\n", encoding="utf-16")
    nul = tmp_path / "nul.txt"
    nul.write_bytes(("E : Alors ?\nR : " + "bla " * 20_000 + "\x00fin\x01.\n").encode())
    output = tmp_path / "sortie.jsonl"
    grid = grid_file(tmp_path, INTERVIEWS_GRID)
    code, _out, err = run_cli("coder", mixed, utf16, nul, "--sortie", output, "--grille", grid)
    assert code == 0, err
    units = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    texts = [u["texte"] for u in units]
    assert "À la réunion du comité, invités par l'élue." in texts
    assert "Ça a été très chronophage 👵🏼." in texts
    assert "Nous avons été sollicités." in texts
    assert any(t.endswith("bla fin.") for t in texts)  # NUL and control characters dropped
    assert not any("\x00" in t or "\x01" in t for t in texts)


def test_nul_bytes_at_the_start_mean_a_binary_file(tmp_path: Path, nlp) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _out, err = run_cli("coder", path, "--sortie", tmp_path / "s.jsonl")
    assert code == 2 and "fichier binaire" in one_error_line(err)


def test_mixed_encodings_in_a_measures_csv(tmp_path: Path, nlp) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(
        "id;intitule\n1;Prévention santé\n".encode()
        + "2;Alimentation des aînés\n".encode("cp1252")
        + "3;Repas partagés 🍲 ‏שלום\n".encode()
    )
    output = tmp_path / "sortie.jsonl"
    code, _out, err = run_cli(
        "categoriser", path, "--sortie", output, "--grille", grid_file(tmp_path)
    )
    assert code == 0, err
    titles = [
        json.loads(line)["intitule"] for line in output.read_text(encoding="utf-8").splitlines()
    ]
    assert titles == ["Prévention santé", "Alimentation des aînés", "Repas partagés 🍲 \u200fשלום"]

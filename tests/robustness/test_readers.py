"""Every reader, through its CLI command, against generated hostile files: each run ends in
success with a readable, formula-inert output, or in one French error line with exit code 2 and
no output; never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.robustness.hostile import check_run, hostile_files, run_cli, seeds
from tests.robustness.readers import READERS, Reader


def _run(reader: Reader, folder: Path, name: str, content: bytes, output_ext: str | None):
    path = folder / name
    path.write_bytes(content)
    args: list[str | Path] = [*reader.command, path]
    output = None
    if output_ext is not None:
        output = folder / f"sortie{output_ext}"
        args += ["--sortie", output, "--silencieux"]
    if reader.grid:
        grid = folder / "grille-essai.yaml"
        grid.write_text(reader.grid, encoding="utf-8")
        args += ["--grille", grid]
    code, _out, err = run_cli(*args)
    return code, err, output


@pytest.mark.parametrize("reader", READERS, ids=[r.name for r in READERS])
def test_valid_seeds_are_read(reader: Reader, nlp) -> None:
    """The seeds are valid: the hostile variants below start from files that work."""
    for index, content in enumerate(seeds(reader.name)):
        for output_ext in reader.outputs or (None,):
            with tempfile.TemporaryDirectory() as name:
                folder = Path(name)
                code, err, output = _run(
                    reader, folder, f"graine{index}{reader.extensions[0]}", content, output_ext
                )
                assert code == 0, err
                check_run(code, err, output, folder)


@pytest.mark.parametrize("reader", READERS, ids=[r.name for r in READERS])
@given(data=st.data())
def test_hostile_files_end_in_success_or_one_french_error(reader: Reader, data, nlp) -> None:
    extension = data.draw(st.sampled_from(reader.extensions), label="extension")
    content = data.draw(hostile_files(reader), label="contenu")
    output_ext = (
        data.draw(st.sampled_from(reader.outputs), label="sortie") if reader.outputs else None
    )
    pseudonymise = reader.command == ("coder",) and data.draw(st.booleans(), label="pseudo")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / f"entree{extension}"
        path.write_bytes(content)
        args: list[str | Path] = [*reader.command, path]
        output = None
        if output_ext is not None:
            output = folder / f"sortie{output_ext}"
            args += ["--sortie", output, "--silencieux"]
        if reader.grid:
            grid = folder / "grille-essai.yaml"
            grid.write_text(reader.grid, encoding="utf-8")
            args += ["--grille", grid]
        if pseudonymise:
            args.append("--pseudonymiser")
        code, _out, err = run_cli(*args)
        check_run(code, err, output, folder)
        if pseudonymise and code == 0:
            table = folder / f"sortie{output_ext}".replace(output_ext, "-correspondances.csv")
            assert table.exists()

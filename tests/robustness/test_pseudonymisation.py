"""With --pseudonymiser, no person name of the demo corpus comes out in any export, and the
correspondence table is a file of its own.

``corpora/demo/entretiens/reference/noms.txt`` lists every person named in the eight demo
transcripts (speakers, people mentioned, first names alone, surnames after a title, names in the
metadata). Every word of every name is looked for, case- and accent-insensitively, as a whole
word, in every member of every output (the XML of the workbook and of the REFI-QDA project, the
CSV, the JSON lines).
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DEMO
from tests.robustness.hostile import run_cli

INTERVIEWS = sorted((DEMO / "entretiens").glob("E*"))
NAMES_FILE = DEMO / "entretiens" / "reference" / "noms.txt"
# Names that are also common French words: looked for with their capital only ("assez claire"
# is an adjective, "Claire" is Claire Martin).
COMMON_WORDS = {"claire"}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words() -> list[str]:
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    names = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return sorted({word for name in names for word in name.split()})


def leaks(text: str) -> list[str]:
    """Names of the list found in ``text``, with some context."""
    found = []
    folded = fold(text)
    for word in name_words():
        if fold(word) in COMMON_WORDS:
            haystack, needle, flags = text, word, 0
        else:
            haystack, needle, flags = folded, fold(word), 0
        for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack, flags):
            found.append(f"{word} : …{haystack[max(0, m.start() - 40) : m.end() + 20]}…")
    return found


def members(path: Path) -> dict[str, str]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            # XML members spell accents as character references ("S&#233;bastien")
            return {
                n: html.unescape(zf.read(n).decode("utf-8", errors="replace"))
                for n in zf.namelist()
            }
    return {path.name: path.read_text(encoding="utf-8-sig")}


def test_the_names_list_is_complete_for_what_it_claims(nlp) -> None:
    """Every listed word occurs in the transcripts: the list names real occurrences."""
    from cloterres.interviews.transcripts import read_transcript

    corpus = fold("\n".join(read_transcript(p).text for p in INTERVIEWS))
    missing = [w for w in name_words() if not re.search(rf"(?<!\w){fold(w)}(?!\w)", corpus)]
    assert not missing
    assert len(name_words()) >= 40


@pytest.mark.slow
@pytest.mark.parametrize("extension", [".jsonl", ".csv", ".xlsx", ".qdpx"])
def test_no_name_in_any_export(extension: str, tmp_path: Path, nlp) -> None:
    output = tmp_path / f"entretiens{extension}"
    code, _out, err = run_cli(
        "coder", *INTERVIEWS, "--pseudonymiser", "--sortie", output, "--silencieux"
    )
    assert code == 0, err
    table = tmp_path / "entretiens-correspondances.csv"
    assert table.is_file()
    content = members(output)
    assert not any("correspondance" in name.lower() for name in content)
    found = [f"{name} : {leak}" for name, text in content.items() for leak in leaks(text)]
    assert not found, "\n".join(found[:20])
    everything = "\n".join(content.values())
    assert "[Personne " in everything  # names were there, and were replaced
    assert "autres formes remplacées" not in everything  # the table is not in the data
    # The table holds the names, and only there.
    mapping = table.read_text(encoding="utf-8-sig")
    for name in ("Benali", "Dubreuil", "Claire Martin", "Henriot", "Amandine", "Nadia"):
        assert name in mapping, name
    assert leaks(mapping)


def test_correspondence_table_is_never_the_output(tmp_path: Path, nlp) -> None:
    output = tmp_path / "codes.jsonl"
    code, _out, err = run_cli(
        "coder", INTERVIEWS[0], "--pseudonymiser", "--sortie", output,
        "--table-correspondance", output,
    )  # fmt: skip
    assert code == 2 and "table de correspondance doit être un autre fichier" in err
    assert not output.exists()

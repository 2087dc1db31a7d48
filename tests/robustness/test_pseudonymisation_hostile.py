"""Hostile transcripts (fictional): names at turn starts, lowercase, with particles, hyphenated,
common-word names (Rose, Pierre, Petit, Blanc), names inside e-mail addresses and file names,
phone numbers in every French format. The test counts leaks in every output format, with and
without the names list.

With the list, nothing may leak: no word of any listed name, no phone number, no e-mail address.
Without it, no phone number or e-mail address and at most two distinct name words (what the NER
and the heuristics cannot know: a lowercase first name never written capitalised).
"""

from __future__ import annotations

import html
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

import pytest

from tests.robustness.hostile import run_cli

DATA = Path(__file__).resolve().parent.parent / "data" / "pseudonymisation"
TRANSCRIPTS = sorted(DATA.glob("H*.txt"))
UNITS = DATA / "unites.csv"
NAMES = DATA / "noms.txt"
# Particles of a listed name: grammar words, never looked for alone.
PARTICLES = {"de", "du", "des", "d", "le", "la", "van", "der", "von"}
# Common French words that are also listed names: looked for with their capital only.
COMMON = {"rose", "pierre", "petit", "blanc", "pont"}
PHONE = re.compile(r"(?<![\w+])(?:\+33|0033|0)\s?(?:\(0\)\s?)?[1-9](?:[\s.-]?\d{2}){4}(?!\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words() -> list[str]:
    lines = NAMES.read_text(encoding="utf-8").splitlines()
    names = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    words = {w for name in names for w in re.split(r"[\s-]+", name)}
    return sorted(w for w in words if fold(w) not in PARTICLES)


def leaks(text: str) -> dict[str, list[str]]:
    """Leaked name words (folded) and phone numbers and e-mail addresses, with context."""
    found: dict[str, list[str]] = {}
    folded = fold(text)
    for word in name_words():
        if fold(word) in COMMON:
            haystack, needle = text, word
        else:
            haystack, needle = folded, fold(word)
        for m in re.finditer(rf"(?<![^\W\d_]){re.escape(needle)}(?![^\W\d_])", haystack):
            where = haystack[max(0, m.start() - 30) : m.end() + 20]
            found.setdefault(fold(word), []).append(where)
    for m in PHONE.finditer(text):
        found.setdefault("téléphone", []).append(m.group(0))
    for m in EMAIL.finditer(text):
        found.setdefault("courriel", []).append(m.group(0))
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


def all_leaks(path: Path) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for name, text in members(path).items():
        for key, where in leaks(text).items():
            merged.setdefault(key, []).extend(f"{name}: {w}" for w in where)
    return merged


def test_the_hostile_corpus_is_hostile() -> None:
    """Every listed word, phones and e-mails are there before pseudonymisation."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in [*TRANSCRIPTS, UNITS])
    found = leaks(text)
    missing = [w for w in name_words() if fold(w) not in found]
    assert not missing
    assert len(found["téléphone"]) >= 10 and len(found["courriel"]) >= 7


@pytest.mark.slow
@pytest.mark.parametrize("with_list", [True, False], ids=["liste", "sans-liste"])
@pytest.mark.parametrize("extension", [".jsonl", ".csv", ".xlsx", ".qdpx"])
def test_leaks_in_every_format(extension: str, with_list: bool, tmp_path: Path, nlp) -> None:
    results = {}
    for name, inputs in (("entretiens", TRANSCRIPTS), ("unites", [UNITS])):
        if name == "unites" and extension == ".qdpx":
            continue
        output = tmp_path / f"{name}{extension}"
        options = ["--noms", NAMES] if with_list else ["--pseudonymiser"]
        code, _out, err = run_cli(
            "coder", *inputs, *options, "--sortie", output, "--silencieux", "--unite", "tour"
        )
        assert code == 0, err
        table = tmp_path / f"{name}-correspondances.csv"
        assert stat.S_IMODE(os.stat(table).st_mode) == 0o600
        results[name] = all_leaks(output)
        if name == "entretiens":  # masked, not dropped
            everything = "\n".join(members(output).values())
            assert "[Téléphone " in everything and "[Courriel " in everything
    found = {k: v for r in results.values() for k, v in r.items()}
    contacts = {k: found[k] for k in ("téléphone", "courriel") if k in found}
    assert not contacts, contacts
    names = {k: v for k, v in found.items() if k not in ("téléphone", "courriel")}
    if with_list:
        assert not names, names
    else:
        assert len(names) <= 2, names


@pytest.mark.slow
def test_study_paths_are_pseudonymised(tmp_path: Path, nlp) -> None:
    import sqlite3

    study = tmp_path / "etude.sqlite"
    code, _out, err = run_cli(
        "coder", *TRANSCRIPTS, "--noms", NAMES, "--sortie", tmp_path / "e.jsonl",
        "--etude", study, "--silencieux",
    )  # fmt: skip
    assert code == 0, err
    with sqlite3.connect(study) as db:
        dump = "\n".join(db.iterdump())
    found = {k: v for k, v in leaks(dump).items()}
    assert not found, found


def test_correspondence_option_implies_pseudonymisation(tmp_path: Path, nlp) -> None:
    output = tmp_path / "e.jsonl"
    table = tmp_path / "secret" / "table.csv"
    code, _out, err = run_cli(
        "coder", TRANSCRIPTS[0], "--table-correspondance", table, "--sortie", output,
        "--silencieux", "--unite", "tour",
    )  # fmt: skip
    assert code == 0, err
    assert table.is_file() and stat.S_IMODE(os.stat(table).st_mode) == 0o600
    text = output.read_text(encoding="utf-8")
    assert "Dupont" not in text and "06 12 34 56 78" not in text
    assert "Jean Dupont" in table.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "text",
    [
        "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678", "+33 6 12 34 56 78",
        "+33612345678", "+33 (0)1 45 67 89 01", "(+33) 6 12 34 56 78", "0033 1 45 67 89 01",
        "06\u00a012\u00a034\u00a056\u00a078", "+32 2 123 45 67",
    ],
)  # fmt: skip
def test_phone_formats_are_masked(text: str) -> None:
    from cloterres.interviews.pseudonymise import Pseudonymiser

    out = Pseudonymiser().rewrite(f"joignable au {text}, merci")[0]
    assert out == "joignable au [Téléphone 1], merci"


@pytest.mark.parametrize(
    "text", ["en 2019 et 2020", "SIRET 123 456 789 00012", "1 200 000 euros", "[00:04:15]"]
)
def test_numbers_that_are_not_phones_stay(text: str) -> None:
    from cloterres.interviews.pseudonymise import Pseudonymiser

    assert Pseudonymiser().rewrite(text)[0] == text


def test_speaker_names_are_replaced_and_roles_kept(tmp_path: Path, nlp) -> None:
    """A one-word speaker label that is a first name (even lower case, even one the NER calls
    MISC) is a person; one that is a role (« Médecin », « Président ») is not, and the word
    stays in the text."""
    from cloterres.interviews.pseudonymise import Pseudonymiser
    from cloterres.interviews.transcripts import read_transcript

    path = tmp_path / "roles.txt"
    path.write_text(
        "E : Bonjour nadia.\nMédecin : Le médecin arrive.\nE : Président, une question ?\n"
        "Médecin : Oui. Le président Faure est là.\nnadia : Moi aussi.\nnadia : Voilà.\n",
        encoding="utf-8",
    )
    interview = read_transcript(path)
    pseudonymiser = Pseudonymiser()
    pseudonymiser.learn(interview)
    out = pseudonymiser.apply(interview)
    assert "nadia" not in out.text.lower() and "Faure" not in out.text
    assert "Le médecin arrive" in out.text and "Le président [Personne" in out.text
    assert "Président, une question" in out.text
    assert {t.speaker for t in out.turns} >= {"Médecin", "E"}

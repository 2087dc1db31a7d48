"""The help of every command is French and aligned, and usage errors are French sentences."""

from __future__ import annotations

import re

import pytest

from cloterres.cli.app import app

COMMANDS = [
    (),
    ("categoriser",), ("coder",), ("extraire",), ("accord",), ("reseau",), ("synthese",),
    ("grille",), ("grille", "valider"), ("grille", "afficher"), ("grille", "tester"),
    ("grille", "exporter"), ("grille", "importer"),
    ("revue",), ("revue", "exporter"), ("revue", "importer"), ("revue", "etat"),
    ("revue", "historique"),
]  # fmt: skip
ENGLISH = ("Usage", "Options:", "Commands:", "Arguments:", "default:", "required", "Show this")


def _help(run_cli, command: tuple[str, ...]) -> str:
    code, out, err = run_cli(*command, "--help")
    assert code == 0, err
    return out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cloterres")
def test_help_is_french(run_cli, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "100")
    text = _help(run_cli, command)
    assert text.startswith("Utilisation : cloterres")
    for word in ENGLISH:
        assert word not in text, word
    assert not re.search(r"<(str|int|float|path|file|text|list)", text, re.I)
    assert "{" not in text and "}" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cloterres")
def test_help_columns_are_aligned(run_cli, monkeypatch, command):
    """In each section, every definition (and its continuation lines) starts in one column."""
    monkeypatch.setenv("COLUMNS", "100")
    text = _help(run_cli, command)
    for section in re.split(r"\n(?=\S[^\n]* :\n)", text)[1:]:
        lines = [line for line in section.splitlines()[1:] if line.strip()]
        starts = set()
        for line in lines:
            m = re.match(r"  (\S.*?)  +(\S)", line)  # a term, then its definition
            if m and not line.startswith("   "):
                starts.add(m.start(2))
            elif line.startswith("   "):  # a continuation line
                starts.add(len(line) - len(line.lstrip()))
        assert len(starts) <= 1, (section, starts)


@pytest.mark.parametrize(
    "group", [(), ("grille",), ("revue",)], ids=["cloterres", "grille", "revue"]
)
def test_group_lists_whole_summaries(run_cli, monkeypatch, group):
    """Command summaries are whole sentences, never cut with « ... »."""
    monkeypatch.setenv("COLUMNS", "100")
    commands = _help(run_cli, group).split("Commandes :\n", 1)[1]
    assert not re.search(r"[^.]\.\.\.\n", commands), commands
    summaries = re.split(r"\n(?=  \S)", commands.strip("\n"))
    assert summaries and all(s.rstrip().endswith((".", ")")) for s in summaries), summaries


def test_french_punctuation_is_not_wrapped_alone(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for command in COMMANDS:
        for line in _help(run_cli, command).splitlines():
            assert not re.match(r"\s*[:;»]", line), (command, line)
            assert not line.rstrip().endswith("«"), (command, line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["categoriser", "plan.csv"],
            "Erreur : option obligatoire manquante : --sortie / --out "
            "(aide : cloterres categoriser --help)",
        ),
        (
            ["categoriser", "--sortie", "m.jsonl"],
            "Erreur : argument obligatoire manquant : ENTREE (aide : cloterres categoriser --help)",
        ),
        (
            ["categoriser", "plan.csv", "-o", "m.jsonl", "--verbose"],
            "Erreur : option inconnue : --verbose (aide : cloterres categoriser --help)",
        ),
        (
            ["categoriser", "plan.csv", "-o", "m.jsonl", "--ecrase"],
            "Erreur : option inconnue : --ecrase (vouliez-vous dire --ecraser ?) "
            "(aide : cloterres categoriser --help)",
        ),
    ],
)
def test_usage_errors_are_french(run_cli, args, message):
    code, _out, err = run_cli(*args)
    assert code == 2
    assert err.strip() == message


def test_every_command_is_covered():
    from typer.main import get_command

    root = get_command(app)
    listed = {c for c in COMMANDS if len(c) == 1} | {c for c in COMMANDS if len(c) == 2}
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if command.hidden:
            continue
        assert (name,) in listed
        for sub, sub_command in getattr(command, "commands", {}).items():
            if not sub_command.hidden:
                assert (name, sub) in listed

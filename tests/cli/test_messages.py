"""The one warning printer of the CLI (cloterres/cli/messages.py)."""

from __future__ import annotations

import warnings

from cloterres.cli.messages import MAX_WARNINGS, show_warning, warn, warn_all
from cloterres.errors import InputWarning


def test_a_warning_is_one_attention_line_on_stderr(capsys):
    warn("a.csv, ligne 3 : mesure sans texte")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Attention : a.csv, ligne 3 : mesure sans texte\n"


def test_a_run_shows_its_first_warnings_and_counts_the_rest(capsys):
    warn_all([f"w{i}" for i in range(MAX_WARNINGS + 3)], count_rest=True, rest_hint=" (voir X)")
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["Attention : w0", "Attention : w1"]
    assert len(lines) == MAX_WARNINGS + 1
    assert lines[-1] == "Attention : 3 autre(s) avertissement(s) non affiché(s) (voir X)"
    warn_all([f"w{i}" for i in range(MAX_WARNINGS + 3)])
    assert len(capsys.readouterr().err.splitlines()) == MAX_WARNINGS


def test_input_warnings_raised_while_reading_go_through_the_same_printer(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show_warning
        warnings.warn(
            InputWarning("b.txt : octets nuls (NUL) parasites retirés du texte"), stacklevel=1
        )
    assert capsys.readouterr().err == (
        "Attention : b.txt : octets nuls (NUL) parasites retirés du texte\n"
    )

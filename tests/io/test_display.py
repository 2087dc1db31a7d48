"""Dates and paths as the workbooks and reports show them to a person."""

from __future__ import annotations

import datetime as dt
import sys
import time

import pytest

from cloterres.io.display import display_path, french_date


@pytest.fixture
def paris(monkeypatch):
    """The machine's time zone set to Europe/Paris for the test."""
    if not hasattr(time, "tzset"):
        pytest.skip("no time.tzset on this platform")
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_french_date_in_local_time(paris):
    # a naive time is UTC (the study store's): 22:58 UTC is 23:58 in Paris in December
    assert french_date(dt.datetime(2026, 12, 7, 22, 58)) == "7 décembre 2026 à 23:58"
    assert french_date("2026-08-01T10:05:00+00:00") == "1er août 2026 à 12:05"
    assert french_date(dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC), time=False) == "3 février 2026"
    assert french_date("pas une date") == "pas une date"


def test_french_date_now_has_no_iso_text():
    text = french_date()
    assert "T" not in text and "+" not in text and " à " in text


def test_display_path_relative_under_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sous").mkdir()
    assert display_path(tmp_path / "sous" / "grille.yaml") == "sous/grille.yaml"
    assert display_path("sous/../grille.yaml") == "grille.yaml"
    outside = tmp_path.parent / "ailleurs.xlsx"
    assert display_path(outside) == str(outside)
    assert display_path("(aucun)") == "(aucun)"


def test_command_line_shows_paths_relative(tmp_path, monkeypatch):
    from cloterres.cli.common import command_line

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        sys, "argv", ["cloterres", "reseau", str(tmp_path / "a.csv"), f"--sortie={tmp_path}/r.xlsx",
                      "/elsewhere/b.csv"],
    )  # fmt: skip
    assert command_line() == "cloterres reseau a.csv --sortie=r.xlsx /elsewhere/b.csv"

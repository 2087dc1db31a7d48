"""Transcripts as transcription tools write them (Otter.ai, Zoom and Teams .vtt and .docx,
NVivo and oTranscribe timestamps): speakers recognised, and every character of speech in
exactly one unit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.interviews.coding import project_interviews
from cloterres.interviews.model import Interview, Segment
from cloterres.interviews.segmentation import segment
from cloterres.interviews.transcripts import UNKNOWN_SPEAKER, read_transcript
from cloterres.io.qdpx import read_qdpx

DATA = Path(__file__).resolve().parents[1] / "data" / "transcriptions"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "qda-real"
SAMPLES = sorted(p for p in DATA.iterdir() if p.suffix != ".md")
# What may lie between units: speaker labels (removed first), timestamps, colons, blanks.
_NOT_SPEECH = re.compile(r"^(?:\s|[\[({]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])}]?|[:\-–])*$")


def uncovered(interview: Interview, segments: list[Segment], body: int = 0) -> list[str]:
    """Text between units that is not a speaker label, a timestamp or a blank; units must not
    overlap."""
    text = interview.text
    spans = sorted((s.start, s.end) for s in segments)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start, "two units share characters"
    speakers = sorted({t.speaker for t in interview.turns}, key=len, reverse=True)
    gaps, pos = [], body
    for start, end in [*spans, (len(text), len(text))]:
        gap = text[pos:start]
        for speaker in speakers:
            gap = gap.replace(speaker, "")
        if not _NOT_SPEECH.match(gap):
            gaps.append(gap)
        pos = max(pos, end)
    return gaps


@pytest.mark.parametrize("unit", ["phrase", "tour", "paragraphe", "ligne"])
@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_units_cover_all_the_speech(path: Path, unit: str) -> None:
    interview = read_transcript(path)
    assert uncovered(interview, segment(interview, unit)) == []


def speakers(path: Path) -> list[str]:
    return [t.speaker for t in read_transcript(path).turns]


def test_otter_label_lines_speech_before_them_and_speakers_seen_once() -> None:
    interview = read_transcript(DATA / "otter-e21.txt")
    assert [t.speaker for t in interview.turns] == [
        UNKNOWN_SPEAKER, "Sophie Garnier", "Marc Lebrun", "Sophie Garnier", "Marc Lebrun",
        "Claire Dubois", "Sophie Garnier",
    ]  # fmt: skip
    units = segment(interview, "tour")
    assert units[0].text.startswith("Bonjour, on commence l'enregistrement.")
    assert units[2].text.startswith("Je suis adjoint")  # not « 20 Je suis... »
    assert units[5].text.startswith("Je me permets")  # seen once, kept (« 12:41 »)
    assert units[-1].text == "Merci à vous deux."  # h:mm:ss label line
    assert all(not re.match(r"\d", u.text) for u in units)


def test_vtt_of_teams_and_zoom() -> None:
    teams = read_transcript(DATA / "teams-e22.vtt")
    assert [t.speaker for t in teams.turns] == [
        "Sophie Garnier", "Nadia Benali", "Sophie Garnier", "Nadia Benali"
    ]  # fmt: skip
    turns = segment(teams, "tour")
    assert turns[1].text == (
        "Avec plaisir. Je coordonne le contrat local de santé depuis trois ans. Mon poste est "
        "financé à moitié par l'ARS et à moitié par la communauté de communes."
    )
    zoom = read_transcript(DATA / "zoom-e23.vtt")
    assert [t.speaker for t in zoom.turns] == ["Sophie Garnier", "Julien Roux"]
    assert segment(zoom, "tour")[1].text.endswith("prennent beaucoup de temps.")


def test_docx_exports_and_nvivo_timestamps() -> None:
    assert speakers(DATA / "zoom-e24.docx") == [
        UNKNOWN_SPEAKER, "Sophie Garnier", "Léa Moreau", "Sophie Garnier", "Léa Moreau",
        "Paul Henry",
    ]  # fmt: skip
    assert speakers(DATA / "teams-e25.docx") == [
        UNKNOWN_SPEAKER, "Sophie Garnier", "Karim Haddad", "Sophie Garnier", "Karim Haddad"
    ]  # fmt: skip
    nvivo = read_transcript(DATA / "nvivo-e26.txt")
    assert [u.text for u in segment(nvivo, "tour")] == [
        "Qui finance les actions du CLS ?",
        "L'ARS surtout, la commune un peu.",
        "Et la CPAM pour le bilan de santé des jeunes.",
        "Merci.",
    ]


def test_a_broken_vtt_is_one_french_error(tmp_path: Path) -> None:
    bad = tmp_path / "cassé.vtt"
    bad.write_text("pas un fichier WebVTT\n00:00 --> n'importe quoi\n", encoding="utf-8")
    with pytest.raises(InputError, match="cassé.vtt : fichier WebVTT illisible"):
        read_transcript(bad)


@pytest.mark.parametrize(
    "name", ["qc-cproctor/demo.qdpx", "maxqda24-paper_themes/ICLS_Conf_Themes_just10.qdpx"]
)
def test_units_cover_the_speech_of_real_projects(name: str) -> None:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{path} absent : projets réels indisponibles sur cette machine")
    project = read_qdpx(path)
    for interview in project_interviews(path, project):
        assert uncovered(interview, segment(interview, "phrase")) == [], interview.id

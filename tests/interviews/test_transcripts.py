"""Interview front end: reading transcripts, segmentation, pseudonymisation, units tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.interviews.pseudonymise import Pseudonymiser
from cloterres.interviews.segmentation import segment
from cloterres.interviews.transcripts import read_transcript
from cloterres.interviews.units_table import read_units_table

FRONT_MATTER = (
    "---\nid: T1\nterritoire: CLS de Vaudrenne\nregion: Occitanie\ntype_acteur: association\n"
    "role: porteur d'action\nmilieu: social\n---\n"
    "Enquêtrice : Comment êtes-vous entrés dans le CLS ?\r\n"
    "[00:01:10] Coordinatrice : Alors voilà : on a été invités par la coordinatrice. "
    "On a porté une action.\r\n"
    "Et puis ça a continué.\n"
    "\n"
    "Enquêtrice : Et les réunions ?\n"
    "Coordinatrice : Trop de réunions, honnêtement.\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_front_matter_turns_timestamps_and_crlf(tmp_path, nlp):
    interview = read_transcript(write(tmp_path, "t1.txt", FRONT_MATTER))
    assert "\r" not in interview.text  # line endings normalised: every tool counts offsets alike
    assert interview.id == "T1"
    assert interview.variables == {
        "territoire": "CLS de Vaudrenne", "region": "Occitanie", "type_acteur": "association",
        "role": "porteur d'action", "milieu": "social",
    }  # fmt: skip
    turns = [
        (t.number, t.speaker, t.interviewer, interview.text[t.start : t.end])
        for t in interview.turns
    ]
    assert turns == [
        (1, "Enquêtrice", True, "Comment êtes-vous entrés dans le CLS ?"),
        (2, "Coordinatrice", False,
         "Alors voilà : on a été invités par la coordinatrice. On a porté une action.\nEt puis ça a continué."),
        (3, "Enquêtrice", True, "Et les réunions ?"),
        (4, "Coordinatrice", False, "Trop de réunions, honnêtement."),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("tour", [("Enquêtrice", 9), ("Coordinatrice", 10), ("Enquêtrice", 13), ("Coordinatrice", 14)]),
        ("phrase", [("Enquêtrice", 9), ("Coordinatrice", 10), ("Coordinatrice", 10),
                    ("Coordinatrice", 11), ("Enquêtrice", 13), ("Coordinatrice", 14)]),
        ("ligne", [("Enquêtrice", 9), ("Coordinatrice", 10), ("Coordinatrice", 11),
                   ("Enquêtrice", 13), ("Coordinatrice", 14)]),
    ],
)  # fmt: skip
def test_segments_keep_offsets_and_line_numbers(tmp_path, nlp, kind, expected):
    interview = read_transcript(write(tmp_path, "t1.txt", FRONT_MATTER))
    segments = segment(interview, kind)
    assert [(s.speaker, s.line_start) for s in segments] == expected
    lines = interview.text.split("\n")
    for s in segments:
        assert interview.text[s.start : s.end] == s.text
        assert s.text.strip() == s.text and not s.text.startswith("[00:")
        assert s.text.split("\n")[0].rstrip("\r") in lines[s.line_start - 1]
    assert [s.id for s in segments][:2] == ["T1-0001", "T1-0002"]


def test_key_value_metadata_cp1252_and_short_labels(tmp_path, nlp):
    text = (
        "Entretien : E02\r\nTerritoire : CLS de Brives\r\nRôle : élu\r\n\r\n"
        "Q : Vous êtes élu depuis quand ?\r\nR : Depuis 2020. L’ARS nous a sollicités.\r\n"
    )
    interview = read_transcript(write(tmp_path, "e02.txt", text, "cp1252"))
    assert interview.id == "E02"
    assert interview.variables == {"territoire": "CLS de Brives", "role": "élu"}
    assert [(t.speaker, t.interviewer) for t in interview.turns] == [("Q", True), ("R", False)]
    assert interview.text[interview.turns[1].start : interview.turns[1].end] == (
        "Depuis 2020. L’ARS nous a sollicités."
    )


def test_bracket_labels_and_interviewer_by_name(tmp_path, nlp):
    text = (
        "Enquêteur : Claire Martin\nRégion : Bretagne\n\n[Claire Martin]\nBonjour.\n"
        "[Responsable MSS]\nBonjour, on a été invités.\nSur deux lignes.\n"
        "[Claire Martin]\nMerci.\n[Responsable MSS]\nDe rien.\n"
    )
    interview = read_transcript(write(tmp_path, "e06.txt", text))
    assert [
        (t.speaker, t.interviewer, interview.text[t.start : t.end]) for t in interview.turns
    ] == [
        ("Claire Martin", True, "Bonjour."),
        ("Responsable MSS", False, "Bonjour, on a été invités.\nSur deux lignes."),
        ("Claire Martin", True, "Merci."),
        ("Responsable MSS", False, "De rien."),
    ]


def test_docx_bold_speaker_names(tmp_path, nlp):
    import docx

    document = docx.Document()
    document.add_paragraph("Entretien : E03")
    document.add_paragraph("Type d'acteur : ARS")
    document.add_paragraph("")
    for speaker, speech in [("Enquêteur :", "Votre rôle ?"), ("M. Dubreuil", "Je suis délégué."),
                            ("Enquêteur :", "Et ensuite ?"), ("M. Dubreuil", "On finance.")]:  # fmt: skip
        p = document.add_paragraph()
        p.add_run(speaker).bold = True
        p.add_run(" " + speech)
    document.add_paragraph("Suite de la réponse, sans locuteur.")
    path = tmp_path / "e03.docx"
    document.save(path)
    interview = read_transcript(path)
    assert interview.id == "E03" and interview.variables == {"type_acteur": "ARS"}
    assert [
        (t.speaker, t.interviewer, interview.text[t.start : t.end]) for t in interview.turns
    ] == [
        ("Enquêteur", True, "Votre rôle ?"),
        ("M. Dubreuil", False, "Je suis délégué."),
        ("Enquêteur", True, "Et ensuite ?"),
        ("M. Dubreuil", False, "On finance.\nSuite de la réponse, sans locuteur."),
    ]


def test_no_speaker_turns_is_one_speaker_with_a_warning(tmp_path, nlp):
    interview = read_transcript(write(tmp_path, "libre.txt", "Un texte. Sans locuteur.\n"))
    assert [(t.speaker, t.interviewer) for t in interview.turns] == [("Répondant", False)]
    assert "aucun tour de parole reconnu" in interview.warnings[0]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vide.txt", b"---\nid: X\n---\n\n", "transcription vide"),
        ("casse.docx", b"pas un docx", "document Word illisible"),
        ("binaire.txt", b"\x00\x01\x02" * 10, "fichier binaire"),
    ],
)
def test_unusable_transcripts(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert str(info.value).startswith(str(path)) and expected in str(info.value)


def test_pseudonymisation_is_stable_across_interviews(tmp_path, nlp):
    a = write(
        tmp_path, "a.txt", "E : Avec qui ?\nR : Avec Mme Lefèvre et Karim Benali. Karim est là.\n"
    )
    b = write(
        tmp_path, "b.txt", "E : Et ensuite ?\nR : Benali a rappelé Lefèvre, puis Sophie Roux.\n"
    )
    interviews = [read_transcript(a), read_transcript(b)]
    p = Pseudonymiser(names=["Sophie Roux"])
    for i in interviews:
        p.learn(i)
    out = [p.apply(i) for i in interviews]
    assert "[Personne" in out[0].text
    for original in ("Lefèvre", "Karim", "Benali", "Sophie", "Roux"):
        assert all(original not in i.text for i in out)
    by_name = {row[2]: row[1] for row in p.table()}
    karim = by_name["Karim Benali"]
    assert out[1].text.count(karim) == 1  # "Benali" alone is the same person
    assert f"{karim} est là" in out[0].text  # the first name alone too
    for i in out:  # turns still point at the right text
        for t in i.turns:
            assert i.text[t.start : t.end] == i.text[t.start : t.end].strip()
            assert not i.text[t.start : t.end].startswith((":", " "))


def test_units_table(tmp_path):
    path = write(
        tmp_path,
        "unites.csv",
        "id;texte;entretien;type d'acteur\nU1;On a été invités.;E1;ARS\nU2;;E1;ARS\nU3;Trop de réunions.;E2;\n",
    )
    units = list(read_units_table(path))
    assert [(u.id, u.interview, u.text, u.variables) for u in units] == [
        ("U1", "E1", "On a été invités.", {"type d'acteur": "ARS"}),
        ("U3", "E2", "Trop de réunions.", {}),
    ]
    bad = write(tmp_path, "sans.csv", "nom;age\nA;3\n")
    with pytest.raises(InputError, match="aucune colonne de texte reconnue"):
        list(read_units_table(bad))

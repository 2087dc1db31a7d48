"""REFI-QDA export and import (cloterres.io.qdpx)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cloterres.errors import InputError
from cloterres.io.qdpx import (
    CODEBOOK_NS,
    PROJECT_NS,
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSource,
    read_qdpx,
    validate,
    write_qdc,
    write_qdpx,
    xmltools,
    zipguard,
)

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "Project.xsd"
P = f"{{{PROJECT_NS}}}"

# Accents, emoji (one with a skin-tone modifier: two code points), CRLF line breaks.
TEXT_E01 = (
    "Entretien E01 — coordinatrice du CLS.\r\n"
    "Q : Quels sont les besoins ?\r\n"
    "R : L'accès aux soins 🩺 reste difficile ; les médecins généralistes partent à la "
    "retraite.\r\n"
    "R : La prévention des chutes chez les aînés est une priorité 👵🏼.\r\n"
)
TEXT_E02 = (
    "Entretien E02.\n"
    "Le diagnostic local de santé a été présenté aux élus.\n"
    "Ça a été un moment fort 💪.\n"
    "Œuvre commune : le conseil local de santé mentale."
)

CODES = [
    QdaCode("acces", "Accès aux soins", "Offre et accès aux soins de premier recours."),
    QdaCode("acces.medecins", "Démographie médicale", "Départs, installations.", "acces"),
    QdaCode("acces.urgences", "Urgences", parent="acces"),
    QdaCode("prevention", "Prévention"),
    QdaCode("prevention.chutes", "Chutes des aînés", parent="prevention"),
    QdaCode("gouvernance", "Gouvernance"),
    QdaCode("gouvernance.diagnostic", "Diagnostic local", parent="gouvernance"),
    QdaCode("gouvernance.clsm", "Conseil local de santé mentale", parent="gouvernance"),
]

# (source id, coded text, code, coder)
CODED = [
    ("E01", "L'accès aux soins 🩺 reste difficile", "acces", "cloterres"),
    ("E01", "les médecins généralistes partent à la retraite", "acces.medecins", "cloterres"),
    ("E01", "les médecins généralistes partent à la retraite", "acces", "Marie Dupont"),
    (
        "E01",
        "La prévention des chutes chez les aînés est une priorité 👵🏼",
        "prevention.chutes",
        "cloterres",
    ),
    ("E01", "partent à la retraite.\r\nR : La prévention", "prevention", "Marie Dupont"),
    ("E02", "diagnostic local de santé", "gouvernance.diagnostic", "cloterres"),
    ("E02", "Œuvre commune : le conseil local de santé mentale.", "gouvernance.clsm", "cloterres"),
    ("E02", "un moment fort 💪", "gouvernance", "cloterres"),
]


def make_project(name: str = "CLS Bretagne 2024") -> QdaProject:
    sources = [
        QdaSource(
            "E01",
            "E01-coordinatrice",
            TEXT_E01,
            {"territoire": "Pays de Redon", "region": "Bretagne", "type_acteur": "coordination"},
        ),
        QdaSource(
            "E02",
            "E02-élu",
            TEXT_E02,
            {"territoire": "Brocéliande", "region": "Bretagne", "role": "élu", "milieu": "rural"},
        ),
    ]
    texts = {s.id: s.text for s in sources}
    codings = []
    for source_id, snippet, code, coder in CODED:
        start = texts[source_id].index(snippet)
        codings.append(QdaCoding(source_id, start, start + len(snippet), code, coder))
    return QdaProject(name, list(CODES), sources, codings)


def coding_key(c: QdaCoding) -> tuple[str, int, int, str, str]:
    return (c.source_id, c.start, c.end, c.code, c.coder)


@pytest.fixture
def schema() -> Path:
    if not SCHEMA.is_file():
        pytest.skip(
            f"{SCHEMA} absent : schéma REFI-QDA de référence indisponible sur cette machine"
        )
    return SCHEMA


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, QdaProject]:
    project = make_project()
    path = tmp_path / "projet.qdpx"
    write_qdpx(path, project)
    return path, project


def qde_root(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def test_round_trip(written: tuple[Path, QdaProject]) -> None:
    path, project = written
    back = read_qdpx(path)
    assert back.name == project.name
    assert back.sources == project.sources
    assert back.codes == project.codes
    assert sorted(map(coding_key, back.codings)) == sorted(map(coding_key, project.codings))
    for coding in back.codings:
        text = next(s.text for s in back.sources if s.id == coding.source_id)
        assert (
            coding.source_id,
            text[coding.start : coding.end],
            coding.code,
            coding.coder,
        ) in CODED


def test_project_validates_against_schema(written: tuple[Path, QdaProject], schema: Path) -> None:
    path, _ = written
    with zipfile.ZipFile(path) as zf:
        assert validate(zf.read("project.qde"), schema) == []


def test_validate_reports_schema_errors(schema: Path) -> None:
    bad = (
        f'<Project xmlns="{PROJECT_NS}" name="x"><CodeBook><Codes>'
        '<Code guid="not-a-guid" name="a"/></Codes></CodeBook></Project>'
    ).encode()
    errors = validate(bad, schema)
    assert errors and all(isinstance(e, str) and e.startswith("line ") for e in errors)
    assert any("isCodable" in e for e in errors)
    assert validate(b"<Project", schema)[0].startswith("line ")


def test_archive_layout_and_offsets(written: tuple[Path, QdaProject]) -> None:
    path, project = written
    texts = {s.name: s.text for s in project.sources}
    expected = {(source_id, snippet, code) for source_id, snippet, code, _ in CODED}
    ids = {s.name: s.id for s in project.sources}
    root = qde_root(path)
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{P}Code")}
    paths = {c.name: c.path for c in CODES}
    seen = set()
    with zipfile.ZipFile(path) as zf:
        sources = root.findall(f"{P}Sources/{P}TextSource")
        assert zf.namelist() == ["project.qde"] + [f"sources/{s.get('guid')}.txt" for s in sources]
        for source in sources:
            guid, name = source.get("guid"), source.get("name")
            assert source.get("plainTextPath") == f"internal://{guid}.txt"
            raw = zf.read(f"sources/{guid}.txt")
            assert raw == texts[name].encode("utf-8")  # no BOM, CRLF kept
            text = raw.decode("utf-8")
            for selection in source.findall(f"{P}PlainTextSelection"):
                start = int(selection.get("startPosition"))
                end = int(selection.get("endPosition"))
                for coding in selection.findall(f"{P}Coding"):
                    code = paths[codes[coding.find(f"{P}CodeRef").get("targetGUID")]]
                    triple = (ids[name], text[start:end], code)
                    assert triple in expected
                    seen.add(triple)
    assert seen == expected
    # Positions count code points: after "🩺" (U+1FA7A), UTF-16 would count one more.
    snippet = "les médecins généralistes"
    start = TEXT_E01.index(snippet)
    assert start < len(TEXT_E01[:start].encode("utf-16-le")) // 2
    starts = {int(s.get("startPosition")) for s in root.iter(f"{P}PlainTextSelection")}
    assert start in starts


def test_users_cases_and_variables(written: tuple[Path, QdaProject]) -> None:
    path, project = written
    root = qde_root(path)
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{P}User")}
    assert set(users) == {"cloterres", "Marie Dupont"}
    assert root.get("creatingUserGUID") == users["cloterres"]
    assert root.get("origin") == "cloterres"
    variables = {v.get("guid"): v for v in root.iter(f"{P}Variable")}
    assert {v.get("typeOfVariable") for v in variables.values()} == {"Text"}
    assert [v.get("name") for v in variables.values()] == [
        "territoire",
        "region",
        "type_acteur",
        "role",
        "milieu",
    ]
    source_guids = {s.get("name"): s.get("guid") for s in root.iter(f"{P}TextSource")}
    cases = root.findall(f"{P}Cases/{P}Case")
    assert [c.get("name") for c in cases] == ["E01", "E02"]
    for case, source in zip(cases, project.sources, strict=True):
        assert [r.get("targetGUID") for r in case.iter(f"{P}SourceRef")] == [
            source_guids[source.name]
        ]
        values = {
            variables[v.find(f"{P}VariableRef").get("targetGUID")].get("name"): v.findtext(
                f"{P}TextValue"
            )
            for v in case.iter(f"{P}VariableValue")
        }
        assert values == source.variables
    marie = {c.get("creatingUser") for c in root.iter(f"{P}Coding")}
    assert marie == {users["cloterres"], users["Marie Dupont"]}
    # Themes are codable parents holding their codes.
    top = root.findall(f"{P}CodeBook/{P}Codes/{P}Code")
    assert [c.get("name") for c in top] == ["Accès aux soins", "Prévention", "Gouvernance"]
    assert {c.get("isCodable") for c in root.iter(f"{P}Code")} == {"true"}
    assert [c.get("name") for c in top[0].findall(f"{P}Code")] == [
        "Démographie médicale",
        "Urgences",
    ]


def guids(path: Path) -> list[str]:
    root = qde_root(path)
    attrs = ("guid", "targetGUID", "creatingUser", "creatingUserGUID")
    return [el.get(a) for el in root.iter() for a in attrs if el.get(a)]


def test_guids_are_deterministic(tmp_path: Path) -> None:
    write_qdpx(tmp_path / "a.qdpx", make_project())
    write_qdpx(tmp_path / "b.qdpx", make_project())
    write_qdpx(tmp_path / "c.qdpx", make_project("Autre projet"))
    first, again, other = (
        guids(tmp_path / "a.qdpx"),
        guids(tmp_path / "b.qdpx"),
        guids(tmp_path / "c.qdpx"),
    )
    assert first == again
    assert not set(first) & set(other)
    with zipfile.ZipFile(tmp_path / "a.qdpx") as a, zipfile.ZipFile(tmp_path / "b.qdpx") as b:
        assert a.namelist() == b.namelist()


def test_write_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "projet.qdpx"
    path.write_bytes(b"ancien")
    project = make_project()
    broken = QdaProject(
        project.name,
        project.codes,
        project.sources,
        [*project.codings, QdaCoding("E01", 0, 5, "inconnu.code")],
    )
    with pytest.raises(InputError, match="inconnu.code"):
        write_qdpx(path, broken)
    assert path.read_bytes() == b"ancien"
    write_qdpx(path, project)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["projet.qdpx"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: [*p.codings, QdaCoding("E01", 10, 5000, "acces")], "hors du texte"),
        (lambda p: [*p.codings, QdaCoding("E09", 0, 5, "acces")], "E09"),
        (lambda p: [*p.codings, QdaCoding("E01", 9, 5, "acces")], "positions"),
    ],
)
def test_write_refuses_inconsistent_codings(tmp_path: Path, change, message: str) -> None:
    project = make_project()
    bad = QdaProject(project.name, project.codes, project.sources, change(project))
    with pytest.raises(InputError, match=message) as err:
        write_qdpx(tmp_path / "projet.qdpx", bad)
    assert str(err.value).startswith(str(tmp_path / "projet.qdpx"))
    assert not (tmp_path / "projet.qdpx").exists()


def test_empty_codings_are_not_exported(tmp_path: Path) -> None:
    project = make_project()
    with_empty = QdaProject(
        project.name,
        project.codes,
        project.sources,
        [*project.codings, QdaCoding("E01", 7, 7, "acces")],
    )
    write_qdpx(tmp_path / "p.qdpx", with_empty)
    back = read_qdpx(tmp_path / "p.qdpx")
    assert sorted(map(coding_key, back.codings)) == sorted(map(coding_key, project.codings))


def test_own_positions_are_never_reinterpreted(tmp_path: Path) -> None:
    """Spans that cut words and split a CRLF would make a guess prefer "CRLF counts one";
    a project written by cloterres is read as written."""
    text = "\ufeffx\r\nabcd efgh\r\nij"
    codings = [QdaCoding("E1", 5, 7, "acces"), QdaCoding("E1", 2, 3, "prevention")]
    project = QdaProject("p", CODES, [QdaSource("E1", "E1", text, {})], codings)
    write_qdpx(tmp_path / "p.qdpx", project)
    back = read_qdpx(tmp_path / "p.qdpx")
    assert back.sources == project.sources  # leading U+FEFF kept: it is part of the coded text
    assert sorted(map(coding_key, back.codings)) == sorted(map(coding_key, codings))
    # The same file re-exported by another tool (origin changed) is read by guessing.
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(
        b'origin="cloterres"', b'origin="Autre logiciel"'
    )
    path = make_qdpx(tmp_path, members.pop("project.qde"), members, name="autre.qdpx")
    guessed = read_qdpx(path)
    assert guessed.sources[0].text == text[1:]  # a BOM from another tool is dropped
    assert sorted(map(coding_key, guessed.codings)) != sorted(map(coding_key, codings))


def test_write_refuses_bad_codebook_and_xml_characters(tmp_path: Path) -> None:
    project = make_project()
    orphan = [*CODES, QdaCode("x.y", "Orphelin", parent="x")]
    with pytest.raises(InputError, match="parent « x »"):
        write_qdpx(tmp_path / "p.qdpx", QdaProject("p", orphan, project.sources, []))
    control = [QdaSource("E01", "E01", "texte", {"territoire": "a\x0bb"})]
    with pytest.raises(InputError, match="caractère interdit en XML"):
        write_qdpx(tmp_path / "p.qdpx", QdaProject("p", CODES, control, []))


# ---------------------------------------------------------------------------------------------
# Codebook (.qdc)
# ---------------------------------------------------------------------------------------------


def codebook_schema(project_xsd: Path) -> etree.XMLSchema:
    """Codebook.xsd as published by REFI: CodeBook (Codes, Sets?, @origin) in the codebook
    namespace, with the same CodeType as the project schema."""
    text = project_xsd.read_text(encoding="utf-8").replace(PROJECT_NS, CODEBOOK_NS)
    doc = etree.fromstring(text.encode("utf-8"))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    element = doc.find(f"{xs}element[@name='Project']")
    element.set("name", "CodeBook")
    element.set("type", "CodeBookType")
    book = doc.find(f"{xs}complexType[@name='CodeBookType']")
    etree.SubElement(
        book.find(f"{xs}sequence"), f"{xs}element", name="Sets", type="SetsType", minOccurs="0"
    )
    etree.SubElement(book, f"{xs}attribute", name="origin", type="xsd:string")
    return etree.XMLSchema(doc)


def test_write_qdc(tmp_path: Path, schema: Path) -> None:
    path = tmp_path / "grille.qdc"
    write_qdc(path, CODES, origin="cloterres 0.1", project_name="CLS Bretagne 2024")
    root = etree.fromstring(path.read_bytes())
    cb = f"{{{CODEBOOK_NS}}}"
    assert root.tag == f"{cb}CodeBook"
    assert root.get("origin") == "cloterres 0.1"
    top = root.findall(f"{cb}Codes/{cb}Code")
    tree = {c.get("name"): [k.get("name") for k in c.findall(f"{cb}Code")] for c in top}
    assert tree == {
        "Accès aux soins": ["Démographie médicale", "Urgences"],
        "Prévention": ["Chutes des aînés"],
        "Gouvernance": ["Diagnostic local", "Conseil local de santé mentale"],
    }
    assert top[0].findtext(f"{cb}Description") == CODES[0].description
    assert {c.get("isCodable") for c in root.iter(f"{cb}Code")} == {"true"}
    assert codebook_schema(schema).validate(root), codebook_schema(schema).error_log
    # Same GUIDs as the codes of the project of the same name.
    write_qdpx(tmp_path / "p.qdpx", make_project("CLS Bretagne 2024"))
    project_codes = {
        c.get("name"): c.get("guid") for c in qde_root(tmp_path / "p.qdpx").iter(f"{P}Code")
    }
    assert {c.get("name"): c.get("guid") for c in root.iter(f"{cb}Code")} == project_codes


# ---------------------------------------------------------------------------------------------
# Import of projects written by other tools
# ---------------------------------------------------------------------------------------------


def g(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def make_qdpx(
    tmp_path: Path,
    qde: str | bytes,
    files: dict[str, bytes] | None = None,
    *,
    qde_name: str = "project.qde",
    name: str = "projet.qdpx",
) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for member, data in (files or {}).items():
            zf.writestr(member, data)
    return path


def project_xml(body: str, users: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{PROJECT_NS}" name="Étranger" '
        f'origin="Autre logiciel">{users}{body}</Project>'
    )


def selection(
    guid: int, start: int, end: int, code: int, user: int | None = None, name: str = ""
) -> str:
    who = f' creatingUser="{g(user)}"' if user is not None else ""
    return (
        f'<PlainTextSelection guid="{g(guid)}" name="{name}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{g(guid + 500)}"{who}>'
        f'<CodeRef targetGUID="{g(code)}"/></Coding></PlainTextSelection>'
    )


def slices(project: QdaProject) -> set[tuple[str, str, str]]:
    texts = {s.id: s.text for s in project.sources}
    return {(c.code, texts[c.source_id][c.start : c.end], c.coder) for c in project.codings}


def test_import_inline_text_other_qde_name_bom_nested_codes(tmp_path: Path) -> None:
    text = "Le logement insalubre pèse sur la santé 😷. L'offre de soins manque à Saint-Méen."
    s1 = text.index("logement insalubre")
    s2 = text.index("L'offre de soins manque")
    codebook = (
        "<CodeBook><Codes>"
        f'<Code guid="{g(1)}" name="Déterminants" isCodable="true">'
        f'<Code guid="{g(2)}" name="Environnement" isCodable="false">'
        f'<Description>Milieu de vie</Description><Code guid="{g(3)}" name="Logement" isCodable="true"/>'
        "</Code></Code>"
        f'<Code guid="{{{g(4).upper()}}}" name="Offre de soins" isCodable="true"/>'
        "</Codes></CodeBook>"
    )
    users = f'<Users><User guid="{g(90)}" name="Alice Martin"/></Users>'
    sources = (
        f'<Sources><TextSource guid="{g(10)}" name="Entretien élu">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        + selection(20, s1, s1 + len("logement insalubre"), 3, user=90)
        + selection(21, s2, s2 + len("L'offre de soins manque"), 4)
        + selection(22, 0, 2, 1, user=99)
        + "</TextSource></Sources>"
    )
    qde = b"\xef\xbb\xbf" + project_xml(codebook + sources, users).encode("utf-8")
    path = make_qdpx(tmp_path, qde, qde_name="Entretiens CLS.qde")
    project = read_qdpx(path)
    assert project.name == "Étranger"
    assert [(c.path, c.name, c.parent, c.description) for c in project.codes] == [
        ("Déterminants", "Déterminants", None, ""),
        ("Déterminants.Environnement", "Environnement", "Déterminants", "Milieu de vie"),
        ("Déterminants.Environnement.Logement", "Logement", "Déterminants.Environnement", ""),
        ("Offre de soins", "Offre de soins", None, ""),
    ]
    assert project.sources == [QdaSource("Entretien élu", "Entretien élu", text, {})]
    assert slices(project) == {
        ("Déterminants.Environnement.Logement", "logement insalubre", "Alice Martin"),
        ("Offre de soins", "L'offre de soins manque", "inconnu"),
        ("Déterminants", "Le", "inconnu"),
    }


RAW = (
    "Q : Comment travaillez-vous avec les élus ?\r\n"
    "R : Le contrat local de santé 🙂 nous réunit chaque trimestre.\r\n"
    "Q : Et la prévention ?\r\n"
    "R : Les ateliers mémoire marchent très bien."
)
SNIPPETS = [
    "contrat local de santé",
    "chaque trimestre.\r\nQ : Et la prévention",
    "ateliers mémoire marchent très bien.",
]


def crlf_project(tmp_path: Path, positions: list[tuple[int, int]], folder: str = "sources") -> Path:
    codebook = f'<CodeBook><Codes><Code guid="{g(1)}" name="Partenariat" isCodable="true"/></Codes></CodeBook>'
    selections = "".join(selection(20 + i, s, e, 1) for i, (s, e) in enumerate(positions))
    body = (
        f'{codebook}<Sources><TextSource guid="{g(10)}" name="E07" '
        f'plainTextPath="internal://{g(10).upper()}.txt">{selections}</TextSource></Sources>'
    )
    data = b"\xef\xbb\xbf" + RAW.encode("utf-8")
    return make_qdpx(tmp_path, project_xml(body), {f"{folder}/{g(10).upper()}.txt": data})


def expected_slices() -> set[tuple[str, str, str]]:
    return {("Partenariat", s, "inconnu") for s in SNIPPETS}


def test_import_crlf_counted_as_two_characters(tmp_path: Path) -> None:
    """NVivo-style: positions are indices into the text file, CRLF counting two."""
    positions = [(RAW.index(s), RAW.index(s) + len(s)) for s in SNIPPETS]
    assert positions[-1][1] > len(RAW.replace("\r\n", "\n"))  # only fits the raw text
    project = read_qdpx(crlf_project(tmp_path, positions, folder="Sources"))
    assert project.sources[0].text == RAW  # BOM dropped, CRLF kept
    assert slices(project) == expected_slices()
    assert sorted((c.start, c.end) for c in project.codings) == sorted(positions)


def test_import_crlf_counted_as_one_character(tmp_path: Path) -> None:
    """ATLAS.ti-style: positions count CRLF as one character; returned offsets index the raw
    text."""
    norm = RAW.replace("\r\n", "\n")
    positions = []
    for s in SNIPPETS:
        n = s.replace("\r\n", "\n")
        positions.append((norm.index(n), norm.index(n) + len(n)))
    project = read_qdpx(crlf_project(tmp_path, positions))
    assert project.sources[0].text == RAW
    assert slices(project) == expected_slices()


def test_import_crlf_counted_as_one_character_short_of_the_end(tmp_path: Path) -> None:
    """No selection reaches the end of the text: the length rule cannot decide, the word
    boundaries do."""
    norm = RAW.replace("\r\n", "\n")
    snippets = ["les élus", "nous réunit", "la prévention", "Les ateliers mémoire"]
    positions = [(norm.index(s), norm.index(s) + len(s)) for s in snippets]
    project = read_qdpx(crlf_project(tmp_path, positions))
    assert {t for _, t, _ in slices(project)} == set(snippets)


def test_import_inline_text_with_crlf_counted_as_two(tmp_path: Path) -> None:
    """Inline PlainTextContent loses its CR (XML end-of-line handling) while the other tool
    counted CRLF as two: offsets are brought back onto the LF text."""
    positions = [(RAW.index(s), RAW.index(s) + len(s)) for s in SNIPPETS]
    codebook = f'<CodeBook><Codes><Code guid="{g(1)}" name="Partenariat" isCodable="true"/></Codes></CodeBook>'
    selections = "".join(selection(20 + i, s, e, 1) for i, (s, e) in enumerate(positions))
    body = (
        f'{codebook}<Sources><TextSource guid="{g(10)}" name="E07">'
        f"<PlainTextContent>{RAW}</PlainTextContent>{selections}</TextSource></Sources>"
    )
    project = read_qdpx(make_qdpx(tmp_path, project_xml(body)))
    assert project.sources[0].text == RAW.replace("\r\n", "\n")
    assert {t for _, t, _ in slices(project)} == {s.replace("\r\n", "\n") for s in SNIPPETS}


def test_import_utf16_offsets(tmp_path: Path) -> None:
    """NVivo counts characters outside the BMP (emoji) as two UTF-16 code units."""
    text = (
        "Bonjour 👋🏽 ! Le CLS 🤝 rassemble les partenaires.\nLa santé mentale 🧠 est un axe fort."
    )
    snippets = ["rassemble les partenaires", "La santé mentale", "est un axe fort."]

    def u16(i: int) -> int:
        return len(text[:i].encode("utf-16-le")) // 2

    codebook = (
        f'<CodeBook><Codes><Code guid="{g(1)}" name="Axes" isCodable="true"/></Codes></CodeBook>'
    )
    selections = "".join(
        selection(20 + i, u16(text.index(s)), u16(text.index(s) + len(s)), 1)
        for i, s in enumerate(snippets)
    )
    body = (
        f'{codebook}<Sources><TextSource guid="{g(10)}" name="E08" '
        f'plainTextPath="internal://{g(10)}.txt">{selections}</TextSource></Sources>'
    )
    path = make_qdpx(tmp_path, project_xml(body), {f"sources/{g(10)}.txt": text.encode()})
    project = read_qdpx(path)
    assert {t for _, t, _ in slices(project)} == set(snippets)


def test_import_cases_variables_and_nvivo_case_nodes(tmp_path: Path) -> None:
    text_a, text_b, text_c = "Premier entretien.", "Deuxième entretien.", "Troisième entretien."
    codebook = (
        "<CodeBook><Codes>"
        f'<Code guid="{g(1)}" name="Thème" isCodable="true"/>'
        f'<Code guid="{g(60)}" name="Cas P01" isCodable="true"/>'  # NVivo: a case as a code
        "</Codes></CodeBook>"
    )
    variables = (
        f'<Variables><Variable guid="{g(70)}" name="territoire" typeOfVariable="Text"/>'
        f'<Variable guid="{g(71)}" name="age" typeOfVariable="Integer"/></Variables>'
    )

    def value(var: int, tag: str, v: str) -> str:
        return (
            f'<VariableValue><VariableRef targetGUID="{g(var)}"/><{tag}>{v}</{tag}></VariableValue>'
        )

    cases = (
        f'<Cases><Case guid="{g(60)}" name="P01">{value(70, "TextValue", "Vitré")}'
        f'<SourceRef targetGUID="{g(10)}"/></Case>'
        f'<Case guid="{g(61)}" name="Groupe">{value(70, "TextValue", "Rennes")}'
        f'<SourceRef targetGUID="{g(11)}"/><SourceRef targetGUID="{g(12)}"/></Case></Cases>'
    )

    def source(n: int, name: str, text: str, extra: str = "") -> str:
        return (
            f'<TextSource guid="{g(n)}" name="{name}"><PlainTextContent>{text}</PlainTextContent>'
            f"{selection(n + 100, 0, 7, 1)}{selection(n + 200, 0, 7, 60)}{extra}</TextSource>"
        )

    sources = (
        "<Sources>"
        + source(10, "A.txt", text_a, value(71, "IntegerValue", "42"))
        + source(11, "B.txt", text_b)
        + source(12, "C.txt", text_c)
        + f'<PictureSource guid="{g(13)}" name="photo.png" path="internal://x.png"/>'
        + "</Sources>"
    )
    project = read_qdpx(make_qdpx(tmp_path, project_xml(codebook + variables + cases + sources)))
    assert [c.path for c in project.codes] == ["Thème"]
    assert [(s.id, s.name, s.variables) for s in project.sources] == [
        ("P01", "A.txt", {"territoire": "Vitré", "age": "42"}),
        ("B.txt", "B.txt", {"territoire": "Rennes"}),
        ("C.txt", "C.txt", {"territoire": "Rennes"}),
    ]
    assert [(c.source_id, c.code) for c in project.codings] == [
        ("P01", "Thème"),
        ("B.txt", "Thème"),
        ("C.txt", "Thème"),
    ]


def test_import_project_in_a_subfolder_with_macos_junk(tmp_path: Path) -> None:
    text = "Texte du dossier."
    body = (
        f'<CodeBook><Codes><Code guid="{g(1)}" name="Code" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{g(10)}" name="S" plainTextPath="internal://{g(10)}.txt">'
        f"{selection(20, 0, 5, 1)}</TextSource></Sources>"
    )
    path = make_qdpx(
        tmp_path,
        project_xml(body),
        {
            f"Projet/sources/{g(10)}.txt": text.encode(),
            "__MACOSX/Projet/._project.qde": b"\x00\x05",
        },
        qde_name="Projet/project.qde",
    )
    project = read_qdpx(path)
    assert slices(project) == {("Code", "Texte", "inconnu")}


# ---------------------------------------------------------------------------------------------
# Bad inputs
# ---------------------------------------------------------------------------------------------


def assert_french_error(err: pytest.ExceptionInfo[InputError], path: Path, fragment: str) -> None:
    message = str(err.value)
    assert message.startswith(str(path)), message
    assert fragment in message, message
    assert " ; " in message and "\n" not in message, message


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "projet.qdpx"
    path.write_text("ceci n'est pas une archive", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "archive REFI-QDA illisible")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="introuvable"):
        read_qdpx(tmp_path / "absent.qdpx")


def test_zip_without_qde(tmp_path: Path) -> None:
    path = tmp_path / "projet.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("sources/a.txt", "texte")
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "aucun fichier .qde")


def test_zip_with_two_qde(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path, project_xml(""), {"autre.qde": b"<Project/>"}, qde_name="un.qde")
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "plusieurs fichiers .qde")


def test_external_entity_is_refused_and_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-42", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
        f'<Project xmlns="{PROJECT_NS}" name="&e;"><Description>&e;</Description></Project>'
    )
    path = make_qdpx(tmp_path, xml)
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "entités")
    assert "SECRET" not in str(err.value)
    # The parser itself never substitutes the entity either.
    content_only = xml.replace(' name="&e;"', ' name="x"')
    doc = etree.fromstring(content_only.encode(), xmltools.secure_parser())
    assert "SECRET" not in etree.tostring(doc).decode()
    assert doc.findtext(f"{P}Description") in ("", None)


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE Project [{entities}]><Project xmlns="{PROJECT_NS}" name="&lol9;"/>'
    path = make_qdpx(tmp_path, xml)
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert time.perf_counter() - started < 2
    assert_french_error(err, path, "entités")


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    xml = f'<!DOCTYPE Project SYSTEM "http://example.invalid/p.dtd"><Project xmlns="{PROJECT_NS}" name="x"/>'
    path = make_qdpx(tmp_path, xml)
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "DTD externe")


def test_malformed_xml(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path, f'<Project xmlns="{PROJECT_NS}" name="x"><Users></Project>')
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "XML mal formé")
    assert "project.qde" in str(err.value)


def test_root_is_not_a_project(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path, f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes/></CodeBook>')
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "<Project>")


def one_source(text_member: dict[str, bytes], start: int = 0, end: int = 5, code: int = 1) -> str:
    return (
        f'<CodeBook><Codes><Code guid="{g(1)}" name="Code" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{g(10)}" name="Source A" plainTextPath="internal://{g(10)}.txt">'
        f"{selection(20, start, end, code)}</TextSource></Sources>"
    )


@pytest.mark.parametrize(
    ("files", "start", "end", "code", "fragment"),
    [
        ({}, 0, 5, 1, "n'est pas dans l'archive"),
        ({f"sources/{g(10)}.txt": "Télé".encode("latin-1")}, 0, 2, 1, "n'est pas en UTF-8"),
        ({f"sources/{g(10)}.txt": b"Court."}, 2, 40, 1, "sort du texte"),
        ({f"sources/{g(10)}.txt": b"Court."}, 0, 5, 7, "absent du livre de codes"),
    ],
)
def test_inconsistent_foreign_projects(
    tmp_path: Path, files: dict[str, bytes], start: int, end: int, code: int, fragment: str
) -> None:
    path = make_qdpx(tmp_path, project_xml(one_source(files, start, end, code)), files)
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, fragment)


def test_member_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"sources/{g(10)}.txt": b"x" * 5000}
    path = make_qdpx(tmp_path, project_xml(one_source(files)), files)
    monkeypatch.setattr(zipguard, "MAX_MEMBER_BYTES", 4000)
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "Mo une fois décompressé")
    assert f"sources/{g(10)}.txt" in str(err.value)
    monkeypatch.setattr(zipguard, "MAX_MEMBER_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(zipguard, "MAX_TOTAL_BYTES", 5500)
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert_french_error(err, path, "l'archive dépasse")

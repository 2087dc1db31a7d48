"""Lossless merge: ``coder projet.qdpx --sortie projet-code.qdpx`` keeps everything the project
held (compared element by element, and member by member in the archive) and adds the machine's
codings under a user of its own."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cloterres.io.qdpx import PROJECT_NS, read_qdpx, validate

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REAL = SHARED / "qda-real"
P = f"{{{PROJECT_NS}}}"

SPEECH = (
    "Q : Comment le contrat est-il piloté ?\n"
    "R : Le comité de pilotage du contrat local de santé se réunit deux fois par an avec "
    "l'ARS et les élus ; la coordinatrice prépare les décisions.\n"
    "Q : Et les partenaires ?\n"
    "R : Le centre social porte l'action sur la nutrition, la CPAM la finance en partie.\n"
)


def g(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def foreign_project(tmp_path: Path) -> Path:
    """A small project as another tool writes it: every kind of element REFI-QDA has."""
    pilot = SPEECH.index("Le comité de pilotage")
    centre = SPEECH.index("Le centre social")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NS}" name="Étude CLS" origin="QualCoder 3.8"
 creatingUserGUID="{g(1)}" creationDateTime="2024-05-02T10:00:00Z">
  <Users>
    <User guid="{g(1)}" name="Alice Martin"/>
    <User guid="{g(2)}" name="Bruno Lefèvre"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{g(10)}" name="Gouvernance" isCodable="false" color="#AA0000">
        <Description>Comment le CLS est gouverné.</Description>
        <Code guid="{g(11)}" name="Pilotage et portage politique" isCodable="true" color="#AA1111"/>
      </Code>
      <Code guid="{g(12)}" name="Thème inductif" isCodable="true" color="#00AA00">
        <Description>Un code du chercheur.</Description>
      </Code>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="{g(20)}" name="territoire" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="{g(30)}" name="E07">
      <VariableValue><VariableRef targetGUID="{g(20)}"/><TextValue>Redon</TextValue></VariableValue>
      <SourceRef targetGUID="{g(40)}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{g(40)}" name="E07 coordinatrice" plainTextPath="internal://{g(40)}.txt"
     richTextPath="internal://{g(40)}.docx" creatingUser="{g(1)}">
      <Description>Entretien de mai.</Description>
      <PlainTextSelection guid="{g(41)}" name="Le comité" startPosition="{pilot}"
       endPosition="{pilot + 40}" creatingUser="{g(1)}">
        <Coding guid="{g(42)}" creatingUser="{g(1)}"><CodeRef targetGUID="{g(11)}"/></Coding>
        <NoteRef targetGUID="{g(60)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(43)}" name="Le centre" startPosition="{centre}"
       endPosition="{centre + 30}" creatingUser="{g(2)}">
        <Coding guid="{g(44)}" creatingUser="{g(2)}"><CodeRef targetGUID="{g(12)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(45)}" name="Q :" startPosition="0" endPosition="3"
       creatingUser="{g(2)}">
        <Coding guid="{g(46)}" creatingUser="{g(2)}"><CodeRef targetGUID="{g(12)}"/></Coding>
      </PlainTextSelection>
      <NoteRef targetGUID="{g(61)}"/>
    </TextSource>
    <PictureSource guid="{g(50)}" name="Carte du territoire" path="internal://{g(50)}.png">
      <PictureSelection guid="{g(51)}" firstX="1" firstY="1" secondX="5" secondY="5">
        <Coding guid="{g(52)}" creatingUser="{g(2)}"><CodeRef targetGUID="{g(12)}"/></Coding>
      </PictureSelection>
    </PictureSource>
    <AudioSource guid="{g(53)}" name="Réunion" path="internal://{g(53)}.mp3">
      <Transcript guid="{g(54)}" name="Réunion (transcription)" plainTextPath="internal://{g(54)}.txt">
        <SyncPoint guid="{g(55)}" timeStamp="0" position="0"/>
      </Transcript>
    </AudioSource>
  </Sources>
  <Notes>
    <Note guid="{g(60)}" name="Mémo sur le pilotage" creatingUser="{g(1)}">
      <PlainTextContent>Le pilotage semble fragile.</PlainTextContent>
    </Note>
    <Note guid="{g(61)}" name="Mémo de l'entretien"><PlainTextContent>Bon accueil.</PlainTextContent></Note>
  </Notes>
  <Sets>
    <Set guid="{g(70)}" name="Entretiens de Redon"><MemberSource targetGUID="{g(40)}"/></Set>
    <Set guid="{g(13)}" name="Codes clés"><MemberCode targetGUID="{g(11)}"/></Set>
  </Sets>
  <Description>Projet de test.</Description>
  <NoteRef targetGUID="{g(60)}"/>
</Project>
"""
    path = tmp_path / "etude.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr(f"sources/{g(40)}.txt", SPEECH.encode("utf-8"))
        zf.writestr(f"sources/{g(40)}.docx", b"PK\x03\x04 rich text")
        zf.writestr(f"sources/{g(50)}.png", b"\x89PNG\r\n\x1a\n picture")
        zf.writestr(f"sources/{g(53)}.mp3", b"ID3 audio")
        zf.writestr(f"sources/{g(54)}.txt", "Transcription de la réunion.".encode())
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def qde_name(path: Path) -> str:
    return next(n for n in members(path) if n.lower().endswith(".qde"))


def added_user_guid(root: etree._Element, before: etree._Element) -> str:
    old = {u.get("guid") for u in before.iter(f"{P}User")}
    new = [u for u in root.iter(f"{P}User") if u.get("guid") not in old]
    assert len(new) == 1, "the merge adds exactly one user"
    assert new[0].get("name", "").startswith("cloterres")
    return new[0].get("guid") or ""


def strip_added(root: etree._Element, before: etree._Element) -> str:
    """Remove what the merge added (its user, its « cloterres » code, its selections) and
    return the added user's GUID."""
    user = added_user_guid(root, before)
    old_codes = {c.get("guid") for c in before.iter(f"{P}Code")}
    doomed = [u for u in root.iter(f"{P}User") if u.get("guid") == user]
    doomed += [
        c
        for c in root.iter(f"{P}Code")
        if c.get("guid") not in old_codes and c.getparent().tag == f"{P}Codes"
    ]
    doomed += [s for s in root.iter(f"{P}PlainTextSelection") if s.get("creatingUser") == user]
    for el in doomed:
        el.getparent().remove(el)
    # Containers the merge had to create (a project without users or codebook).
    for tag in ("Users", "CodeBook"):
        if before.find(f"{P}{tag}") is None:
            for el in root.findall(f"{P}{tag}"):
                root.remove(el)
    return user


def assert_same_tree(a: etree._Element, b: etree._Element, where: str = "") -> None:
    here = f"{where}/{etree.QName(a).localname if isinstance(a.tag, str) else a.tag}"
    assert a.tag == b.tag, here
    assert dict(a.attrib) == dict(b.attrib), here
    assert (a.text or "").strip() == (b.text or "").strip(), here
    kids_a = [c for c in a if isinstance(c.tag, str)]
    kids_b = [c for c in b if isinstance(c.tag, str)]
    assert len(kids_a) == len(kids_b), f"{here}: {len(kids_a)} != {len(kids_b)} children"
    for x, y in zip(kids_a, kids_b, strict=True):
        assert_same_tree(x, y, here)


def check_lossless(source: Path, merged: Path) -> tuple[etree._Element, str]:
    """Every member of the input archive is in the output, byte for byte (the .qde aside);
    every element of the input .qde is in the output's, unchanged. Returns the output root and
    the machine user's GUID."""
    before, after = members(source), members(merged)
    name = qde_name(source)
    assert list(after) == list(before)
    for member, data in before.items():
        if member != name:
            assert after[member] == data, member
    root_in = etree.fromstring(before[name])
    root_out = etree.fromstring(after[name])
    kept = etree.fromstring(after[name])
    user = strip_added(kept, root_in)
    assert_same_tree(root_in, kept)
    return root_out, user


def test_merge_keeps_everything_of_a_foreign_project(run_cli, tmp_path: Path) -> None:
    source = foreign_project(tmp_path)
    out = tmp_path / "etude-code.qdpx"
    code, _stdout, stderr = run_cli("coder", source, "--sortie", out, "--unite", "tour")
    assert code == 0, stderr
    assert "recopié en entier" in stderr
    root, user = check_lossless(source, out)

    # The machine's codings, on the project's own code where the names match.
    ours = [s for s in root.iter(f"{P}PlainTextSelection") if s.get("creatingUser") == user]
    assert ours
    refs = {r.get("targetGUID") for s in ours for r in s.iter(f"{P}CodeRef")}
    assert g(11) in refs  # « Pilotage et portage politique » = gouvernance.pilotage
    parent = [c for c in root.iter(f"{P}Code") if c.get("name") == "cloterres"]
    assert len(parent) == 1 and parent[0].getparent().tag == f"{P}Codes"
    assert not [
        c for c in parent[0].iter(f"{P}Code") if c.get("name") == "Pilotage et portage politique"
    ]
    # Our selections come after the project's, before the source's NoteRef (schema order).
    text_source = root.find(f"{P}Sources/{P}TextSource")
    tags = [etree.QName(c).localname for c in text_source]
    assert tags[0] == "Description" and tags[-1] == "NoteRef"

    # Read back: the people's codings and the machine's, each under its user.
    project = read_qdpx(out)
    coders = {c.coder for c in project.codings}
    assert coders == {"Alice Martin", "Bruno Lefèvre", "cloterres"}
    text = project.sources[0].text
    machine = [c for c in project.codings if c.coder == "cloterres"]
    assert any("comité de pilotage" in text[c.start : c.end] for c in machine)


def test_merge_output_is_schema_valid_and_merging_twice_adds_a_second_user(
    run_cli, tmp_path: Path
) -> None:
    schema = SHARED / "refi-qda" / "Project.xsd"
    if not schema.is_file():
        pytest.skip("../shared/refi-qda/Project.xsd absent")
    source = foreign_project(tmp_path)
    once, twice = tmp_path / "une.qdpx", tmp_path / "deux.qdpx"
    assert validate(members(source)["project.qde"], schema) == []
    assert run_cli("coder", source, "--sortie", once)[0] == 0
    errors = validate(members(once)["project.qde"], schema)
    assert errors == [], errors[:5]
    assert run_cli("coder", once, "--sortie", twice)[0] == 0
    check_lossless(once, twice)
    users = [
        u.get("name") for u in etree.fromstring(members(twice)["project.qde"]).iter(f"{P}User")
    ]
    assert users == ["Alice Martin", "Bruno Lefèvre", "cloterres", "cloterres (2)"]


def test_merge_refuses_pseudonymisation(run_cli, tmp_path: Path) -> None:
    source = foreign_project(tmp_path)
    code, _out, err = run_cli("coder", source, "--sortie", tmp_path / "x.qdpx", "--pseudonymiser")
    assert code == 2
    assert "pseudonymisation" in err and "Traceback" not in err
    assert not (tmp_path / "x.qdpx").exists()


REAL_PROJECTS = [
    "qc-cproctor/demo.qdpx",
    "qc-cproctor/nvivo_project.qdpx",
    "maxqda24-paper_themes/ICLS_Conf_Themes_just10.qdpx",
    "ponte-atlas/blank-atlas-project.qdpx",
    "ponte-atlas/target-atlas-project.qdpx",
]


@pytest.mark.parametrize("name", REAL_PROJECTS)
def test_merge_keeps_real_projects_whole(run_cli, tmp_path: Path, name: str) -> None:
    source = REAL / name
    if not source.is_file():
        pytest.skip(f"{source} absent : projets réels indisponibles sur cette machine")
    out = tmp_path / "code.qdpx"
    code, _stdout, stderr = run_cli("coder", source, "--sortie", out, "--unite", "tour")
    assert code == 0, stderr
    check_lossless(source, out)
    before, after = read_qdpx(source), read_qdpx(out)
    human = {(c.source_id, c.start, c.end, c.code, c.coder) for c in before.codings}
    kept = {(c.source_id, c.start, c.end, c.code, c.coder) for c in after.codings}
    assert human <= kept
    assert {c.path for c in before.codes} <= {c.path for c in after.codes}


def test_what_is_not_coded_is_said(run_cli, tmp_path: Path) -> None:
    source = foreign_project(tmp_path)
    code, _stdout, stderr = run_cli(
        "coder", source, "--sortie", tmp_path / "c.jsonl", "--unite", "tour"
    )
    assert code == 0, stderr
    text = " ".join(stderr.split())
    assert (
        "sources non textuelles, non codées et non repris : 1 image(s) (« Carte du territoire »)"
        in text
    )
    assert "1 source(s) audio (« Réunion »)" in text
    assert "2 note(s) ou mémo(s) non utilisé(e)s, non repris" in text
    assert "2 ensemble(s) non utilisé(e)s" in text
    assert "1 codage(s) sur 3 du projet n'atteignent aucune unité" in text
    assert "« Thème inductif » de Bruno Lefèvre sur « E07 » (0-3)" in text
    # Merged into a project, the same things are said to be kept
    code, _stdout, stderr = run_cli("coder", source, "--sortie", tmp_path / "c.qdpx")
    assert code == 0 and "gardé(e)s tel(le)s quel(le)s dans la sortie" in " ".join(stderr.split())


def test_an_empty_project_says_what_it_holds(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "vide.qdpx"
    qde = (
        f'<Project xmlns="{PROJECT_NS}" name="Vide"><Users><User guid="{g(1)}" name="Alice"/>'
        f'</Users><CodeBook><Codes><Code guid="{g(2)}" name="Thème" isCodable="true"/></Codes>'
        "</CodeBook></Project>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    code, _stdout, stderr = run_cli("coder", path, "--sortie", tmp_path / "c.jsonl")
    assert code == 2
    assert (
        "aucune source texte à coder ; le projet contient 0 source(s) texte, 1 code(s), "
        "0 codage(s), 1 utilisateur(s)" in " ".join(stderr.split())
    )


def test_added_selections_count_characters_as_the_project_does(tmp_path: Path) -> None:
    """A project whose tool counts CRLF as one character (ATLAS.ti): the machine's selections
    are written the same way, so both read back on the same words."""
    from cloterres.io.qdpx import QdaCode, QdaCoding, load_qdpx
    from cloterres.io.qdpx.merge import merge_qdpx

    text = "Q : Qui pilote ?\r\nR : Le comité de pilotage.\r\nQ : Et ensuite ?\r\nR : Les élus."
    norm = text.replace("\r\n", "\n")
    their = norm.index("Les élus")
    qde = (
        f'<Project xmlns="{PROJECT_NS}" name="A"><Users><User guid="{g(1)}" name="Ana"/></Users>'
        f'<CodeBook><Codes><Code guid="{g(2)}" name="Élus" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{g(3)}" name="E1" plainTextPath="internal://{g(3)}.txt">'
        f'<PlainTextSelection guid="{g(4)}" name="Les élus" startPosition="{their}" '
        f'endPosition="{their + 8}" creatingUser="{g(1)}"><Coding guid="{g(5)}" '
        f'creatingUser="{g(1)}"><CodeRef targetGUID="{g(2)}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources></Project>"
    )
    source = tmp_path / "a.qdpx"
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"sources/{g(3)}.txt", text.encode("utf-8"))
    loaded = load_qdpx(source)
    assert loaded.widths  # the CRLF-as-one reading was recognised
    start = text.index("Le comité de pilotage")
    coding = QdaCoding("E1", start, start + len("Le comité de pilotage"), "gouvernance.pilotage")
    out = tmp_path / "b.qdpx"
    merge_qdpx(
        loaded,
        out,
        [
            QdaCode("gouvernance", "Gouvernance"),
            QdaCode("gouvernance.pilotage", "Pilotage", parent="gouvernance"),
        ],
        [coding],
        match=lambda path: None,
    )
    check_lossless(source, out)
    root = etree.fromstring(members(out)["project.qde"])
    ours = [s for s in root.iter(f"{P}PlainTextSelection") if s.get("guid") != g(4)]
    assert int(ours[0].get("startPosition")) == norm.index("Le comité de pilotage")
    back = read_qdpx(out)
    texts = {(c.coder, back.sources[0].text[c.start : c.end]) for c in back.codings}
    assert texts == {("Ana", "Les élus"), ("cloterres", "Le comité de pilotage")}

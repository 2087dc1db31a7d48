"""REFI-QDA (QDA-XML 1.0) exchange: ``.qdpx`` projects and ``.qdc`` codebooks.

A ``.qdpx`` file is a ZIP archive holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, see ``shared/refi-qda/Project.xsd``) and a ``sources/`` folder with
the plain text of each transcript. NVivo, MAXQDA, ATLAS.ti and QualCoder read and write it.

Choices made where the standard is silent or where tools disagree:

- Positions (``startPosition`` / ``endPosition``) are counted in Unicode code points of the source
  text exactly as stored in ``sources/<guid>.txt``, i.e. Python ``str`` indices (end exclusive).
- QDA-XML 1.0 has no identifier for a code besides its GUID, so the code paths of cloterres
  ("theme.code") are kept in one project note (``Notes/Note`` named :data:`CODE_KEYS_NOTE`,
  "guid<TAB>path" per line); the reader uses it when present and otherwise builds the path from
  the chain of code names joined by ".".
- Each source gets one case named after the interview id, holding its variables (all of type
  ``Text``); the reader takes the source id from the case that references only this source.
- On import, the offsets of other tools are checked against the text: tools disagree on whether
  a CRLF line break counts as one or two characters (and NVivo counts characters outside the BMP
  as two UTF-16 units). Every reading that keeps all selections inside the text is scored (the
  selection name, when it repeats the coded text, then word boundaries); the raw code-point
  reading of the standard wins ties. A project last written by cloterres (its code-keys note is
  by the user named in ``Project@origin``) is read as written, without any guessing.
- Empty codings (start == end) code nothing and are not exported.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from cloterres.errors import InputError
from cloterres.io.archive import QDPX_LIMITS, ZipLimits, check_zip
from cloterres.io.files import atomic_path

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

#: Largest uncompressed ZIP member read on import, and largest total read from one archive.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024

#: Coder name of codings whose creating user is unknown.
UNKNOWN_CODER = "inconnu"

#: Name of the project note that maps code GUIDs to cloterres code paths.
CODE_KEYS_NOTE = "cloterres : identifiants des codes"
_CODE_KEYS_HEADER = (
    "Correspondance entre les codes et leurs identifiants cloterres "
    "(utilisée à la réimportation ; ne pas modifier)."
)

_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cloterres:refi-qda")
_PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
    "#393B79",
    "#AD494A",
)
_READ_CHUNK = 1024 * 1024
_SNIPPET_CHARS = 80
# Characters XML 1.0 cannot carry, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)
_SOURCE_KINDS = {
    "PictureSource": "image(s)",
    "AudioSource": "source(s) audio",
    "VideoSource": "vidéo(s)",
    "PDFSource": "PDF sans texte",
}
#: A source name written by cloterres: the interview id, an em dash, the file name.
ID_SEPARATOR = " — "
_ID_IN_NAME = re.compile(r"^([\w.\-]{1,60}) — .+$")
_KEY_LINE = re.compile(r"^\s*\{?([0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})\}?\t(.+)$")
_CRLF = re.compile("\r\n")
_LONE_LF = re.compile("(?<!\r)\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ELLIPSIS = re.compile(r"(\.\.\.|…)$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QdaCode:
    """A code of the codebook."""

    path: str  # "theme.code" or "theme" (a parent)
    name: str  # French label
    description: str = ""
    parent: str | None = None  # path of the parent code


@dataclass(frozen=True)
class QdaSource:
    """A transcript: ``text`` is exactly the coded text, offsets refer to it."""

    id: str  # interview id, e.g. "E01"
    name: str  # e.g. "E01-coordinatrice"
    text: str
    variables: dict[str, str] = field(default_factory=dict)  # case variables


@dataclass(frozen=True)
class QdaCoding:
    """A coded span: ``text[start:end]`` of the source (Python str indices, end exclusive)."""

    source_id: str
    start: int
    end: int
    code: str  # code path "theme.code"
    coder: str = "cloterres"


@dataclass(frozen=True)
class QdaProject:
    name: str
    codes: list[QdaCode]
    sources: list[QdaSource]
    codings: list[QdaCoding]
    # What a project read from a file holds besides (for warnings): sources that are not text,
    # as (type, name), and how many users, cases, notes and sets it has.
    skipped_sources: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def inventory(self) -> str:
        """What the project holds, in French, for messages."""
        kinds: dict[str, int] = {}
        for kind, _name in self.skipped_sources:
            kinds[kind] = kinds.get(kind, 0) + 1
        parts = [
            f"{len(self.sources)} source(s) texte",
            *(f"{n} {kind}" for kind, n in kinds.items()),
            f"{len(self.codes)} code(s)",
            f"{len(self.codings)} codage(s)",
            *(f"{n} {what}" for what, n in self.counts.items()),
        ]
        return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def write_qdpx(path: Path, project: QdaProject, *, origin: str = "cloterres") -> None:
    """Write ``project`` as a REFI-QDA project archive (atomic: temporary file, then rename)."""
    path = Path(path)
    label = str(path)
    now = datetime.now(UTC).replace(microsecond=0)
    qde, texts = _project_xml(project, origin, now, label)
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    _write_atomically(path, [("project.qde", qde), *texts], stamp)


def write_qdc(
    path: Path,
    codes: list[QdaCode],
    *,
    origin: str = "cloterres",
    project_name: str | None = None,
) -> None:
    """Write a REFI-QDA codebook (``.qdc``, root ``CodeBook`` in ``urn:QDA-XML:codebook:1.0``).

    The codes get the same GUIDs as in :func:`write_qdpx` when ``project_name`` is the name of
    the exported project; otherwise the GUIDs derive from ``origin``.
    """
    path = Path(path)
    label = str(path)
    scope = project_name if project_name is not None else origin
    root = etree.Element(_q(CODEBOOK_NS, "CodeBook"), nsmap={None: CODEBOOK_NS})
    root.set("origin", _xml_safe(origin, label, "le nom du logiciel d'origine"))
    _check_codes(codes, label)
    if not codes:
        raise InputError(
            f"{label} : le livre de codes est vide ; un fichier .qdc doit contenir au moins un code"
        )
    _append_codebook(root, CODEBOOK_NS, codes, scope, label)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"{label} : écriture impossible ({exc.strerror}) ; vérifiez le dossier"
        ) from None


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _guid(scope: str, kind: str, key: str) -> str:
    """A GUID that depends only on the project (scope), the kind of object and its key."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{scope}\x1f{kind}\x1f{key}"))


def _xml_safe(value: str, label: str, what: str) -> str:
    match = _XML_INVALID.search(value)
    if match:
        raise InputError(
            f"{label} : {what} contient un caractère interdit en XML "
            f"(U+{ord(match.group()):04X}) ; retirez-le puis relancez l'export"
        )
    return value


def _snippet(text: str) -> str:
    """Selection name: the start of the selected text on one line (XML-safe)."""
    return _XML_INVALID.sub("", _WHITESPACE.sub(" ", text))[:_SNIPPET_CHARS]


def _check_codes(codes: Sequence[QdaCode], label: str) -> None:
    paths: set[str] = set()
    for code in codes:
        if not code.path or any(c in code.path for c in "\t\r\n"):
            raise InputError(
                f"{label} : code « {code.path!r} » : identifiant vide ou sur plusieurs lignes ; "
                "corrigez la grille"
            )
        if code.path in paths:
            raise InputError(f"{label} : code « {code.path} » en double ; corrigez la grille")
        paths.add(code.path)
    by_path = {c.path: c for c in codes}
    for code in codes:
        seen = {code.path}
        parent = code.parent
        while parent is not None:
            if parent not in by_path:
                raise InputError(
                    f"{label} : le code « {code.path} » a pour parent « {parent} », absent du "
                    "livre de codes ; ajoutez ce code parent"
                )
            if parent in seen:
                raise InputError(
                    f"{label} : le code « {code.path} » est son propre ancêtre ; corrigez la grille"
                )
            seen.add(parent)
            parent = by_path[parent].parent


def _append_codebook(
    parent_el: etree._Element, ns: str, codes: Sequence[QdaCode], scope: str, label: str
) -> None:
    """Append ``Codes`` (nested ``Code`` elements) to ``parent_el``."""
    children: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        children.setdefault(code.parent, []).append(code)
    codes_el = etree.SubElement(parent_el, _q(ns, "Codes"))

    def add(container: etree._Element, code: QdaCode, color: str) -> None:
        el = etree.SubElement(container, _q(ns, "Code"))
        el.set("guid", _guid(scope, "code", code.path))
        el.set("name", _xml_safe(code.name, label, f"le nom du code « {code.path} »"))
        el.set("isCodable", "true")
        el.set("color", color)
        if code.description:
            desc = etree.SubElement(el, _q(ns, "Description"))
            desc.text = _xml_safe(
                code.description, label, f"la description du code « {code.path} »"
            )
        for child in children.get(code.path, []):
            add(el, child, color)

    for index, root_code in enumerate(children.get(None, [])):
        add(codes_el, root_code, _PALETTE[index % len(_PALETTE)])


def _project_xml(
    project: QdaProject, origin: str, now: datetime, label: str
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The ``project.qde`` XML and the ``sources/<guid>.txt`` members of the archive."""
    scope = project.name
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ns = PROJECT_NS

    def sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, _q(ns, tag))
        for key, value in attrs.items():
            el.set(key, value)
        return el

    _check_codes(project.codes, label)
    code_paths = {c.path for c in project.codes}
    sources_by_id: dict[str, QdaSource] = {}
    for source in project.sources:
        if source.id in sources_by_id:
            raise InputError(f"{label} : entretien « {source.id} » en double ; un id par entretien")
        sources_by_id[source.id] = source

    # Codings grouped by source, then by span (one PlainTextSelection per span).
    spans: dict[str, dict[tuple[int, int], list[QdaCoding]]] = {}
    coders: list[str] = [origin]
    for coding in project.codings:
        source = sources_by_id.get(coding.source_id)
        if source is None:
            raise InputError(
                f"{label} : un codage renvoie à l'entretien « {coding.source_id} », absent du projet"
            )
        if coding.code not in code_paths:
            raise InputError(
                f"{label} : un codage de « {coding.source_id} » renvoie au code « {coding.code} », "
                "absent du livre de codes ; ajoutez-le à la grille"
            )
        if coding.start == coding.end and 0 <= coding.start <= len(source.text):
            continue  # an empty selection codes nothing: REFI-QDA tools could not show it
        if not (0 <= coding.start < coding.end <= len(source.text)):
            raise InputError(
                f"{label} : codage « {coding.code} » de « {coding.source_id} » : positions "
                f"{coding.start}-{coding.end} hors du texte ({len(source.text)} caractères)"
            )
        spans.setdefault(coding.source_id, {}).setdefault((coding.start, coding.end), []).append(
            coding
        )
        if coding.coder not in coders:
            coders.append(coding.coder)

    root = etree.Element(_q(ns, "Project"), nsmap={None: ns})
    root.set("name", _xml_safe(project.name, label, "le nom du projet"))
    root.set("origin", _xml_safe(origin, label, "le nom du logiciel d'origine"))
    user_guids = {name: _guid(scope, "user", name) for name in coders}
    tool_user = user_guids[origin]
    root.set("creatingUserGUID", tool_user)
    root.set("creationDateTime", stamp)

    users_el = sub(root, "Users")
    for name, guid in user_guids.items():
        sub(users_el, "User", guid=guid, name=_xml_safe(name, label, "le nom du codeur"))

    if project.codes:
        _append_codebook(sub(root, "CodeBook"), ns, project.codes, scope, label)

    variable_names: list[str] = []
    for source in project.sources:
        for name in source.variables:
            if name not in variable_names:
                variable_names.append(name)
    variable_guids = {name: _guid(scope, "variable", name) for name in variable_names}
    if variable_names:
        variables_el = sub(root, "Variables")
        for name in variable_names:
            sub(
                variables_el,
                "Variable",
                guid=variable_guids[name],
                name=_xml_safe(name, label, "le nom d'une variable"),
                typeOfVariable="Text",
            )

    source_guids = {s.id: _guid(scope, "source", s.id) for s in project.sources}
    members: list[tuple[str, bytes]] = []
    if project.sources:
        cases_el = sub(root, "Cases")
        for source in project.sources:
            case = sub(
                cases_el,
                "Case",
                guid=_guid(scope, "case", source.id),
                name=_xml_safe(source.id, label, "l'id d'un entretien"),
            )
            for name in variable_names:
                if name not in source.variables:
                    continue
                value_el = sub(case, "VariableValue")
                sub(value_el, "VariableRef", targetGUID=variable_guids[name])
                text_value = sub(value_el, "TextValue")
                text_value.text = _xml_safe(
                    str(source.variables[name]),
                    label,
                    f"la variable « {name} » de l'entretien « {source.id} »",
                )
            sub(case, "SourceRef", targetGUID=source_guids[source.id])

        sources_el = sub(root, "Sources")
        for source in project.sources:
            guid = source_guids[source.id]
            try:
                data = source.text.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    f"{label} : le texte de l'entretien « {source.id} » contient des caractères "
                    "non représentables en UTF-8 ; corrigez la transcription"
                ) from None
            members.append((f"sources/{guid}.txt", data))
            text_el = sub(
                sources_el,
                "TextSource",
                guid=guid,
                name=_xml_safe(source.name, label, f"le nom de l'entretien « {source.id} »"),
                plainTextPath=f"internal://{guid}.txt",
                creatingUser=tool_user,
                creationDateTime=stamp,
            )
            for (start, end), codings in sorted(spans.get(source.id, {}).items()):
                key = f"{source.id}\x1f{start}\x1f{end}"
                selection = sub(
                    text_el,
                    "PlainTextSelection",
                    guid=_guid(scope, "selection", key),
                    name=_snippet(source.text[start:end]),
                    startPosition=str(start),
                    endPosition=str(end),
                    creatingUser=user_guids[codings[0].coder],
                    creationDateTime=stamp,
                )
                done: set[tuple[str, str]] = set()
                for coding in codings:
                    if (coding.code, coding.coder) in done:
                        continue
                    done.add((coding.code, coding.coder))
                    coding_el = sub(
                        selection,
                        "Coding",
                        guid=_guid(scope, "coding", f"{key}\x1f{coding.code}\x1f{coding.coder}"),
                        creatingUser=user_guids[coding.coder],
                        creationDateTime=stamp,
                    )
                    sub(coding_el, "CodeRef", targetGUID=_guid(scope, "code", coding.code))
            # The case variables again on the source: tools that drop cases (QualCoder) keep them.
            for name in variable_names:
                if name in source.variables:
                    value_el = sub(text_el, "VariableValue")
                    sub(value_el, "VariableRef", targetGUID=variable_guids[name])
                    sub(value_el, "TextValue").text = _xml_safe(
                        str(source.variables[name]),
                        label,
                        f"la variable « {name} » de l'entretien « {source.id} »",
                    )

    if project.codes:
        note_guid = _guid(scope, "note", "code-keys")
        notes_el = sub(root, "Notes")
        note = sub(
            notes_el,
            "Note",
            guid=note_guid,
            name=CODE_KEYS_NOTE,
            creatingUser=tool_user,
            creationDateTime=stamp,
        )
        content = sub(note, "PlainTextContent")
        lines = [_CODE_KEYS_HEADER]
        lines += [f"{_guid(scope, 'code', c.path)}\t{c.path}" for c in project.codes]
        content.text = _xml_safe("\n".join(lines), label, "un identifiant de code")
        sub(root, "NoteRef", targetGUID=note_guid)

    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return qde, members


def _write_atomically(
    path: Path,
    members: Iterable[tuple[str, bytes]],
    stamp: tuple[int, int, int, int, int, int],
) -> None:
    try:
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
    except OSError as exc:
        raise InputError(
            f"{path} : écriture impossible ({exc.strerror or exc}) ; vérifiez le dossier de sortie"
        ) from None


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def read_qdpx(path: Path) -> QdaProject:
    """Read a REFI-QDA project written by cloterres or by another tool.

    Offsets of the returned codings are Python indices into the returned source texts (which
    keep their CRLF line breaks). Raises :class:`InputError` (one French line) on any problem.
    """
    path = Path(path)
    with _open_zip(path) as zf:
        return _load(zf, path).project


@dataclass
class LoadedProject:
    """A project as read, with what a lossless rewrite needs: the ``.qde`` member, its parsed
    XML, every archive member in order (bytes as stored once decompressed) and the GUID of the
    source behind each source id."""

    project: QdaProject
    qde_name: str
    root: etree._Element
    members: list[tuple[zipfile.ZipInfo, bytes]]
    source_guids: dict[str, str]  # source id -> GUID as written in the project
    code_guids: dict[str, str]  # code path -> GUID as written in the project
    users: dict[str, str]  # user GUID (normalised) -> name
    # Source id -> (index, width) of the characters the project's tool does not count as one
    # (CRLF as one, LF as two, UTF-16 units), read from its selections; absent: the standard.
    widths: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def position(self, source_id: str, index: int) -> int:
        """A str index as the project's tool counts it, for a selection added to the source."""
        return index + sum(w - 1 for i, w in self.widths.get(source_id, []) if i < index)


def _open_zip(path: Path) -> zipfile.ZipFile:
    label = str(path)
    if not path.exists():
        raise InputError(f"{label} : fichier introuvable ; vérifiez le chemin")
    if path.is_dir():
        raise InputError(f"{label} : est un dossier ; donnez le fichier .qdpx exporté")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(
            f"{label} : archive REFI-QDA illisible (ce n'est pas une archive ZIP valide) ; "
            "exportez à nouveau le projet depuis votre logiciel"
        ) from None
    except OSError as exc:
        raise InputError(f"{label} : lecture impossible ({exc.strerror or exc})") from None
    except (ValueError, NotImplementedError, EOFError) as exc:
        raise InputError(
            f"{label} : archive REFI-QDA illisible ({exc}) ; "
            "exportez à nouveau le projet depuis votre logiciel"
        ) from None


def _load(zf: zipfile.ZipFile, path: Path, *, keep_members: bool = False) -> LoadedProject:
    label = str(path)
    check_zip(
        path,
        ZipLimits(
            QDPX_LIMITS.kind,
            members=QDPX_LIMITS.members,
            member_bytes=MAX_MEMBER_BYTES,
            total_bytes=MAX_TOTAL_BYTES,
        ),
    )
    archive = _Archive(zf, label)
    qde = archive.find_qde()
    root = _parse_xml(archive.read(qde), f"{label} ({qde.filename})")
    base = posixpath.dirname(_norm_member(qde.filename))
    reader = _Reader(archive, label, f"{base}/" if base else "")
    project = reader.project(root, path.stem)
    members: list[tuple[zipfile.ZipInfo, bytes]] = []
    if keep_members:
        archive.total = 0
        for info in zf.infolist():
            members.append((info, b"" if info.is_dir() else archive.read(info)))
    code_guids = {p: g for g, p in reader.code_guid_as_written.items()}
    return LoadedProject(
        project,
        qde.filename,
        root,
        members,
        reader.source_guids,
        code_guids,
        reader.users,
        reader.source_widths,
    )


def load_qdpx(path: Path) -> LoadedProject:
    """Read a project and keep every member of its archive, for a lossless rewrite."""
    path = Path(path)
    with _open_zip(path) as zf:
        return _load(zf, path, keep_members=True)


def validate(xml_bytes: bytes, schema_path: Path) -> list[str]:
    """Schema errors of ``xml_bytes`` against the XSD at ``schema_path`` ([] when valid)."""
    schema = _load_schema(str(Path(schema_path).resolve()))
    try:
        doc = etree.fromstring(xml_bytes, _secure_parser())
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    if schema.validate(doc):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@lru_cache(maxsize=4)
def _load_schema(schema_path: str) -> etree.XMLSchema:
    try:
        data = Path(schema_path).read_bytes()
        return etree.XMLSchema(etree.fromstring(data, _secure_parser()))
    except OSError as exc:
        raise InputError(f"{schema_path} : schéma illisible ({exc.strerror or exc})") from None
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise InputError(f"{schema_path} : schéma XSD invalide ({exc})") from None


def _secure_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_ENTITY_MARKERS = tuple("<!ENTITY".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _parse_xml(data: bytes, label: str) -> etree._Element:
    """Parse untrusted XML: no entities, no DTD, no network, default size limits."""
    if any(m in data for m in _DOCTYPE_MARKERS) and any(m in data for m in _ENTITY_MARKERS):
        raise InputError(
            f"{label} : le XML déclare des entités (DOCTYPE avec ENTITY), refusées par sécurité ; "
            "exportez à nouveau le projet depuis votre logiciel sans le modifier"
        )
    try:
        root = etree.fromstring(data, _secure_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"{label} : XML mal formé (ligne {exc.lineno} : {exc.msg}) ; "
            "exportez à nouveau le projet depuis votre logiciel"
        ) from None
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(
            f"{label} : le XML déclare des entités (DOCTYPE avec ENTITY), refusées par sécurité ; "
            "exportez à nouveau le projet depuis votre logiciel sans le modifier"
        )
    if docinfo.system_url or docinfo.public_id:
        raise InputError(
            f"{label} : le XML renvoie à une DTD externe, refusée par sécurité ; "
            "exportez à nouveau le projet depuis votre logiciel sans le modifier"
        )
    return root


def _norm_member(name: str) -> str:
    """A ZIP member name as a clean relative POSIX path ("" for the archive root)."""
    cleaned = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
    return "" if cleaned == "." else cleaned


def _is_junk(name: str) -> bool:
    """macOS resource forks and folders that archivers add ("__MACOSX/", "._x")."""
    norm = _norm_member(name)
    return norm.startswith("__MACOSX/") or PurePosixPath(norm).name.startswith("._")


class _Archive:
    """Bounded reads from a REFI-QDA ZIP archive."""

    def __init__(self, zf: zipfile.ZipFile, label: str) -> None:
        self.zf = zf
        self.label = label
        self.total = 0
        self.members = [i for i in zf.infolist() if not i.is_dir() and not _is_junk(i.filename)]
        self.by_lower: dict[str, zipfile.ZipInfo] = {}
        for info in self.members:
            self.by_lower.setdefault(_norm_member(info.filename).lower(), info)

    def find_qde(self) -> zipfile.ZipInfo:
        qdes = [i for i in self.members if i.filename.lower().endswith(".qde")]
        if len(qdes) == 1:
            return qdes[0]
        if not qdes:
            raise InputError(
                f"{self.label} : aucun fichier .qde dans l'archive, ce n'est pas un projet "
                "REFI-QDA ; exportez le projet au format REFI-QDA (.qdpx) depuis votre logiciel"
            )
        named = [i for i in qdes if PurePosixPath(i.filename).name.lower() == "project.qde"]
        if len(named) == 1:
            return named[0]
        names = ", ".join(i.filename for i in qdes)
        raise InputError(
            f"{self.label} : plusieurs fichiers .qde dans l'archive ({names}) ; "
            "exportez un seul projet par fichier .qdpx"
        )

    def lookup(self, candidates: Iterable[str]) -> zipfile.ZipInfo | None:
        for candidate in candidates:
            info = self.by_lower.get(_norm_member(candidate).lower())
            if info is not None:
                return info
        return None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        label = f"{self.label} ({info.filename})"
        member_mb = MAX_MEMBER_BYTES // (1024 * 1024)
        total_mb = MAX_TOTAL_BYTES // (1024 * 1024)
        too_big = (
            f"{label} : fichier de plus de {member_mb} Mo une fois décompressé, refusé par "
            "prudence ; exportez le projet sans ce fichier ou découpez la source"
        )
        too_much = (
            f"{self.label} : l'archive dépasse {total_mb} Mo une fois décompressée, refusée par "
            "prudence ; exportez un projet plus petit"
        )
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(too_big)
        if self.total + info.file_size > MAX_TOTAL_BYTES:
            raise InputError(too_much)
        # The declared size may lie: count what is actually decompressed.
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.total)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(min(_READ_CHUNK, limit + 1 - size)):
                    size += len(chunk)
                    if size > limit:
                        raise InputError(too_big if limit == MAX_MEMBER_BYTES else too_much)
                    chunks.append(chunk)
        except InputError:
            raise
        except RuntimeError:  # encrypted member
            raise InputError(
                f"{label} : fichier chiffré (mot de passe) ; exportez le projet sans chiffrement"
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise InputError(
                f"{label} : archive REFI-QDA illisible ({exc}) ; "
                "exportez à nouveau le projet depuis votre logiciel"
            ) from None
        self.total += size
        return b"".join(chunks)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el: etree._Element | None, name: str) -> list[etree._Element]:
    """Child elements with this local name, whatever their namespace."""
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _kid(el: etree._Element | None, name: str) -> etree._Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _norm_guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _decode_text(data: bytes, label: str, *, keep_bom: bool = False) -> str:
    """Source text: UTF-8 (BOM dropped unless ``keep_bom``) or UTF-16 with a BOM."""
    encoding = "utf-8"
    if keep_bom:
        pass  # written by cloterres: a leading U+FEFF is part of the coded text
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label} : texte qui n'est pas en {encoding.upper()} (octet invalide en position "
            f"{exc.start}) ; enregistrez la source en UTF-8 puis exportez à nouveau le projet"
        ) from None
    return text if keep_bom else text.removeprefix("\ufeff")


@dataclass
class _Case:
    name: str
    values: dict[str, str]
    sources: list[str]


@dataclass
class _Span:
    start: int
    end: int
    code: str
    coder: str
    name: str  # the selection's name (often the beginning of the coded text)


class _Reader:
    def __init__(self, archive: _Archive, label: str, base: str) -> None:
        self.archive = archive
        self.label = label
        self.base = base  # folder of the .qde inside the archive ("" or "x/")
        self.users: dict[str, str] = {}  # user GUID -> name
        self.variables: dict[str, str] = {}  # variable GUID -> name
        self.code_paths: dict[str, str] = {}  # code GUID -> path
        self.case_guids: set[str] = set()
        self.trusted = False  # positions written by cloterres: no guessing
        self.source_guids: dict[str, str] = {}  # source id -> GUID as written
        self.code_guid_as_written: dict[str, str] = {}  # GUID as written -> code path
        # Source name -> how the project's tool counts characters there (see _conventions),
        # when it is not the standard's one code point each.
        self.conventions: dict[str, list[tuple[int, int]]] = {}
        self.source_widths: dict[str, list[tuple[int, int]]] = {}  # by source id

    def project(self, root: etree._Element, default_name: str) -> QdaProject:
        if _local(root) != "Project":
            raise InputError(
                f"{self.label} : l'élément racine est <{_local(root)}> et non <Project>, ce "
                "n'est pas un projet REFI-QDA ; exportez-le à nouveau depuis votre logiciel"
            )
        self.users = {
            _norm_guid(u.get("guid")): u.get("name") or u.get("id") or UNKNOWN_CODER
            for u in _kids(_kid(root, "Users"), "User")
        }
        self.variables = {
            _norm_guid(v.get("guid")): v.get("name") or _norm_guid(v.get("guid"))
            for v in _kids(_kid(root, "Variables"), "Variable")
        }
        cases: dict[str, _Case] = {}
        for case in _kids(_kid(root, "Cases"), "Case"):
            cases[_norm_guid(case.get("guid"))] = _Case(
                name=(case.get("name") or "").strip(),
                values=dict(self._values(case)),
                sources=[_norm_guid(r.get("targetGUID")) for r in _kids(case, "SourceRef")],
            )
        self.case_guids = set(cases)
        codes, self.code_paths = self._codes(root, self._code_keys(root))

        sources: list[QdaSource] = []
        codings: list[QdaCoding] = []
        skipped: list[tuple[str, str]] = []
        used_ids: set[str] = set()
        sources_el = _kid(root, "Sources")
        for outer in sources_el.iterchildren("*") if sources_el is not None else ():
            kind = _local(outer)
            # A PDF source carries its text as a TextSource-like Representation.
            text_el = outer if kind == "TextSource" else _kid(outer, "Representation")
            if kind not in ("TextSource", "PDFSource") or text_el is None:
                # pictures, audio, video (and PDFs without text): nothing to read as text
                skipped.append((_SOURCE_KINDS.get(kind, kind), outer.get("name") or ""))
                continue
            guid = _norm_guid(outer.get("guid"))
            name = outer.get("name") or text_el.get("name") or guid
            text = self._text(text_el, name)
            source_id = self._source_id(guid, name, cases)
            if source_id == name:  # no case names it (QualCoder drops them): its « id: » line
                from cloterres.interviews.transcripts import transcript_metadata

                header_id = transcript_metadata(text, f"{self.label}, {name}")[0].get("id", "")
                source_id = header_id.strip() or name
            source_id = _unique(source_id, used_ids, "-{n}")
            self.source_guids[source_id] = outer.get("guid") or ""
            values: dict[str, str] = {}
            for case in cases.values():
                if guid in case.sources:
                    for key, value in case.values.items():
                        values.setdefault(key, value)
            values.update(self._values(outer))
            sources.append(QdaSource(id=source_id, name=name, text=text, variables=values))
            for start, end, code, coder in self._codings(text_el, text, name):
                codings.append(QdaCoding(source_id, start, end, code, coder))
            if name in self.conventions:
                self.source_widths[source_id] = self.conventions.pop(name)
        notes = [n for n in _kids(_kid(root, "Notes"), "Note") if n.get("name") != CODE_KEYS_NOTE]
        counts = {
            "utilisateur(s)": len(self.users),
            "cas": len(cases),
            "note(s) ou mémo(s)": len(notes),
            "ensemble(s)": len(_kids(_kid(root, "Sets"), "Set")),
        }
        return QdaProject(
            name=root.get("name") or default_name,
            codes=codes,
            sources=sources,
            codings=codings,
            skipped_sources=skipped,
            counts=counts,
        )

    # -- codebook ---------------------------------------------------------------------------

    def _code_keys(self, root: etree._Element) -> dict[str, str]:
        """GUID -> code path from the cloterres note, if the project has one.

        When the project was last written by the tool that wrote the note (``origin`` is the
        note's creating user), its positions are Python indices: they are not second-guessed.
        """
        keys: dict[str, str] = {}
        for note in _kids(_kid(root, "Notes"), "Note"):
            if note.get("name") != CODE_KEYS_NOTE:
                continue
            author = self.users.get(_norm_guid(note.get("creatingUser")))
            self.trusted = bool(author) and author == root.get("origin")
            content = _kid(note, "PlainTextContent")
            for line in ((content.text or "") if content is not None else "").splitlines():
                match = _KEY_LINE.match(line)
                if match and match.group(2) not in keys.values():
                    keys.setdefault(_norm_guid(match.group(1)), match.group(2))
        return keys

    def _codes(
        self, root: etree._Element, keys: dict[str, str]
    ) -> tuple[list[QdaCode], dict[str, str]]:
        codes: list[QdaCode] = []
        paths: dict[str, str] = {}
        used: set[str] = set()

        def visit(el: etree._Element, parent: str | None) -> None:
            guid = _norm_guid(el.get("guid"))
            name = el.get("name") or ""
            if guid in self.case_guids:
                # NVivo exports cases as codes too (same GUID): not a code of the codebook.
                for child in _kids(el, "Code"):
                    visit(child, parent)
                return
            if not guid:
                raise InputError(
                    f"{self.label} : le code « {name} » n'a pas de guid ; "
                    "exportez à nouveau le projet depuis votre logiciel"
                )
            if guid in paths:
                raise InputError(
                    f"{self.label} : le guid {guid} est porté par deux codes ; "
                    "exportez à nouveau le projet depuis votre logiciel"
                )
            path = keys.get(guid) or (name if parent is None else f"{parent}.{name}")
            path = _unique(path, used, " ({n})")
            paths[guid] = path
            self.code_guid_as_written[el.get("guid") or ""] = path
            description = _kid(el, "Description")
            text = description.text if description is not None else None
            codes.append(QdaCode(path=path, name=name, description=text or "", parent=parent))
            for child in _kids(el, "Code"):
                visit(child, path)

        for code in _kids(_kid(_kid(root, "CodeBook"), "Codes"), "Code"):
            visit(code, None)
        return codes, paths

    # -- sources ----------------------------------------------------------------------------

    def _values(self, el: etree._Element) -> Iterator[tuple[str, str]]:
        for value_el in _kids(el, "VariableValue"):
            ref = _kid(value_el, "VariableRef")
            if ref is None:
                continue
            guid = _norm_guid(ref.get("targetGUID"))
            name = self.variables.get(guid, guid)
            value = ""
            for tag in _VALUE_TAGS:
                found = _kid(value_el, tag)
                if found is not None:
                    value = found.text or ""
                    break
            yield name, value

    @staticmethod
    def _source_id(guid: str, name: str, cases: dict[str, _Case]) -> str:
        """The name of the case made of this source alone, else the interview id that cloterres
        puts at the head of the source name (« E07 — entretien-maire »), else the name."""
        owners = [c for c in cases.values() if guid in c.sources]
        if len(owners) == 1 and len(set(owners[0].sources)) == 1 and owners[0].name:
            return owners[0].name
        if not owners:
            m = _ID_IN_NAME.match(name)
            if m:
                return m.group(1)
        return name

    def _text(self, el: etree._Element, name: str) -> str:
        content = _kid(el, "PlainTextContent")
        reference = (el.get("plainTextPath") or "").strip()
        if reference:
            info = self.archive.lookup(self._candidates(reference))
            if info is not None:
                data = self.archive.read(info)
                return _decode_text(data, f"{self.label} ({info.filename})", keep_bom=self.trusted)
            if content is None:
                raise InputError(
                    f"{self.label} : le texte de la source « {name} » ({reference}) n'est pas "
                    "dans l'archive ; exportez à nouveau le projet en y incluant les sources"
                )
        if content is None:
            raise InputError(
                f"{self.label} : la source « {name} » n'a pas de texte brut (ni plainTextPath ni "
                "PlainTextContent) ; exportez-la à nouveau comme texte"
            )
        # XML parsers turn CRLF into LF here: offsets are checked against that text below.
        return (content.text or "").removeprefix("\ufeff")

    def _candidates(self, reference: str) -> list[str]:
        scheme, sep, rest = reference.partition("://")
        if not sep:
            scheme, rest = "internal", reference
        rest = unquote(rest).replace("\\", "/").lstrip("/")
        if scheme.lower() != "internal":
            # External file (relative://, absolute://): use a copy shipped in sources/, if any.
            rest = PurePosixPath(rest).name
        base = self.base
        return [f"{base}sources/{rest}", f"sources/{rest}", f"{base}{rest}", rest]

    def _codings(
        self, el: etree._Element, text: str, source_name: str
    ) -> list[tuple[int, int, str, str]]:
        spans: list[_Span] = []
        for selection in _kids(el, "PlainTextSelection"):
            try:
                start = int(selection.get("startPosition", ""))
                end = int(selection.get("endPosition", ""))
            except ValueError:
                raise InputError(
                    f"{self.label} : une sélection de la source « {source_name} » a des positions "
                    "non entières ; exportez à nouveau le projet depuis votre logiciel"
                ) from None
            if start < 0 or end < start:
                raise InputError(
                    f"{self.label} : sélection {start}-{end} de la source « {source_name} » : "
                    "positions invalides ; exportez à nouveau le projet depuis votre logiciel"
                )
            default = selection.get("creatingUser")
            for code, coder in self._refs(selection, default):
                spans.append(_Span(start, end, code, coder, selection.get("name") or ""))
        chosen: list[list[tuple[int, int]]] = []
        mapped = _map_spans(text, spans, guess=not self.trusted, chosen=chosen)
        if chosen and chosen[0]:
            self.conventions[source_name] = chosen[0]
        if mapped is None:
            bad = next((s for s in spans if s.end > len(text)), spans[0])
            raise InputError(
                f"{self.label} : la sélection {bad.start}-{bad.end} de la source « {source_name} » sort du texte "
                f"({len(text)} caractères) ; vérifiez le projet dans votre logiciel puis "
                "exportez-le à nouveau"
            )
        result = [(s, e, span.code, span.coder) for (s, e), span in zip(mapped, spans, strict=True)]
        # A Coding directly on the source codes the whole text.
        for code, coder in self._refs(el, el.get("creatingUser")):
            result.append((0, len(text), code, coder))
        return result

    def _refs(self, el: etree._Element, default_user: str | None) -> Iterator[tuple[str, str]]:
        """(code path, coder) of each Coding/CodeRef directly under ``el``."""
        for coding in _kids(el, "Coding"):
            user = _norm_guid(coding.get("creatingUser") or default_user)
            coder = self.users.get(user, UNKNOWN_CODER) if user else UNKNOWN_CODER
            for ref in _kids(coding, "CodeRef"):
                target = _norm_guid(ref.get("targetGUID"))
                if target in self.code_paths:
                    yield self.code_paths[target], coder
                elif target not in self.case_guids:  # NVivo codes case membership too
                    raise InputError(
                        f"{self.label} : un codage renvoie au code {target}, absent du livre de "
                        "codes ; exportez à nouveau le projet depuis votre logiciel"
                    )


def _unique(value: str, used: set[str], pattern: str) -> str:
    candidate, n = value, 1
    while candidate in used:
        n += 1
        candidate = value + pattern.format(n=n)
    used.add(candidate)
    return candidate


# ---------------------------------------------------------------------------------------------
# Offsets of other tools
# ---------------------------------------------------------------------------------------------


def _conventions(text: str) -> list[list[tuple[int, int]]]:
    """Ways of counting ``text`` other tools use, as sorted (index, width) of the characters
    that do not count one; the raw code-point count (the standard) comes first."""
    line_breaks: list[list[tuple[int, int]]] = [[]]
    crlf = [(m.start(), 0) for m in _CRLF.finditer(text)]  # CRLF counted as one
    if crlf:
        line_breaks.append(crlf)
    lone_lf = [(m.start(), 2) for m in _LONE_LF.finditer(text)]  # LF counted as CRLF
    if lone_lf:
        line_breaks.append(lone_lf)
    astral = [(m.start(), 2) for m in _ASTRAL.finditer(text)]  # UTF-16 code units
    result = list(line_breaks)
    if astral:
        result += [sorted(widths + astral) for widths in line_breaks]
    return result


def _to_indices(
    length: int, widths: list[tuple[int, int]], targets: Iterable[int]
) -> dict[int, int | None]:
    """Map positions counted with ``widths`` to str indices (None: inside a character or past
    the end). Positions on a zero-width character map to the index before it."""
    result: dict[int, int | None] = {}
    k, index, count = 0, 0, 0  # count = position of str index ``index``
    for target in sorted(set(targets)):
        while True:
            if target < count:
                result[target] = None
                break
            if k == len(widths) or target <= count + (widths[k][0] - index):
                found = index + (target - count)
                result[target] = found if found <= length else None
                break
            special, width = widths[k]
            count += special - index + width
            index = special + 1
            k += 1
    return result


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _name_hits(name: str, text: str, start: int, end: int) -> tuple[int, int, int]:
    """Does the selection name repeat the beginning of the selected text: as is (ellipsis
    dropped), with whitespace runs as one space, with whitespace collapsed and trimmed?"""
    exact = _ELLIPSIS.sub("", name)
    if len(exact.strip()) < 3:
        return 0, 0, 0
    if text.startswith(exact, start) and end - start >= len(exact):
        return 1, 1, 1
    head = text[start : min(end, start + 4 * len(exact) + 64)]
    runs = _WHITESPACE.sub(" ", head).startswith(_WHITESPACE.sub(" ", exact))
    trimmed = _collapse(head).startswith(_collapse(exact))
    return 0, int(runs), int(trimmed)


def _boundary(text: str, i: int) -> bool:
    return i in (0, len(text)) or text[i - 1].isalnum() != text[i].isalnum()


def _splits_crlf(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n"


def _map_spans(
    text: str,
    spans: Sequence[_Span],
    *,
    guess: bool = True,
    chosen: list[list[tuple[int, int]]] | None = None,
) -> list[tuple[int, int]] | None:
    """Selections as str indices into ``text``, read with the best fitting convention (only
    the raw code-point reading when ``guess`` is false); None when no reading fits the text.

    Readings are compared on selection names that repeat the text (exactly, then with looser
    whitespace), then on word boundaries (a CRLF split in two counts against); the first
    reading (the standard's) wins ties."""
    if not spans:
        return []
    targets = {s.start for s in spans} | {s.end for s in spans}
    best: tuple[tuple[int, ...], list[tuple[int, int]]] | None = None
    for widths in _conventions(text) if guess else [[]]:
        mapping = _to_indices(len(text), widths, targets)
        mapped: list[tuple[int, int]] = []
        for span in spans:
            start, end = mapping[span.start], mapping[span.end]
            if start is None or end is None:
                break  # this selection falls outside the text or inside a character
            mapped.append((start, end))
        else:
            hits = [0, 0, 0]
            edges = 0
            for (start, end), span in zip(mapped, spans, strict=True):
                for level, hit in enumerate(_name_hits(span.name, text, start, end)):
                    hits[level] += hit
                edges += _boundary(text, start) + _boundary(text, end)
                edges -= 2 * (_splits_crlf(text, start) + _splits_crlf(text, end))
            score = (*hits, edges)
            if best is None or score > best[0]:
                best = (score, mapped)
                if chosen is not None:
                    chosen[:] = [widths]
    return best[1] if best is not None else None

"""Export to REFI-QDA: a project archive (``.qdpx``) or a codebook (``.qdc``).

GUIDs depend only on the project name and the object (see :func:`make_guid`), so the same
project written twice gives the same GUIDs; positions are Python ``str`` indices.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from cloterres.errors import InputError
from cloterres.io.files import atomic_path
from cloterres.io.qdpx.model import (
    CODE_KEYS_NOTE,
    CODEBOOK_NS,
    PROJECT_NS,
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSource,
)
from cloterres.io.qdpx.xmltools import make_guid, qname, snippet, xml_safe

_CODE_KEYS_HEADER = (
    "Correspondance entre les codes et leurs identifiants cloterres "
    "(utilisée à la réimportation ; ne pas modifier)."
)
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

# Codings of one source grouped by span: (start, end) -> codings (one PlainTextSelection each).
_Spans = dict[tuple[int, int], list[QdaCoding]]


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
    root = etree.Element(qname(CODEBOOK_NS, "CodeBook"), nsmap={None: CODEBOOK_NS})
    root.set("origin", xml_safe(origin, label, "le nom du logiciel d'origine"))
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
    codes_el = etree.SubElement(parent_el, qname(ns, "Codes"))

    def add(container: etree._Element, code: QdaCode, color: str) -> None:
        el = etree.SubElement(container, qname(ns, "Code"))
        el.set("guid", make_guid(scope, "code", code.path))
        el.set("name", xml_safe(code.name, label, f"le nom du code « {code.path} »"))
        el.set("isCodable", "true")
        el.set("color", color)
        if code.description:
            desc = etree.SubElement(el, qname(ns, "Description"))
            desc.text = xml_safe(code.description, label, f"la description du code « {code.path} »")
        for child in children.get(code.path, []):
            add(el, child, color)

    for index, root_code in enumerate(children.get(None, [])):
        add(codes_el, root_code, _PALETTE[index % len(_PALETTE)])


# -- project.qde --------------------------------------------------------------------------------


@dataclass
class _ProjectXml:
    """What every part of ``project.qde`` needs: the project scope of GUIDs, the time stamp,
    the file name for messages, the GUIDs of users, variables and sources."""

    scope: str
    stamp: str
    label: str
    user_guids: dict[str, str]
    variable_names: list[str]
    variable_guids: dict[str, str]
    source_guids: dict[str, str]

    def sub(self, parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, qname(PROJECT_NS, tag))
        for key, value in attrs.items():
            el.set(key, value)
        return el

    def guid(self, kind: str, key: str) -> str:
        return make_guid(self.scope, kind, key)


def _project_xml(
    project: QdaProject, origin: str, now: datetime, label: str
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The ``project.qde`` XML and the ``sources/<guid>.txt`` members of the archive."""
    scope = project.name
    _check_codes(project.codes, label)
    spans, coders = _group_codings(project, origin, label)

    ns = PROJECT_NS
    root = etree.Element(qname(ns, "Project"), nsmap={None: ns})
    root.set("name", xml_safe(project.name, label, "le nom du projet"))
    root.set("origin", xml_safe(origin, label, "le nom du logiciel d'origine"))
    variable_names: list[str] = []
    for source in project.sources:
        for name in source.variables:
            if name not in variable_names:
                variable_names.append(name)
    out = _ProjectXml(
        scope=scope,
        stamp=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        label=label,
        user_guids={name: make_guid(scope, "user", name) for name in coders},
        variable_names=variable_names,
        variable_guids={name: make_guid(scope, "variable", name) for name in variable_names},
        source_guids={s.id: make_guid(scope, "source", s.id) for s in project.sources},
    )
    tool_user = out.user_guids[origin]
    root.set("creatingUserGUID", tool_user)
    root.set("creationDateTime", out.stamp)

    users_el = out.sub(root, "Users")
    for name, guid in out.user_guids.items():
        out.sub(users_el, "User", guid=guid, name=xml_safe(name, label, "le nom du codeur"))
    if project.codes:
        _append_codebook(out.sub(root, "CodeBook"), ns, project.codes, scope, label)
    if variable_names:
        _append_variables(out, root)
    members: list[tuple[str, bytes]] = []
    if project.sources:
        _append_cases(out, root, project.sources)
        sources_el = out.sub(root, "Sources")
        for source in project.sources:
            member = _append_source(out, sources_el, source, spans.get(source.id, {}), tool_user)
            members.append(member)
    if project.codes:
        _append_code_keys(out, root, project.codes, tool_user)

    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return qde, members


def _group_codings(
    project: QdaProject, origin: str, label: str
) -> tuple[dict[str, _Spans], list[str]]:
    """The codings of each source grouped by span, and the coders (``origin`` first); checks
    that sources are unique and that codings fall inside the text on known codes."""
    code_paths = {c.path for c in project.codes}
    sources_by_id: dict[str, QdaSource] = {}
    for source in project.sources:
        if source.id in sources_by_id:
            raise InputError(f"{label} : entretien « {source.id} » en double ; un id par entretien")
        sources_by_id[source.id] = source

    spans: dict[str, _Spans] = {}
    coders: list[str] = [origin]
    for coding in project.codings:
        coded = sources_by_id.get(coding.source_id)
        if coded is None:
            raise InputError(
                f"{label} : un codage renvoie à l'entretien « {coding.source_id} », absent du projet"
            )
        if coding.code not in code_paths:
            raise InputError(
                f"{label} : un codage de « {coding.source_id} » renvoie au code « {coding.code} », "
                "absent du livre de codes ; ajoutez-le à la grille"
            )
        if coding.start == coding.end and 0 <= coding.start <= len(coded.text):
            continue  # an empty selection codes nothing: REFI-QDA tools could not show it
        if not (0 <= coding.start < coding.end <= len(coded.text)):
            raise InputError(
                f"{label} : codage « {coding.code} » de « {coding.source_id} » : positions "
                f"{coding.start}-{coding.end} hors du texte ({len(coded.text)} caractères)"
            )
        spans.setdefault(coding.source_id, {}).setdefault((coding.start, coding.end), []).append(
            coding
        )
        if coding.coder not in coders:
            coders.append(coding.coder)
    return spans, coders


def _append_variables(out: _ProjectXml, root: etree._Element) -> None:
    variables_el = out.sub(root, "Variables")
    for name in out.variable_names:
        out.sub(
            variables_el,
            "Variable",
            guid=out.variable_guids[name],
            name=xml_safe(name, out.label, "le nom d'une variable"),
            typeOfVariable="Text",
        )


def _append_values(out: _ProjectXml, el: etree._Element, source: QdaSource) -> None:
    """The variables of ``source`` as ``VariableValue`` elements of ``el`` (a case or a source)."""
    for name in out.variable_names:
        if name not in source.variables:
            continue
        value_el = out.sub(el, "VariableValue")
        out.sub(value_el, "VariableRef", targetGUID=out.variable_guids[name])
        out.sub(value_el, "TextValue").text = xml_safe(
            str(source.variables[name]),
            out.label,
            f"la variable « {name} » de l'entretien « {source.id} »",
        )


def _append_cases(out: _ProjectXml, root: etree._Element, sources: Sequence[QdaSource]) -> None:
    """One case per source, named after the interview id, holding its variables."""
    cases_el = out.sub(root, "Cases")
    for source in sources:
        case = out.sub(
            cases_el,
            "Case",
            guid=out.guid("case", source.id),
            name=xml_safe(source.id, out.label, "l'id d'un entretien"),
        )
        _append_values(out, case, source)
        out.sub(case, "SourceRef", targetGUID=out.source_guids[source.id])


def _append_source(
    out: _ProjectXml,
    sources_el: etree._Element,
    source: QdaSource,
    spans: _Spans,
    tool_user: str,
) -> tuple[str, bytes]:
    """The ``TextSource`` of ``source`` with its selections; returns its archive member."""
    guid = out.source_guids[source.id]
    try:
        data = source.text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"{out.label} : le texte de l'entretien « {source.id} » contient des caractères "
            "non représentables en UTF-8 ; corrigez la transcription"
        ) from None
    text_el = out.sub(
        sources_el,
        "TextSource",
        guid=guid,
        name=xml_safe(source.name, out.label, f"le nom de l'entretien « {source.id} »"),
        plainTextPath=f"internal://{guid}.txt",
        creatingUser=tool_user,
        creationDateTime=out.stamp,
    )
    for (start, end), codings in sorted(spans.items()):
        _append_selection(out, text_el, source, start, end, codings)
    # The case variables again on the source: tools that drop cases (QualCoder) keep them.
    _append_values(out, text_el, source)
    return f"sources/{guid}.txt", data


def _append_selection(
    out: _ProjectXml,
    text_el: etree._Element,
    source: QdaSource,
    start: int,
    end: int,
    codings: Sequence[QdaCoding],
) -> None:
    """One ``PlainTextSelection`` with one ``Coding`` per (code, coder)."""
    key = f"{source.id}\x1f{start}\x1f{end}"
    selection = out.sub(
        text_el,
        "PlainTextSelection",
        guid=out.guid("selection", key),
        name=snippet(source.text[start:end]),
        startPosition=str(start),
        endPosition=str(end),
        creatingUser=out.user_guids[codings[0].coder],
        creationDateTime=out.stamp,
    )
    done: set[tuple[str, str]] = set()
    for coding in codings:
        if (coding.code, coding.coder) in done:
            continue
        done.add((coding.code, coding.coder))
        coding_el = out.sub(
            selection,
            "Coding",
            guid=out.guid("coding", f"{key}\x1f{coding.code}\x1f{coding.coder}"),
            creatingUser=out.user_guids[coding.coder],
            creationDateTime=out.stamp,
        )
        out.sub(coding_el, "CodeRef", targetGUID=out.guid("code", coding.code))


def _append_code_keys(
    out: _ProjectXml, root: etree._Element, codes: Sequence[QdaCode], tool_user: str
) -> None:
    """The note that maps code GUIDs to cloterres code paths, and its reference."""
    note_guid = out.guid("note", "code-keys")
    notes_el = out.sub(root, "Notes")
    note = out.sub(
        notes_el,
        "Note",
        guid=note_guid,
        name=CODE_KEYS_NOTE,
        creatingUser=tool_user,
        creationDateTime=out.stamp,
    )
    content = out.sub(note, "PlainTextContent")
    lines = [_CODE_KEYS_HEADER]
    lines += [f"{out.guid('code', c.path)}\t{c.path}" for c in codes]
    content.text = xml_safe("\n".join(lines), out.label, "un identifiant de code")
    out.sub(root, "NoteRef", targetGUID=note_guid)


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

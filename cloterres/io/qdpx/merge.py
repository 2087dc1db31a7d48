"""Lossless merge of the machine's codings into a REFI-QDA project another tool wrote.

Everything the input project holds is kept as it is: the ``.qde`` XML is the input's tree, to
which elements are only added (a user for the machine, codes under a « cloterres » parent code
for grid codes the project lacks, one ``PlainTextSelection`` per coded unit), and every other
member of the archive (texts, rich texts, audio, video, pictures) is copied byte for byte.

Grid codes are matched to the project's codes first by identifier (a code whose path is the
grid path, as in projects written by cloterres), then by name (``match``: the grid code a
project code path stands for). Offsets are written in Unicode code points of the source text
as read (the standard's reading).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from cloterres.errors import InputError
from cloterres.io.files import atomic_path
from cloterres.io.qdpx.model import PROJECT_NS, LoadedProject, QdaCode, QdaCoding
from cloterres.io.qdpx.xmltools import (
    kid,
    kids,
    local_name,
    make_guid,
    norm_guid,
    snippet,
    xml_safe,
)

#: Name of the parent code holding the grid codes a merged project did not have.
PARENT_CODE = "cloterres"
_PARENT_COLOR = "#7F7F7F"


@dataclass
class MergeReport:
    user: str = ""
    matched: dict[str, str] = field(default_factory=dict)  # grid code -> project code name
    created: list[str] = field(default_factory=list)  # grid codes added under « cloterres »
    codings: int = 0  # machine codings added
    kept_codings: int = 0  # codings of the input, all kept
    added_guids: set[str] = field(default_factory=set)  # every element added (for checks)


def _ns(root: etree._Element) -> str:
    return etree.QName(root).namespace or PROJECT_NS


def _insert_after(parent: etree._Element, el: etree._Element, before: Sequence[str]) -> None:
    """Insert ``el`` after the last child whose local name is in ``before`` (else first)."""
    index = 0
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and local_name(child) in before:
            index = i + 1
    parent.insert(index, el)


@dataclass
class _Merge:
    """What every step of a merge shares: the project's namespace, the GUID scope of added
    elements, the time stamp, the output file name (messages) and the report."""

    ns: str
    scope: str
    when: str
    label: str
    report: MergeReport

    def make(self, tag: str, **attrs: str) -> etree._Element:
        """A new element of the project's namespace; its GUID is recorded as added."""
        el = etree.Element(f"{{{self.ns}}}{tag}")
        for key, value in attrs.items():
            el.set(key, value)
        if "guid" in attrs:
            self.report.added_guids.add(attrs["guid"])
        return el

    def guid(self, kind: str, key: str) -> str:
        return make_guid(self.scope, kind, key)


def merge_qdpx(
    loaded: LoadedProject,
    output: Path,
    codes: Sequence[QdaCode],
    codings: Sequence[QdaCoding],
    *,
    match: Callable[[str], str | None],
    user_name: str = PARENT_CODE,
) -> MergeReport:
    """Write ``output``: the project of ``loaded`` plus ``codings`` (on ``codes``, grid paths)."""
    root = loaded.root
    stamp = datetime.now(UTC).replace(microsecond=0)
    merge = _Merge(
        ns=_ns(root),
        scope=f"{root.get('name') or ''}\x1fcloterres-merge",
        when=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        label=str(output),
        report=MergeReport(kept_codings=len(loaded.project.codings)),
    )
    user_guid = _add_user(merge, root, user_name)
    targets = _match_codes(merge, loaded, codes, match)
    _add_codings(merge, loaded, codings, targets, user_guid)
    qde = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    _write_members(output, loaded, qde)
    return merge.report


def _add_user(merge: _Merge, root: etree._Element, user_name: str) -> str:
    """Add the machine's user (« cloterres », « cloterres (2) » if taken); its GUID."""
    users_el = kid(root, "Users")
    if users_el is None:
        users_el = merge.make("Users")
        root.insert(0, users_el)
    taken = {(u.get("name") or "") for u in kids(users_el, "User")}
    name, n = user_name, 1
    while name in taken:
        n += 1
        name = f"{user_name} ({n})"
    merge.report.user = name
    user_guid = merge.guid("user", name)
    users_el.append(merge.make("User", guid=user_guid, name=name))
    return user_guid


def _match_codes(
    merge: _Merge,
    loaded: LoadedProject,
    codes: Sequence[QdaCode],
    match: Callable[[str], str | None],
) -> dict[str, str]:
    """Grid path -> code GUID as written: matched by id, then by name, else added under
    « cloterres »."""
    report = merge.report
    targets: dict[str, str] = {}
    by_path = loaded.code_guids
    names = {p: p.rsplit(".", 1)[-1] for p in by_path}
    wanted = [
        c for c in codes if c.parent is not None or not any(d.parent == c.path for d in codes)
    ]
    for code in wanted:
        if code.path in by_path:
            targets[code.path] = by_path[code.path]
            report.matched[code.path] = names[code.path]
    for path, guid in by_path.items():
        grid_path = match(path)
        if grid_path is not None and grid_path not in targets:
            targets[grid_path] = guid
            report.matched[grid_path] = names[path]
    missing = [c for c in wanted if c.path not in targets]
    if missing:
        _add_missing_codes(merge, loaded.root, codes, missing, targets)
    return targets


def _add_missing_codes(
    merge: _Merge,
    root: etree._Element,
    codes: Sequence[QdaCode],
    missing: Sequence[QdaCode],
    targets: dict[str, str],
) -> None:
    """Add ``missing`` under a « cloterres » parent code (grouped by theme) to ``targets``."""
    label = merge.label
    codebook = kid(root, "CodeBook")
    if codebook is None:
        codebook = merge.make("CodeBook")
        _insert_after(root, codebook, ("Users",))
    codes_el = kid(codebook, "Codes")
    if codes_el is None:
        codes_el = merge.make("Codes")
        codebook.insert(0, codes_el)
    parent_el = merge.make("Code", guid=merge.guid("code", PARENT_CODE), name=PARENT_CODE,
                           isCodable="false", color=_PARENT_COLOR)  # fmt: skip
    description = etree.SubElement(parent_el, f"{{{merge.ns}}}Description")
    description.text = "Codes de la grille cloterres absents du projet, ajoutés par cloterres."
    codes_el.append(parent_el)
    by_code = {c.path: c for c in codes}
    theme_els: dict[str, etree._Element] = {}
    for code in missing:
        container = parent_el
        if code.parent is not None:
            theme = by_code.get(code.parent)
            if code.parent not in theme_els:
                theme_el = merge.make(
                    "Code",
                    guid=merge.guid("code", code.parent),
                    name=xml_safe(theme.name if theme else code.parent, label, "un thème"),
                    isCodable="false",
                    color=_PARENT_COLOR,
                )
                parent_el.append(theme_el)
                theme_els[code.parent] = theme_el
            container = theme_els[code.parent]
        guid = merge.guid("code", code.path)
        el = merge.make("Code", guid=guid, name=xml_safe(code.name, label, "le nom d'un code"),
                        isCodable="true", color=_PARENT_COLOR)  # fmt: skip
        if code.description:
            desc = etree.SubElement(el, f"{{{merge.ns}}}Description")
            desc.text = xml_safe(code.description, label, f"la description de {code.path}")
        container.append(el)
        targets[code.path] = guid
        merge.report.created.append(code.path)


def _add_codings(
    merge: _Merge,
    loaded: LoadedProject,
    codings: Sequence[QdaCoding],
    targets: dict[str, str],
    user_guid: str,
) -> None:
    """One ``PlainTextSelection`` per coded span, after the source's own selections."""
    label = merge.label
    elements: dict[str, etree._Element] = {}
    sources_el = kid(loaded.root, "Sources")
    for outer in sources_el.iterchildren("*") if sources_el is not None else ():
        text_el = outer if local_name(outer) == "TextSource" else kid(outer, "Representation")
        if text_el is not None:
            elements[norm_guid(outer.get("guid"))] = text_el
    texts = {s.id: s.text for s in loaded.project.sources}
    spans: dict[str, dict[tuple[int, int], list[str]]] = {}
    for coding in codings:
        if coding.code not in targets:
            raise InputError(f"{label} : code « {coding.code} » absent de la grille")
        codes_at = spans.setdefault(coding.source_id, {}).setdefault((coding.start, coding.end), [])
        if coding.code not in codes_at:
            codes_at.append(coding.code)
    for source_id, by_span in spans.items():
        text_el = elements.get(norm_guid(loaded.source_guids.get(source_id)))
        if text_el is None:
            raise InputError(f"{label} : source « {source_id} » introuvable dans le projet")
        text = texts[source_id]
        new: list[etree._Element] = []
        for (start, end), span_codes in sorted(by_span.items()):
            if not (0 <= start < end <= len(text)):
                continue
            key = f"{source_id}\x1f{start}\x1f{end}"
            selection = merge.make(
                "PlainTextSelection",
                guid=merge.guid("selection", key),
                name=snippet(text[start:end]),
                # Counted as the project's tool counts (CRLF as one character, say).
                startPosition=str(loaded.position(source_id, start)),
                endPosition=str(loaded.position(source_id, end)),
                creatingUser=user_guid,
                creationDateTime=merge.when,
            )
            for code in span_codes:
                coding_el = merge.make(
                    "Coding",
                    guid=merge.guid("coding", f"{key}\x1f{code}"),
                    creatingUser=user_guid,
                    creationDateTime=merge.when,
                )
                ref = etree.SubElement(coding_el, f"{{{merge.ns}}}CodeRef")
                ref.set("targetGUID", targets[code])
                selection.append(coding_el)
                merge.report.codings += 1
            new.append(selection)
        index = 0
        for i, child in enumerate(text_el):
            if isinstance(child.tag, str) and local_name(child) in (
                "Description", "PlainTextContent", "PlainTextSelection"
            ):  # fmt: skip
                index = i + 1
        for offset, selection in enumerate(new):
            text_el.insert(index + offset, selection)


def _write_members(output: Path, loaded: LoadedProject, qde: bytes) -> None:
    try:
        with atomic_path(output) as tmp, zipfile.ZipFile(tmp, "w") as zf:
            for info, data in loaded.members:
                if info.filename == loaded.qde_name:
                    data = qde
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = info.external_attr
                zf.writestr(copy, data)
    except OSError as exc:
        raise InputError(
            f"{output} : écriture impossible ({exc.strerror or exc}) ; vérifiez le dossier de "
            "sortie"
        ) from None

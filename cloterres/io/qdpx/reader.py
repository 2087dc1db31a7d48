"""Import of REFI-QDA projects (``.qdpx``) written by cloterres or by another tool.

Offsets of the codings read are Python indices into the source texts as read (which keep their
CRLF line breaks); the offsets of other tools are repaired with :mod:`.offsets`. The archive is
read through the ZIP guard of :mod:`.zipguard`, the XML with the safe parser of
:mod:`.xmltools`.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from cloterres.errors import InputError
from cloterres.io.archive import normalize_member
from cloterres.io.qdpx.model import (
    CODE_KEYS_NOTE,
    UNKNOWN_CODER,
    LoadedProject,
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSource,
)
from cloterres.io.qdpx.offsets import Span, map_spans
from cloterres.io.qdpx.xmltools import kid, kids, local_name, norm_guid, parse_xml
from cloterres.io.qdpx.zipguard import ProjectArchive, check_archive, open_zip

#: The interview id a source text states itself (its « id: » header line), given the text and
#: where it comes from (for messages); "" when it states none. Front ends pass theirs in.
TextId = Callable[[str, str], str]

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
_ID_IN_NAME = re.compile(r"^([\w.\-]{1,60}) — .+$")
_KEY_LINE = re.compile(r"^\s*\{?([0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})\}?\t(.+)$")


def read_qdpx(path: Path, *, text_id: TextId | None = None) -> QdaProject:
    """Read a REFI-QDA project written by cloterres or by another tool.

    Offsets of the returned codings are Python indices into the returned source texts (which
    keep their CRLF line breaks). Raises :class:`InputError` (one French line) on any problem.
    A source that no case names (QualCoder drops cases) takes the id ``text_id`` finds in its
    text, if given, else its name.
    """
    path = Path(path)
    with open_zip(path) as zf:
        return _load(zf, path, text_id=text_id).project


def load_qdpx(path: Path, *, text_id: TextId | None = None) -> LoadedProject:
    """Read a project and keep every member of its archive, for a lossless rewrite."""
    path = Path(path)
    with open_zip(path) as zf:
        return _load(zf, path, keep_members=True, text_id=text_id)


def _load(
    zf: zipfile.ZipFile,
    path: Path,
    *,
    keep_members: bool = False,
    text_id: TextId | None = None,
) -> LoadedProject:
    label = str(path)
    check_archive(path)
    archive = ProjectArchive(zf, label)
    qde = archive.find_qde()
    root = parse_xml(archive.read(qde), f"{label} ({qde.filename})")
    base = posixpath.dirname(normalize_member(qde.filename))
    reader = _Reader(archive, label, f"{base}/" if base else "", text_id)
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


class _Reader:
    def __init__(
        self, archive: ProjectArchive, label: str, base: str, text_id: TextId | None = None
    ) -> None:
        self.archive = archive
        self.text_id = text_id
        self.label = label
        self.base = base  # folder of the .qde inside the archive ("" or "x/")
        self.users: dict[str, str] = {}  # user GUID -> name
        self.variables: dict[str, str] = {}  # variable GUID -> name
        self.code_paths: dict[str, str] = {}  # code GUID -> path
        self.case_guids: set[str] = set()
        self.trusted = False  # positions written by cloterres: no guessing
        self.source_guids: dict[str, str] = {}  # source id -> GUID as written
        self.code_guid_as_written: dict[str, str] = {}  # GUID as written -> code path
        # Source name -> how the project's tool counts characters there (see :mod:`.offsets`),
        # when it is not the standard's one code point each.
        self.conventions: dict[str, list[tuple[int, int]]] = {}
        self.source_widths: dict[str, list[tuple[int, int]]] = {}  # by source id

    def project(self, root: etree._Element, default_name: str) -> QdaProject:
        if local_name(root) != "Project":
            raise InputError(
                f"{self.label} : l'élément racine est <{local_name(root)}> et non <Project>, ce "
                "n'est pas un projet REFI-QDA ; exportez-le à nouveau depuis votre logiciel"
            )
        self.users = {
            norm_guid(u.get("guid")): u.get("name") or u.get("id") or UNKNOWN_CODER
            for u in kids(kid(root, "Users"), "User")
        }
        self.variables = {
            norm_guid(v.get("guid")): v.get("name") or norm_guid(v.get("guid"))
            for v in kids(kid(root, "Variables"), "Variable")
        }
        cases: dict[str, _Case] = {}
        for case in kids(kid(root, "Cases"), "Case"):
            cases[norm_guid(case.get("guid"))] = _Case(
                name=(case.get("name") or "").strip(),
                values=dict(self._values(case)),
                sources=[norm_guid(r.get("targetGUID")) for r in kids(case, "SourceRef")],
            )
        self.case_guids = set(cases)
        codes, self.code_paths = self._codes(root, self._code_keys(root))

        sources: list[QdaSource] = []
        codings: list[QdaCoding] = []
        skipped: list[tuple[str, str]] = []
        used_ids: set[str] = set()
        sources_el = kid(root, "Sources")
        for outer in sources_el.iterchildren("*") if sources_el is not None else ():
            kind = local_name(outer)
            # A PDF source carries its text as a TextSource-like Representation.
            text_el = outer if kind == "TextSource" else kid(outer, "Representation")
            if kind not in ("TextSource", "PDFSource") or text_el is None:
                # pictures, audio, video (and PDFs without text): nothing to read as text
                skipped.append((_SOURCE_KINDS.get(kind, kind), outer.get("name") or ""))
                continue
            guid = norm_guid(outer.get("guid"))
            name = outer.get("name") or text_el.get("name") or guid
            text = self._text(text_el, name)
            source_id = self._source_id(guid, name, cases)
            if source_id == name and self.text_id is not None:
                # No case names it (QualCoder drops them): the id its text states (« id: »).
                source_id = self.text_id(text, f"{self.label}, {name}").strip() or name
            source_id = _unique(source_id, used_ids, "-{n}")
            self.source_guids[source_id] = outer.get("guid") or ""
            values: dict[str, str] = {}
            for owner in cases.values():
                if guid in owner.sources:
                    for key, value in owner.values.items():
                        values.setdefault(key, value)
            values.update(self._values(outer))
            sources.append(QdaSource(id=source_id, name=name, text=text, variables=values))
            for start, end, code, coder in self._codings(text_el, text, name):
                codings.append(QdaCoding(source_id, start, end, code, coder))
            if name in self.conventions:
                self.source_widths[source_id] = self.conventions.pop(name)
        notes = [n for n in kids(kid(root, "Notes"), "Note") if n.get("name") != CODE_KEYS_NOTE]
        counts = {
            "utilisateur(s)": len(self.users),
            "cas": len(cases),
            "note(s) ou mémo(s)": len(notes),
            "ensemble(s)": len(kids(kid(root, "Sets"), "Set")),
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
        for note in kids(kid(root, "Notes"), "Note"):
            if note.get("name") != CODE_KEYS_NOTE:
                continue
            author = self.users.get(norm_guid(note.get("creatingUser")))
            self.trusted = bool(author) and author == root.get("origin")
            content = kid(note, "PlainTextContent")
            for line in ((content.text or "") if content is not None else "").splitlines():
                match = _KEY_LINE.match(line)
                if match and match.group(2) not in keys.values():
                    keys.setdefault(norm_guid(match.group(1)), match.group(2))
        return keys

    def _codes(
        self, root: etree._Element, keys: dict[str, str]
    ) -> tuple[list[QdaCode], dict[str, str]]:
        codes: list[QdaCode] = []
        paths: dict[str, str] = {}
        used: set[str] = set()

        def visit(el: etree._Element, parent: str | None) -> None:
            guid = norm_guid(el.get("guid"))
            name = el.get("name") or ""
            if guid in self.case_guids:
                # NVivo exports cases as codes too (same GUID): not a code of the codebook.
                for child in kids(el, "Code"):
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
            description = kid(el, "Description")
            text = description.text if description is not None else None
            codes.append(QdaCode(path=path, name=name, description=text or "", parent=parent))
            for child in kids(el, "Code"):
                visit(child, path)

        for code in kids(kid(kid(root, "CodeBook"), "Codes"), "Code"):
            visit(code, None)
        return codes, paths

    # -- sources ----------------------------------------------------------------------------

    def _values(self, el: etree._Element) -> Iterator[tuple[str, str]]:
        for value_el in kids(el, "VariableValue"):
            ref = kid(value_el, "VariableRef")
            if ref is None:
                continue
            guid = norm_guid(ref.get("targetGUID"))
            name = self.variables.get(guid, guid)
            value = ""
            for tag in _VALUE_TAGS:
                found = kid(value_el, tag)
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
        content = kid(el, "PlainTextContent")
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
        spans: list[Span] = []
        for selection in kids(el, "PlainTextSelection"):
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
                spans.append(Span(start, end, code, coder, selection.get("name") or ""))
        chosen: list[list[tuple[int, int]]] = []
        mapped = map_spans(text, spans, guess=not self.trusted, chosen=chosen)
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
        for coding in kids(el, "Coding"):
            user = norm_guid(coding.get("creatingUser") or default_user)
            coder = self.users.get(user, UNKNOWN_CODER) if user else UNKNOWN_CODER
            for ref in kids(coding, "CodeRef"):
                target = norm_guid(ref.get("targetGUID"))
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

"""XML of REFI-QDA files: safe parsing of untrusted XML, schema validation, stable GUIDs and
the small element helpers the reader, the writer and the merge share."""

from __future__ import annotations

import re
import uuid
from functools import lru_cache
from pathlib import Path

from lxml import etree

from cloterres.errors import InputError

_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cloterres:refi-qda")
_SNIPPET_CHARS = 80
# Characters XML 1.0 cannot carry, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_ENTITY_MARKERS = tuple("<!ENTITY".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))


# -- writing ----------------------------------------------------------------------------------


def qname(ns: str, tag: str) -> str:
    """``{ns}tag``."""
    return f"{{{ns}}}{tag}"


def make_guid(scope: str, kind: str, key: str) -> str:
    """A GUID that depends only on the project (scope), the kind of object and its key."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{scope}\x1f{kind}\x1f{key}"))


def xml_safe(value: str, label: str, what: str) -> str:
    """``value`` unchanged, or InputError when it holds a character XML 1.0 cannot carry."""
    match = _XML_INVALID.search(value)
    if match:
        raise InputError(
            f"{label} : {what} contient un caractère interdit en XML "
            f"(U+{ord(match.group()):04X}) ; retirez-le puis relancez l'export"
        )
    return value


def snippet(text: str) -> str:
    """Selection name: the start of the selected text on one line (XML-safe)."""
    return _XML_INVALID.sub("", _WHITESPACE.sub(" ", text))[:_SNIPPET_CHARS]


# -- reading ----------------------------------------------------------------------------------


def local_name(el: etree._Element) -> str:
    """The tag of ``el`` without its namespace ("" for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def kids(el: etree._Element | None, name: str) -> list[etree._Element]:
    """Child elements with this local name, whatever their namespace."""
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def kid(el: etree._Element | None, name: str) -> etree._Element | None:
    """The first child element with this local name, if any."""
    found = kids(el, name)
    return found[0] if found else None


def norm_guid(value: str | None) -> str:
    """A GUID as compared: no braces, no spaces, lower case."""
    return (value or "").strip().strip("{}").lower()


def secure_parser() -> etree.XMLParser:
    """An XML parser that resolves no entity, loads no DTD and uses no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def validate(xml_bytes: bytes, schema_path: Path) -> list[str]:
    """Schema errors of ``xml_bytes`` against the XSD at ``schema_path`` ([] when valid)."""
    schema = _load_schema(str(Path(schema_path).resolve()))
    try:
        doc = etree.fromstring(xml_bytes, secure_parser())
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    if schema.validate(doc):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@lru_cache(maxsize=4)
def _load_schema(schema_path: str) -> etree.XMLSchema:
    try:
        data = Path(schema_path).read_bytes()
        return etree.XMLSchema(etree.fromstring(data, secure_parser()))
    except OSError as exc:
        raise InputError(f"{schema_path} : schéma illisible ({exc.strerror or exc})") from None
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise InputError(f"{schema_path} : schéma XSD invalide ({exc})") from None


def parse_xml(data: bytes, label: str) -> etree._Element:
    """Parse untrusted XML: no entities, no DTD, no network, default size limits."""
    if any(m in data for m in _DOCTYPE_MARKERS) and any(m in data for m in _ENTITY_MARKERS):
        raise InputError(
            f"{label} : le XML déclare des entités (DOCTYPE avec ENTITY), refusées par sécurité ; "
            "exportez à nouveau le projet depuis votre logiciel sans le modifier"
        )
    try:
        root = etree.fromstring(data, secure_parser())
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

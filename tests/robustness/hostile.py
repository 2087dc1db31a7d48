"""Hostile files, as hypothesis strategies built from a reader's valid seeds, and the checks every
run of the CLI must pass."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from tests.robustness.readers import READERS, Reader, replace_member

# Text that a spreadsheet would run as a formula, and other text that breaks naive code.
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://exemple.invalid","clic")',
    "+SOMME(A1:A9)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\n=cmd|' /C calc'!A0",
    "＝1+1",
    '=DDE("cmd";"/C calc";"x")',
]
ODD_TEXT = [
    "\x00",
    "\x00\x01\x02\x1b",
    "\u202eeriatcurtsnart\u202c",  # right-to-left override
    "שלום, مرحبا بكم في المركز الصحي",
    "👩🏽‍⚕️ santé 🩺 👵🏼",
    "\ufeff",
    "\ufffe\uffff",
    "]]><!--",
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    "&amp;&lt;&#0;",
    '"""";;;,,,\t\t',
    "\n\n\n",
    "Enquêteur :\n:\n[]\n[ :",
    "---\n&a [*a]\n---",
    "x" * 60_000,  # a huge cell
    "é" * 5000,
]
HOSTILE_STRINGS = FORMULAS + ODD_TEXT

XML_PAYLOADS = [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://exemple.invalid/r.dtd"><r/>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    + b"]><r>&j;</r>",
    b"<r><unclosed>",
    b"\x00\xff\xfe garbage",
    b"",
]
XXE_WORKSHEET = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>intitule</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
)
YAML_BOMBS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    ),
    "a: &a [*a]\n",
    "a: &a {b: *a}\n",
    "[" * 3000 + "]" * 3000 + "\n",
    "a:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200)),
]
# Things that must never come out of a run, whatever went in.
LEAKS = ("root:x:0:0", "/bin/bash", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@cache
def seeds(name: str) -> tuple[bytes, ...]:
    reader = next(r for r in READERS if r.name == name)
    return tuple(reader.seeds())


def foreign_seeds(reader: Reader) -> list[bytes]:
    return [s for r in READERS if r.name != reader.name for s in seeds(r.name)]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@st.composite
def _text_mutation(draw: st.DrawFn, reader: Reader) -> bytes:
    text = _decode(draw(st.sampled_from(seeds(reader.name))))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        text = text[:where] + draw(st.sampled_from(HOSTILE_STRINGS)) + text[where:]
    if draw(st.booleans()):  # a YAML bomb where a front matter or a grid would be
        bomb = draw(st.sampled_from(YAML_BOMBS))
        text = bomb if reader.name == "grille YAML" else f"---\n{bomb}---\n{text}"
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16", "mixte"]))
    if encoding == "mixte":  # a file pasted together from UTF-8 and cp1252 sources
        half = len(text) // 2
        return text[:half].encode("utf-8", "replace") + text[half:].encode("cp1252", "replace")
    return text.encode(encoding, errors="replace")


@st.composite
def _byte_mutation(draw: st.DrawFn, reader: Reader) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds(reader.name))))
    if draw(st.booleans()):
        return bytes(data[: draw(st.integers(0, len(data)))])  # truncated
    for _ in range(draw(st.integers(1, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def _zip_mutation(draw: st.DrawFn, reader: Reader) -> bytes:
    archive = draw(st.sampled_from(seeds(reader.name)))
    member = draw(st.sampled_from(reader.zip_members))
    payload = draw(st.sampled_from([*XML_PAYLOADS, XXE_WORKSHEET]))
    if draw(st.booleans()):  # hostile text inside an otherwise valid member
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            original = zf.read(member) if member in zf.namelist() else b""
        marker = draw(st.sampled_from([b"intitule", b"Ateliers", b"invit", b"Enqu", b"couts"]))
        text = draw(st.sampled_from(HOSTILE_STRINGS))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "replace")
        payload = original.replace(marker, escaped + marker, 1)
    return replace_member(archive, member, payload)


def hostile_files(reader: Reader) -> st.SearchStrategy[bytes]:
    options = [
        st.binary(max_size=2048),
        _byte_mutation(reader),
        st.sampled_from(foreign_seeds(reader)),  # another format under this extension
    ]
    if reader.text:
        options += [_text_mutation(reader), _text_mutation(reader)]  # weighted: the richest
    if reader.zip_members:
        options += [_zip_mutation(reader), _zip_mutation(reader)]
    return st.one_of(options)


# --- running the CLI and checking what it did ------------------------------------------------


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """The CLI in this process (the spaCy model stays loaded): exit code, stdout, stderr."""
    from cloterres.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def check_run(code: int, stderr: str, output: Path | None, folder: Path) -> None:
    """Success with a readable output, or one clear French error and no output at all; never a
    traceback, an internal error, or a temporary file left behind."""
    assert code in (0, 2), f"code de sortie {code} : {stderr}"
    assert "Traceback" not in stderr and "Erreur interne" not in stderr, stderr
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    if code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert lines, "exit code 2 without a message"
        assert all(line.startswith(("Erreur", "Attention")) for line in lines), stderr
        assert any(line.startswith("Erreur : ") for line in lines), stderr
        if output is not None:
            assert not output.exists(), "an output was written although the run failed"
    elif output is not None:
        check_output(output)


def check_output(path: Path) -> None:
    """The output parses, holds no leaked file content, and no cell can run as a formula."""
    suffix = path.suffix
    raw = path.read_bytes()
    for leak in LEAKS:
        assert leak.encode() not in raw, leak
    if suffix == ".jsonl":
        for line in raw.decode("utf-8").splitlines():
            obj = json.loads(line)
            assert isinstance(obj, dict)
            assert isinstance(obj.get("id", ""), str)  # network results have no unit id
    elif suffix == ".csv":
        check_csv_inert(raw)
    elif suffix == ".xlsx":
        check_xlsx_inert(path)
    elif suffix == ".qdpx":
        from cloterres.io.qdpx import read_qdpx

        read_qdpx(path)
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                data = zf.read(name)
                for leak in LEAKS:
                    assert leak.encode() not in data, (name, leak)


def check_csv_inert(raw: bytes) -> list[list[str]]:
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows, "empty CSV"
    for row in rows:
        assert len(row) == len(rows[0]), row[:3]
        for cell in row:
            assert not cell.startswith(DANGEROUS), repr(cell[:40])
    return rows


def check_xlsx_inert(path: Path) -> None:
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                data = zf.read(name)
                assert b"<f>" not in data and b"<f " not in data, f"formula in {name}"
                for leak in LEAKS:
                    assert leak.encode() not in data, (name, leak)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    if cell.value.startswith(DANGEROUS):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value[:40])

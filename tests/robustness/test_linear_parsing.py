"""Lines built to make a backtracking regex take quadratic time parse right, and the PDF
reader refuses a decompression bomb before decoding it. Times are measured by
``tests/bench/bench_hostile_lines.py`` (``make bench``), never asserted here; these lines are
long enough (200,000 characters) that a quadratic parse would not end during the test run."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.interviews.transcripts import _LABEL_COLON, _key_value, transcript_metadata
from cloterres.plans.extraction import _AXIS, _FICHE, _is_toc_line
from cloterres.plans.fields import split_label
from cloterres.plans.text import _atx, _is_table_rule, read_text_plan
from cloterres.review.reader import _SPLIT
from tests.bench.bench_hostile_lines import pdf_bomb, write_pdf

N = 200_000
SPACES = " " * N


def test_markdown_headings_and_table_rules() -> None:
    assert _atx(f"#{SPACES}#x") == (1, "#x")
    assert _atx(f"## Titre{SPACES}##") == (2, "Titre")
    assert _atx("### Axe 2 : santé ###") == (3, "Axe 2 : santé")
    assert _atx("#hashtag") is None and _atx("    # code") is None
    assert _is_table_rule("| --- | :--: |") and _is_table_rule("---|---")
    assert not _is_table_rule(f"|{' -' * N}|x")
    assert not _is_table_rule(f"|{SPACES}x|")


def test_plan_lines() -> None:
    assert _is_toc_line("Axe 1 ........ 12") and _is_toc_line("Introduction\t3")
    assert not _is_toc_line(f"Axe 1{'.' * N}!") and not _is_toc_line(f"Intro{'.' * N}12345")
    assert _is_toc_line(f"Intro{'.' * N}  123")
    axis = _AXIS.match(f"Axe 1{SPACES}Santé mentale\n")
    assert axis is None or axis.group("num") == "1"
    fiche = _FICHE.match(f"Fiche action 1 :{SPACES}:x")
    assert fiche is not None and fiche.group("title") == ":x"
    assert split_label(f"Pilote{SPACES}\xa0:{SPACES}x") is None  # the label is too far
    assert split_label("Pilote : CCAS") == ("porteur", "Pilote", "CCAS")
    assert split_label(f"Objectif{SPACES}x") is None


def test_transcript_lines() -> None:
    assert _key_value(f"Date{chr(9) * N}x") is None
    assert _key_value(f"**Lieu :** {chr(9) * N}Sorlac") == ("Lieu", "Sorlac")
    assert _key_value(f"id{SPACES}: x") is None
    assert _LABEL_COLON.match(f"x{SPACES}x") is None
    m = _LABEL_COLON.match("**Enquêtrice :** Bonjour")
    assert m is not None and m.group("label") == "Enquêtrice"
    variables, _body = transcript_metadata(f"Territoire : Sorlac\nLieu :{chr(9) * N}x\n\nE : a\n")
    assert variables.get("territoire") == "Sorlac"
    assert [p for p in _SPLIT.split(f"a{SPACES}b ; c") if p] == [f"a{SPACES}b", "c"]


def test_markdown_plan_with_long_runs(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(f"#{SPACES}#x\n\n| a | b |\n|{' -' * N}|x\n\nAxe 1{SPACES}\n", "utf-8")
    doc = read_text_plan(path)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == "#x"
    assert any(b.kind == "table" for b in doc.blocks)


def test_pdf_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    from cloterres.plans.pdf import read_pdf

    path = tmp_path / "bombe.pdf"
    pdf_bomb(path, 100 << 20)  # 100 MB of spaces in about 100 KB
    assert path.stat().st_size < 200_000
    with pytest.raises(InputError) as info:
        read_pdf(path, workers=1)
    message = str(info.value)
    assert message.startswith(str(path)) and "bombe de décompression" in message


def test_bounded_inflate_keeps_small_streams() -> None:
    from cloterres.plans import pdf_limits

    pdf_limits.reset()
    data = zlib.compress(b"BT (Bonjour) Tj ET" * 1000)
    assert pdf_limits._BoundedZlib().decompress(data) == b"BT (Bonjour) Tj ET" * 1000
    assert pdf_limits._decompress_corrupted(data[:-6])[:18] == b"BT (Bonjour) Tj ET"


def _pdf(path: Path, streams: list[bytes], pages: int = 1) -> None:
    """A PDF of ``pages`` pages sharing FlateDecode content ``streams`` (already compressed)."""
    n_streams = len(streams)
    first_page = 3 + n_streams
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    contents = " ".join(f"{3 + i} 0 R" for i in range(n_streams))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    objects += [
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(s) + s + b"\nendstream"
        for s in streams
    ]
    objects += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [{contents}] >>".encode()
    ] * pages
    write_pdf(path, objects)


def test_pdf_total_decoded_size_and_page_count_are_bounded(tmp_path: Path, monkeypatch) -> None:
    from cloterres.plans import pdf_limits
    from cloterres.plans.pdf import read_pdf

    # Many streams, each under the per-stream limit, over the per-document limit together.
    monkeypatch.setattr(pdf_limits, "MAX_STREAM", 4 << 20)
    monkeypatch.setattr(pdf_limits, "MAX_TOTAL", 10 << 20)
    stream = zlib.compress(b"BT ET " + b" " * (3 << 20))
    many = tmp_path / "flux.pdf"
    _pdf(many, [stream] * 5)
    with pytest.raises(InputError, match="bombe de décompression"):
        read_pdf(many, workers=1)
    # Too many pages: refused before any page is read.
    monkeypatch.setattr(pdf_limits, "MAX_PAGES", 3)
    pages = tmp_path / "pages.pdf"
    _pdf(pages, [zlib.compress(b"BT ET")], pages=5)
    with pytest.raises(InputError, match="plus de 3 pages"):
        read_pdf(pages, workers=1)

"""Read the native charts of an .xlsx file (openpyxl does not load them back): for each chart,
its sheet, type, title, axis titles and series references, read from the package's XML."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


@dataclass
class Series:
    title_ref: str | None
    values_ref: str
    categories_ref: str | None


@dataclass
class Chart:
    sheet: str
    kind: str  # barChart, ...
    direction: str | None  # bar (horizontal) / col
    grouping: str | None
    title: str
    axis_titles: list[str]
    series: list[Series] = field(default_factory=list)


def _text(node: etree._Element | None) -> str:
    if node is None:
        return ""
    return "".join(node.itertext()).strip()


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in z.namelist():
        return {}
    root = etree.fromstring(z.read(rels_path))
    out = {}
    for r in root.findall("rel:Relationship", NS):
        target = r.get("Target")
        # targets are relative to the part's folder, or absolute from the package root
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[r.get("Id")] = posixpath.normpath(full)
    return out


def read_charts(path: Path) -> list[Chart]:
    charts: list[Chart] = []
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        wb_rels = _rels(z, "xl/workbook.xml")
        for sheet in workbook.find("m:sheets", NS):
            name = sheet.get("name")
            part = wb_rels[sheet.get(f"{{{NS['r']}}}id")]
            for drawing in _rels(z, part).values():
                if "drawings/" not in drawing:
                    continue
                for chart_part in _rels(z, drawing).values():
                    charts.append(_chart(name, etree.fromstring(z.read(chart_part))))
    return charts


def _chart(sheet: str, root: etree._Element) -> Chart:
    plot = root.find("c:chart/c:plotArea", NS)
    kind_node = next(n for n in plot if isinstance(n.tag, str) and n.tag.endswith("Chart"))
    direction = kind_node.find("c:barDir", NS)
    grouping = kind_node.find("c:grouping", NS)
    title = _text(root.find("c:chart/c:title", NS))
    axis_titles = [
        _text(ax.find("c:title", NS)) for ax in plot if ax.find("c:title", NS) is not None
    ]
    series = []
    for ser in kind_node.findall("c:ser", NS):
        tx = ser.find("c:tx/c:strRef/c:f", NS)
        cat = ser.find("c:cat//c:f", NS)
        series.append(
            Series(
                tx.text if tx is not None else None,
                ser.find("c:val//c:f", NS).text,
                cat.text if cat is not None else None,
            )
        )
    return Chart(
        sheet=sheet,
        kind=etree.QName(kind_node).localname,
        direction=direction.get("val") if direction is not None else None,
        grouping=grouping.get("val") if grouping is not None else None,
        title=title,
        axis_titles=axis_titles,
        series=series,
    )


def ref_values(wb, ref: str) -> list[object]:  # noqa: ANN001
    """The cell values a chart reference (``'Sheet'!$B$2:$B$5``) points at, in order."""
    match = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^!]+))!(.+)", ref)
    assert match, ref
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    cells = wb[sheet][match.group(3).replace("$", "")]
    if not isinstance(cells, tuple):
        return [cells.value]
    flat = []
    for row in cells:
        flat.extend(c.value for c in (row if isinstance(row, tuple) else (row,)))
    return flat

"""One-page HTML reports for CLS coordinators: one per contract, PNG charts beside them.

Each report is a self-contained HTML file (CSS embedded, images by relative path under
``img/``) laid out for one A4 page when printed from a browser. Every text from the inputs is
escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cloterres.synthesis import charts
from cloterres.synthesis.interviews import InterviewSummary
from cloterres.synthesis.profiles import ContractProfile
from cloterres.synthesis.sentences import interview_sentences, profile_sentences

IMAGES = "img"
INDEX = "index.html"
THEMES_IN_CHART = 12

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10pt; color: #222;
       max-width: 190mm; margin: 0 auto; line-height: 1.35; }
h1 { font-size: 15pt; color: #1F4E78; margin: 0 0 2mm 0; }
h2 { font-size: 11pt; color: #1F4E78; margin: 3mm 0 1mm 0; border-bottom: 1px solid #ccd; }
p.sub { margin: 0 0 2mm 0; color: #555; font-size: 8.5pt; }
ul.facts { margin: 1mm 0 2mm 0; padding-left: 5mm; }
ul.facts li { margin: 0.6mm 0; }
.charts { display: flex; flex-wrap: wrap; gap: 2mm; justify-content: space-between; }
.charts figure { margin: 0; width: 49%; break-inside: avoid; }
.charts img { width: 100%; height: auto; max-height: 72mm; object-fit: contain; }
footer { margin-top: 2mm; font-size: 7.5pt; color: #666; }
@media print {
  body { max-width: none; font-size: 9pt; line-height: 1.25; }
  ul.facts li { margin: 0.3mm 0; }
  .charts img { max-height: 56mm; }
  a { color: inherit; text-decoration: none; }
}
"""


class ReportSubject(BaseModel):
    """What one report is about: a contract's plan, and the interviews of its territory."""

    model_config = ConfigDict(frozen=True)

    name: str
    profile: ContractProfile | None = None
    interviews: InterviewSummary | None = None


def slug(name: str, taken: set[str]) -> str:
    """An ASCII file name for a contract, unique among ``taken`` (which it joins)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "contrat"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _figure(src: str, alt: str) -> str:
    return f'<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}"></figure>'


def write_report(folder: Path, name: str, subject: ReportSubject, footer: str) -> list[Path]:
    """Write ``<name>.html`` and its charts (``img/<name>-*.png``); return the files written."""
    images = folder / IMAGES
    images.mkdir(exist_ok=True)
    written: list[Path] = []
    figures: list[str] = []
    facts: list[str] = []
    sections: list[str] = []

    def chart(suffix: str, alt: str) -> Path:
        path = images / f"{name}-{suffix}.png"
        figures.append(_figure(f"{IMAGES}/{path.name}", alt))
        written.append(path)
        return path

    profile = subject.profile
    if profile is not None:
        facts = profile_sentences(profile)
        if profile.categorised:
            if profile.level is not None:
                charts.level_bar(
                    chart("niveau", "Répartition des actions par niveau visé"),
                    profile.level,
                    profile.categorised,
                )
            for dim_id, only_covered in (("champ", False), ("thematique", True),
                                         ("strategie", False)):  # fmt: skip
                dim = profile.dimension(dim_id)
                if dim is not None and dim.covered():
                    charts.dimension_bars(
                        chart(dim_id, f"Nombre d'actions par catégorie : {dim.label}"),
                        dim,
                        only_covered=only_covered,
                        limit=THEMES_IN_CHART if only_covered else 0,
                    )
        sections.append(
            '<h2>Le plan d\'action en bref</h2>\n<ul class="facts">\n'
            + "\n".join(f"<li>{html.escape(f, quote=False)}</li>" for f in facts)
            + '\n</ul>\n<div class="charts">\n'
            + "\n".join(figures)
            + "\n</div>"
        )
    interviews = subject.interviews
    if interviews is not None and interviews.interviews:
        figures.clear()
        lines = interview_sentences(interviews)
        for suffix, title, ranked in (
            ("benefices", "Bénéfices cités (nombre d'entretiens)", interviews.benefits()),
            ("couts", "Coûts cités (nombre d'entretiens)", interviews.costs()),
        ):
            if ranked:
                charts.cited_bars(chart(suffix, title), title, ranked)
        sections.append(
            '<h2>Ce qu\'en disent les acteurs interrogés</h2>\n<ul class="facts">\n'
            + "\n".join(f"<li>{html.escape(x, quote=False)}</li>" for x in lines)
            + '\n</ul>\n<div class="charts">\n'
            + "\n".join(figures)
            + "\n</div>"
        )
    title = f"Contrat local de santé : {subject.name}"
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{html.escape(subject.name, quote=False)}</h1>
<p class="sub">Synthèse du plan d'action pour la coordination du contrat local de santé.
Les actions sont catégorisées avec la grille CLoterreS ; chaque catégorie peut être vérifiée
dans le classeur d'étude.</p>
{chr(10).join(sections)}
<footer>{html.escape(footer, quote=False)}</footer>
</body>
</html>
"""
    path = folder / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    written.append(path)
    return written


def write_index(folder: Path, entries: list[tuple[str, str]], footer: str) -> Path:
    """``index.html``: a link to every report (entries: (contract, file name))."""
    items = "\n".join(
        f'<li><a href="{html.escape(file)}">{html.escape(name)}</a></li>' for name, file in entries
    )
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Synthèses des contrats locaux de santé</title>
<style>{CSS}</style>
</head>
<body>
<h1>Synthèses des contrats locaux de santé</h1>
<ul class="facts">
{items}
</ul>
<footer>{html.escape(footer, quote=False)}</footer>
</body>
</html>
"""
    path = folder / INDEX
    path.write_text(page, encoding="utf-8")
    return path

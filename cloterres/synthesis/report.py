"""One-page HTML reports for CLS coordinators: one per contract, PNG charts beside them, and an
index that compares the contracts.

Each report is a self-contained HTML file (CSS embedded, images by relative path under
``img/``) laid out for one A4 page when printed from a browser. Every text from the inputs is
escaped. A contract page shows interviews, and names an interview file among its sources, only
when units of that file are attributed to the contract (territory named like the contract); the
index says which interviews no page presents.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cloterres.engine.nlp import fold
from cloterres.frontends import INTERVIEWS
from cloterres.synthesis import charts
from cloterres.synthesis.interviews import TERRITORY, InterviewSummary
from cloterres.synthesis.profiles import ContractProfile, Share
from cloterres.synthesis.records import InterviewUnit
from cloterres.synthesis.sentences import (
    interview_sentences,
    number,
    percent,
    plural,
    profile_sentences,
)
from cloterres.synthesis.workbook import comparison_columns

IMAGES = "img"
INDEX = "index.html"
THEMES_IN_CHART = 12
MAIN_DIMENSION = "champ"  # the dimension the index's chart compares
INDEX_CSS = """
@page { size: A4 landscape; margin: 10mm; }
body { max-width: 277mm; }
@media print {
  figure.wide img { width: auto; max-width: 100%; max-height: 120mm; }
  table.compare { font-size: 7pt; margin-bottom: 1.5mm; }
  table.compare th, table.compare td { padding: 0.5mm 1mm; }
}
"""  # the index's tables are wide: printed in landscape
INDEX_CHART = "index-{dim}.png"  # "index" is never a contract's slug: no clash with their images
BACK = "← Retour à la comparaison des contrats"
BACK_TO_LIST = "← Retour à la liste des synthèses"  # interviews only: no comparison

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
nav.back { margin: 0 0 2mm 0; font-size: 8.5pt; }
nav.back.bottom { margin: 2mm 0 0 0; }
table.compare { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm 0; font-size: 7.5pt;
                break-inside: avoid; }
table.compare caption { text-align: left; font-weight: bold; color: #1F4E78; margin-bottom: 1mm; }
table.compare th, table.compare td { border: 1px solid #ccd; padding: 0.8mm 1.2mm;
                                     vertical-align: top; }
table.compare thead th { background: #eef2f7; font-weight: normal; text-align: center;
                         hyphens: none; overflow-wrap: normal; word-break: normal; }
table.compare td { text-align: right; white-space: nowrap; }
table.compare th[scope=row] { text-align: left; font-weight: normal; min-width: 36mm; }
table.compare tr.all { font-style: italic; background: #f7f7f7; }
figure.wide { margin: 1mm 0 3mm 0; break-inside: avoid; }
figure.wide img { width: 100%; max-width: 190mm; height: auto; }
p.note { font-size: 8.5pt; color: #444; margin: 0 0 2mm 0; }
p.note.reliability { font-size: 7pt; margin: 1.5mm 0 0 0; line-height: 1.2; }
@media print {
  nav.back { display: none; }
  body { max-width: none; font-size: 9pt; line-height: 1.25; }
  ul.facts li { margin: 0.3mm 0; }
  .charts img { max-height: 43mm; }
  p.note.reliability { font-size: 6.5pt; }
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


def _figure(src: str, alt: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<figure{cls}><img src="{html.escape(src)}" alt="{html.escape(alt)}"></figure>'


def _key(name: str) -> str:
    return fold(name).strip()


def _shows_interviews(subject: ReportSubject) -> bool:
    return subject.interviews is not None and subject.interviews.interviews > 0


@dataclass(frozen=True)
class Unattributed:
    """Interviews of one file and territory that no report presents."""

    file: str  # as named in the footers
    territory: str  # "" when the interviews have none
    interviews: int


@dataclass
class Attribution:
    """Which interview files feed which report (by the subject's name), and the interviews that
    feed none. Interview units join a report as :func:`run.report_subjects` joins them: their
    territory (or ``no_territory``) named like the report's subject, accents and case aside."""

    interview_files: list[str] = field(default_factory=list)
    files_of: dict[str, list[str]] = field(default_factory=dict)
    unattributed: list[Unattributed] = field(default_factory=list)

    def not_shown_on(self, subject: ReportSubject) -> list[str]:
        """The interview files a subject's page must not name as its sources."""
        mine = set(self.files_of.get(subject.name, [])) if _shows_interviews(subject) else set()
        return [f for f in self.interview_files if f not in mine]


def attribute_interviews(
    subjects: list[ReportSubject],
    units: list[InterviewUnit],
    files: list[tuple[str, str, int]],
    no_territory: str,
) -> Attribution:
    """Attribute each interview file's units to the reports that present them (``files``: the
    inputs as (path, kind, records); the footers name them by file name)."""
    paths = [path for path, kind, _ in files if kind == INTERVIEWS.kind]
    out = Attribution(interview_files=[Path(path).name for path in paths])
    shown = {_key(s.name): s.name for s in subjects if _shows_interviews(s)}
    left: dict[tuple[str, str], set[str]] = {}
    for unit in units:
        path = next((p for p in paths if unit.source.startswith(f"{p},")), None)
        file = Path(path).name if path is not None else ""
        territory = unit.variables.get(TERRITORY) or ""
        subject = shown.get(_key(territory or no_territory))
        if subject is None:
            left.setdefault((file, territory), set()).add(unit.entretien)
        elif file:
            names = out.files_of.setdefault(subject, [])
            if file not in names:
                names.append(file)
    out.unattributed = [Unattributed(f, t, len(i)) for (f, t), i in left.items()]
    return out


def _page_footer(footer: str, drop: list[str]) -> str:
    """The footer without the files in ``drop`` in its list of sources (« à partir de : a, b. »)."""
    for name in drop:
        name = re.escape(name)
        footer, done = re.subn(rf", {name}(?=, |\.)", "", footer, count=1)
        if not done:
            footer = re.sub(rf"(?<=: ){name}, ", "", footer, count=1)
    return footer


def _back_link(where: str, label: str) -> str:
    return f'<nav class="back {where}"><a href="{INDEX}">{html.escape(label)}</a></nav>'


def write_report(
    folder: Path,
    name: str,
    subject: ReportSubject,
    footer: str,
    attribution: Attribution | None = None,
) -> list[Path]:
    """Write ``<name>.html`` and its charts (``img/<name>-*.png``); return the files written.
    The footer names only the interview files whose units the page presents (``attribution``)."""
    if attribution is not None:
        footer = _page_footer(footer, attribution.not_shown_on(subject))
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
            + _reliability_lines(profile)
        )
    interviews = subject.interviews
    if interviews is not None and _shows_interviews(subject):
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
    back = BACK if subject.profile is not None else BACK_TO_LIST
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
{_back_link("top", back)}
<h1>{html.escape(subject.name, quote=False)}</h1>
<p class="sub">Synthèse du plan d'action pour la coordination du contrat local de santé.
Les actions sont catégorisées avec la grille CLoterreS ; chaque catégorie peut être vérifiée
dans le classeur d'étude.</p>
{chr(10).join(sections)}
{_back_link("bottom", back)}
<footer>{html.escape(footer, quote=False)}</footer>
</body>
</html>
"""
    path = folder / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    written.append(path)
    return written


def _reliability_lines(profile: ContractProfile) -> str:
    """The expected precision / recall of the categories the page's charts count, one line per
    dimension, and what they were measured on."""
    lines: list[str] = []
    for dim_id, only_covered in (("champ", False), ("thematique", True), ("strategie", False)):
        dim = profile.dimension(dim_id)
        if dim is None or not dim.covered():
            continue
        shown = dim.covered() if only_covered else dim.categories
        if only_covered:
            shown = sorted(shown, key=lambda c: -c.count)[:THEMES_IN_CHART]
        measured = [c for c in shown if c.precision is not None or c.recall is not None]
        if not measured:
            continue
        items = " ; ".join(
            f"{c.label} {decimal_text(c.precision)} / {decimal_text(c.recall)}" for c in measured
        )
        lines.append(f"<b>{html.escape(dim.label, quote=False)}</b> : {html.escape(items)}")
    if not lines:
        return ""
    return (
        '\n<p class="note reliability">Fiabilité attendue de chaque catégorie (précision\u00a0/\u00a0'
        "rappel, mesurés sur le jeu de test réel de la grille : documents publics codés deux fois "
        "à l'aveugle ; « – » : non mesurée ; détail sur la page de comparaison) — "
        + " · ".join(lines)
        + ".</p>"
    )


def share_text(count: int, total: int) -> str:
    """A share for a table cell: « 42 % », « < 1 % », « > 99 % », « – » without actions (the
    rounding of the pages' sentences)."""
    return percent(count, total).replace("moins de ", "<\u00a0").replace("plus de ", ">\u00a0")


def _cell(count: int, total: int, share: Share | None = None) -> str:
    title = f"{number(count)} {plural(count, 'action')} sur {number(total)}"
    if share is not None and (share.default or share.review):
        title += (
            f" ; à part : {number(share.default)} par défaut, {number(share.review)} à vérifier"
        )
    return f'<td title="{html.escape(title)}">{html.escape(share_text(count, total))}</td>'


def decimal_text(value: float | None) -> str:
    """« 0,94 », or « – » when not measured."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


COUNTING_NOTE = (
    "Les parts ne comptent que les étiquettes sûres : les étiquettes données par défaut (aucun "
    "indice dans le texte, par exemple « Tout public ») et celles de confiance inférieure à 0,6 "
    "sont exclues des parts et comptées à part (colonnes « Étiquettes par défaut » et « "
    "Étiquettes à vérifier ») tant qu'une personne ne les a pas revues."
)
RELIABILITY_NOTE = (
    "Fiabilité attendue : précision (part des étiquettes données par l'outil qui sont justes) "
    "et rappel (part des étiquettes attendues que l'outil donne) de chaque catégorie, mesurés "
    "sur le jeu de test réel de la grille (éléments tirés de documents publics, codés deux fois "
    "à l'aveugle puis arbitrés, jamais utilisés pour écrire les règles ni entraîner le "
    "modèle) ; « – » : non mesurée."
)


def _row_head(profile: ContractProfile, file: str | None) -> str:
    name = html.escape(profile.contrat, quote=False)
    if file is not None:
        name = f'<a href="{html.escape(file)}">{name}</a>'
    return f'<th scope="row">{name}</th>'


def _table(caption: str, headers: list[str], rows: list[tuple[str, list[str], bool]]) -> str:
    """rows: (row header cell, data cells, whole-set row)."""
    head = "".join(f'<th scope="col">{html.escape(h, quote=False)}</th>' for h in headers)
    body = "\n".join(
        ('<tr class="all">' if whole else "<tr>") + first + "".join(cells) + "</tr>"
        for first, cells, whole in rows
    )
    return (
        f'<table class="compare">\n<caption>{html.escape(caption, quote=False)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def _compared_dimensions(profile: ContractProfile) -> list[str]:
    """The dimensions shown side by side: all but the themes (counted as covered) and the
    dimension of the level (shown through the CLoterreS level)."""
    skip = {profile.themes_dimension, profile.level.dimension if profile.level else None}
    return [d.id for d in profile.dimensions if d.id not in skip]


def _indicator_table(rows: list[tuple[ContractProfile, str | None]]) -> str:
    first = rows[0][0]
    headers = ["Contrat", "Actions", *(name for name, _ in comparison_columns(first))]
    themes = bool(first.themes_covered() or first.themes_not_covered())
    if themes:
        headers.append("Thématiques couvertes")
    headers += ["Étiquettes par défaut", "Étiquettes à vérifier"]
    body: list[tuple[str, list[str], bool]] = []
    for profile, file in rows:
        n = profile.categorised
        actions = number(profile.measures)
        if profile.without_text:
            actions += f" (dont {number(profile.without_text)} sans texte)"
        cells = [f"<td>{html.escape(actions)}</td>"]
        cells += [
            _cell(share.count, n, share) if share is not None else "<td>–</td>"
            for _, share in comparison_columns(profile)
        ]
        if themes:
            covered = len(profile.themes_covered())
            total = covered + len(profile.themes_not_covered())
            cells.append(f"<td>{number(covered)} sur {number(total)}</td>")
        cells += [f"<td>{number(profile.defaults)}</td>", f"<td>{number(profile.reviews)}</td>"]
        body.append((_row_head(profile, file), cells, file is None))
    return _table("Indicateurs CLoterreS", headers, body)


def _dimension_table(dim_id: str, rows: list[tuple[ContractProfile, str | None]]) -> str:
    dims = [(p, p.dimension(dim_id), file) for p, file in rows]
    first = next(d for _, d, _ in dims if d is not None)
    body: list[tuple[str, list[str], bool]] = []
    for profile, dim, file in dims:
        shares = {c.id: c for c in dim.categories} if dim is not None else {}
        cells = [
            _cell(shares[c.id].count, profile.categorised, shares[c.id])
            if c.id in shares
            else _cell(0, profile.categorised)
            for c in first.categories
        ]
        body.append((_row_head(profile, None), cells, file is None))
    reliability = [
        f"<td>{decimal_text(c.precision)} / {decimal_text(c.recall)}</td>" for c in first.categories
    ]
    body.append(('<th scope="row">Fiabilité attendue (précision / rappel)</th>', reliability,
                 False))  # fmt: skip
    return _table(first.label, ["Contrat", *(c.label for c in first.categories)], body)


def _comparison_chart(folder: Path, profiles: list[ContractProfile], dim_id: str) -> str:
    dims = [(p, p.dimension(dim_id)) for p in profiles]
    first = next(d for _, d in dims if d is not None)
    series = [
        (
            p.contrat,
            [
                100
                * (next((x.count for x in d.categories if x.id == c.id), 0) if d else 0)
                / p.categorised
                if p.categorised
                else 0.0
                for c in first.categories
            ],
        )
        for p, d in dims
    ]
    path = folder / IMAGES / INDEX_CHART.format(dim=dim_id)
    charts.grouped_bars(
        path,
        f"{first.label} : part des actions de chaque contrat",
        [c.label for c in first.categories],
        series,
        value_label="Part des actions catégorisées du contrat",
    )
    alt = (
        f"Diagramme en barres : pour chaque catégorie de la dimension « {first.label} », la part "
        f"des actions catégorisées de chaque contrat ({', '.join(p.contrat for p in profiles)}) ; "
        f"les valeurs sont dans le tableau « {first.label} » ci-dessous."
    )
    return _figure(f"{IMAGES}/{path.name}", alt, "wide")


def _interviews_note(
    entries: list[tuple[ReportSubject, str]], attribution: Attribution | None
) -> str:
    lines: list[str] = []
    for subject, _ in entries:
        if _shows_interviews(subject) and subject.profile is not None:
            n = subject.interviews.interviews if subject.interviews else 0
            lines.append(
                f"« {subject.name} » : {number(n)} {plural(n, 'entretien')} "
                f"{plural(n, 'présenté', 'présentés')} sur la page du contrat."
            )
    for left in attribution.unattributed if attribution else []:
        where = f"du territoire « {left.territory} »" if left.territory else "sans territoire"
        source = f" ({left.file})" if left.file else ""
        lines.append(
            f"{number(left.interviews)} {plural(left.interviews, 'entretien')} {where}{source} : "
            f"aucun contrat ne porte ce nom ; {plural(left.interviews, 'il', 'ils')} ne "
            f"{plural(left.interviews, 'figure', 'figurent')} sur aucune page de contrat."
        )
    if not lines:
        return ""
    return (
        '<h2>Entretiens</h2>\n<ul class="facts">\n'
        + "\n".join(f"<li>{html.escape(x, quote=False)}</li>" for x in lines)
        + "\n</ul>"
    )


def write_index(
    folder: Path,
    entries: list[tuple[ReportSubject, str]],
    footer: str,
    attribution: Attribution | None = None,
    *,
    overall: ContractProfile | None = None,
) -> Path:
    """``index.html``: the contracts compared side by side (the profiles' numbers, one chart of
    the main dimension), a link to every report (entries: (subject, file name)), and which
    interviews no report presents. ``overall``: the whole set, as a last row."""
    sections: list[str] = []
    compared = [(s.profile, file) for s, file in entries if s.profile is not None]
    if compared:
        rows: list[tuple[ContractProfile, str | None]] = list(compared)
        if overall is not None and len(compared) > 1:
            rows.append((overall, None))
        first = compared[0][0]
        dims = _compared_dimensions(first)
        main = MAIN_DIMENSION if MAIN_DIMENSION in dims else (dims[0] if dims else None)
        sections.append(
            '<p class="note">Une ligne par contrat ; cliquez sur un contrat pour lire sa page. '
            "Les parts (%) portent sur les actions catégorisées de chaque contrat (avec un "
            "intitulé ou une description) ; une action peut relever de plusieurs catégories "
            "d'une dimension, les parts d'une ligne peuvent donc dépasser 100\u00a0% au "
            f"total. {html.escape(COUNTING_NOTE, quote=False)}</p>"
        )
        sections.append(_indicator_table(rows))
        if main is not None:
            (folder / IMAGES).mkdir(exist_ok=True)
            sections.append(_comparison_chart(folder, [p for p, _ in compared], main))
        sections.extend(_dimension_table(d, rows) for d in dims)
        sections.append(f'<p class="note">{html.escape(RELIABILITY_NOTE, quote=False)}</p>')
    others = [(s, file) for s, file in entries if s.profile is None]
    if others:
        sections.append(
            '<ul class="facts">\n'
            + "\n".join(
                f'<li><a href="{html.escape(file)}">{html.escape(s.name, quote=False)}</a></li>'
                for s, file in others
            )
            + "\n</ul>"
        )
    sections.append(_interviews_note(entries, attribution))
    title = (
        "Comparaison des contrats locaux de santé"
        if compared
        else "Synthèses des contrats locaux de santé"
    )
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}{INDEX_CSS}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
{chr(10).join(x for x in sections if x)}
<footer>{html.escape(footer, quote=False)}</footer>
</body>
</html>
"""
    path = folder / INDEX
    path.write_text(page, encoding="utf-8")
    return path

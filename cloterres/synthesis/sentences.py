"""Short French sentences generated from a profile's numbers, for coordinators' reports.

Percentages are rounded half up to the unit ("35 %", with a non-breaking space); a share that is
neither 0 nor 100 % never shows as "0 %" or "100 %" ("moins de 1 %", "plus de 99 %"). Verbs and
nouns agree with the count ("1 des 34 actions vise", "12 des 34 actions visent", "aucune des 34
actions ne vise").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cloterres.synthesis.interviews import CodeCount, InterviewSummary
from cloterres.synthesis.profiles import ContractProfile, Share

NBSP = "\u00a0"


def percent(count: int, total: int) -> str:
    """``35 %`` (French style); "moins de 1 %" / "plus de 99 %" near the ends."""
    if total <= 0:
        return "–"
    value = int(
        (Decimal(100) * count / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    if value == 0 and count > 0:
        return f"moins de 1{NBSP}%"
    if value == 100 and count < total:
        return f"plus de 99{NBSP}%"
    return f"{value}{NBSP}%"


def number(n: int) -> str:
    """Thousands separated by a narrow no-break space, as in French typography."""
    return f"{n:,}".replace(",", "\u202f")


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """French agreement: singular for 0 and 1 (« aucune action », « 1 action »)."""
    return singular if n < 2 else (plural_form or singular + "s")


def _ne(verb: str) -> str:
    return "n'" + verb if verb[:1] in "aeéèêiouyh" else "ne " + verb


def count_of(n: int, total: int, verb_singular: str, verb_plural: str, rest: str) -> str:
    """« 12 des 34 actions (35 %) visent … » with the right agreement."""
    actions = f"{number(total)} {plural(total, 'action')}"
    if total == 1:
        if n == 0:
            return f"L'unique action {_ne(verb_singular)} pas {rest}."
        return f"L'unique action {verb_singular} {rest}."
    if n == 0:
        return f"Aucune des {actions} {_ne(verb_singular)} {rest}."
    verb = verb_singular if n == 1 else verb_plural
    if n == total:
        return f"Les {actions} {verb_plural} toutes {rest}."
    return f"{number(n)} des {actions} ({percent(n, total)}) {verb} {rest}."


def _labels(items: list[Share], limit: int = 0) -> str:
    names = [f"« {s.label} »" for s in items]
    if limit and len(names) > limit:
        return ", ".join(names[:limit]) + f" et {len(names) - limit} autre(s)"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def profile_sentences(profile: ContractProfile) -> list[str]:
    """What a coordinator reads first about their plan, in order."""
    n = profile.categorised
    out: list[str] = []
    head = (
        f"Le plan d'action compte {number(profile.measures)} {plural(profile.measures, 'action')}"
    )
    if profile.without_text:
        head += (
            f", dont {number(profile.without_text)} sans intitulé ni description "
            f"({plural(profile.without_text, 'non catégorisée', 'non catégorisées')}) ; "
            f"les parts ci-dessous portent sur les {number(n)} {plural(n, 'action')} "
            f"{plural(n, 'catégorisée', 'catégorisées')}"
        )
    out.append(head + ".")
    if n == 0:
        return out
    if profile.defaults or profile.reviews:
        d, r = profile.defaults, profile.reviews
        out.append(
            f"Les parts ne comptent que les catégories sûres : {number(d)} "
            f"{plural(d, 'étiquette donnée', 'étiquettes données')} par défaut (aucun indice dans "
            f"le texte) et {number(r)} {plural(r, 'étiquette')} de confiance inférieure à 0,6 "
            f"{plural(d + r, 'est', 'sont')} à vérifier dans le classeur d'étude et "
            f"{plural(d + r, _ne('est'), 'ne sont')} pas {plural(d + r, 'comptée', 'comptées')}."
        )
    level = profile.level
    if level is not None:
        env = level.at_least_of("environnemental")
        env_only = level.only_of("environnemental")
        ind_only = level.only_of("individuel")
        if env is not None and env_only is not None and ind_only is not None:
            sentence = count_of(
                env.count, n, "vise", "visent",
                "l'environnement des personnes (niveaux interpersonnel, organisationnel, "
                "communautaire ou politique)",
            )  # fmt: skip
            if env_only.count and n > 1:
                sentence = (
                    sentence[:-1] + f", dont {number(env_only.count)} "
                    f"({percent(env_only.count, n)}) uniquement."
                )
            out.append(sentence)
            out.append(
                count_of(
                    ind_only.count, n, "vise", "visent",
                    "seulement les connaissances, les aptitudes ou les comportements individuels",
                )
            )  # fmt: skip
        else:
            for share in level.only:
                out.append(
                    count_of(share.count, n, "relève", "relèvent",
                             f"seulement du niveau « {share.label} »")
                )  # fmt: skip
    phrases = {
        "hors_soins": (
            "vise",
            "visent",
            "au moins un déterminant de santé autre que l'accès aux services de santé",
        ),
        "multi_objectifs": (
            "est",
            "sont",
            "multi-objectifs (au moins deux déterminants de santé visés)",
        ),
        "supra_communal": ("est", "sont", "menée(s) à l'échelle de plusieurs communes"),
    }
    for indicator in profile.indicators:
        singular, plural_verb, rest = phrases.get(
            indicator.id, ("relève", "relèvent", f"de « {indicator.label} »")
        )
        if indicator.id == "supra_communal":
            rest = f"{plural(indicator.count, 'menée', 'menées')} à l'échelle de plusieurs communes"
        out.append(count_of(indicator.count, n, singular, plural_verb, rest))
    champ = profile.dimension("champ")
    if champ is not None and champ.covered():
        top = max(champ.categories, key=lambda c: c.count)
        out.append(
            f"Le champ le plus représenté est « {top.label} » ({number(top.count)} "
            f"{plural(top.count, 'action')}, {percent(top.count, n)})."
        )
    covered, missing = profile.themes_covered(), profile.themes_not_covered()
    if covered or missing:
        total = len(covered) + len(missing)
        sentence = (
            f"{number(len(covered))} {plural(len(covered), 'thématique')} de santé sur "
            f"{number(total)} {plural(len(covered), 'est couverte', 'sont couvertes')} par au "
            f"moins une action"
        )
        if missing:
            sentence += (
                f" ; {plural(len(missing), 'thématique', 'thématiques')} sans aucune action : "
                f"{_labels(missing)}"
            )
        out.append(sentence + ".")
    return out


def _cited(code: CodeCount) -> str:
    check = (
        f" ; {number(code.to_check)} {plural(code.to_check, 'passage')} à vérifier"
        if code.to_check
        else ""
    )
    reliability = (
        f" ; précision attendue {_decimal(code.precision)}" if code.precision is not None else ""
    )
    return (
        f"« {code.label.split(' : ', 1)[-1]} » ({number(code.interviews)} "
        f"{plural(code.interviews, 'entretien')}, {number(code.units)} "
        f"{plural(code.units, 'passage')}{check}{reliability})"
    )


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def interview_sentences(summary: InterviewSummary) -> list[str]:
    out = [
        f"{number(summary.interviews)} {plural(summary.interviews, 'entretien')} "
        f"{plural(summary.interviews, 'codé', 'codés')} ({number(summary.units)} "
        f"{plural(summary.units, 'unité')} de texte, dont {number(summary.units_with_codes)} "
        f"avec au moins un code)."
    ]
    if summary.to_check:
        out.append(
            f"Seuls les codes sûrs sont comptés : {number(summary.to_check)} "
            f"{plural(summary.to_check, 'code')} de confiance inférieure à 0,6 "
            f"{plural(summary.to_check, 'est compté', 'sont comptés')} à part, comme passages "
            f"à vérifier."
        )
    for what, ranked in (
        ("Bénéfices", summary.benefits()),
        ("Coûts", summary.costs()),
    ):
        if ranked:
            out.append(f"{what} les plus cités : " + ", ".join(_cited(c) for c in ranked[:3]) + ".")
        else:
            out.append(f"{what} : aucun passage codé.")
    return out

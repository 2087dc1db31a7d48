"""Read, analyse and write an actor network (the library function behind ``cloterres reseau``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cloterres import __version__
from cloterres.errors import InputError
from cloterres.io.display import french_date
from cloterres.io.files import check_input_files, prepare_output, staged
from cloterres.network.analysis import NetworkAnalysis, analyse
from cloterres.network.comention import MENTION_TYPE
from cloterres.network.layers import RULES, build_layers
from cloterres.network.missing import MISSING, non_respondent_treatment
from cloterres.network.model import Actor, Tie, TieStatus
from cloterres.network.outputs import RunDetails, write_gexf, write_graphml, write_jsonl, write_xlsx
from cloterres.network.picture import write_png
from cloterres.network.pseudonyms import (
    Correspondence,
    correspondence_paths,
    pseudonymise_network,
    write_correspondence,
)
from cloterres.network.readers import attribute_values, read_actors, read_ties, type_id

OUTPUT_FORMATS = (".xlsx", ".jsonl", ".gexf", ".graphml", ".png")
DEFAULT_DIRECTED = (MENTION_TYPE,)
MAX_PERMUTATIONS = 1_000_000
_KINDS = {"table": "tableau de liens", "enquete": "questionnaire", "co_mention": "co-mentions"}


@dataclass
class NetworkReport:
    analysis: NetworkAnalysis
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ties_read: int = 0
    seconds: float = 0.0


def output_paths(outputs: list[Path], image: Path | None) -> tuple[list[Path], Path]:
    """The files to write and the picture's path (``--image``, a ``.png`` among the outputs, or
    the first output with the ``.png`` extension)."""
    if not outputs and image is None:
        raise InputError("aucune sortie : donnez au moins --sortie FICHIER (.xlsx, .jsonl, "
                         ".gexf, .graphml ou .png)")  # fmt: skip
    files: list[Path] = []
    for path in outputs:
        if path.suffix.lower() not in OUTPUT_FORMATS:
            raise InputError(
                f"{path} : format de sortie non reconnu ; choisissez .xlsx, .jsonl, .gexf, "
                f".graphml ou .png"
            )
        if path.suffix.lower() == ".png":
            if image is None:
                image = path
            elif path != image:
                files.append(path)
        else:
            files.append(path)
    if image is None:
        image = outputs[0].with_suffix(".png")
    elif image.suffix.lower() != ".png":
        raise InputError(f"{image} : l'image du réseau s'écrit dans un fichier .png")
    if image in files:
        files.remove(image)
    targets = [*files, image]
    if len({p.resolve() for p in targets}) != len(targets):
        raise InputError("deux sorties ont le même nom de fichier ; donnez des noms différents")
    return files, image


def run_network(
    actors_path: Path,
    ties_paths: list[Path],
    outputs: list[Path],
    *,
    image: Path | None = None,
    attribute: str = "milieu",
    rule: str = "union",
    directed: list[str] | None = None,
    permutations: int = 1000,
    seed: int = 1,
    overwrite: bool = False,
    command: str = "",
    progress: Callable[[int], None] | None = None,
    non_respondents: str = MISSING,
    pseudonymise: bool = False,
    table: Path | None = None,
) -> NetworkReport:
    started = time.perf_counter()
    missing = non_respondent_treatment(non_respondents)
    rule = _check_options(rule, seed, permutations)
    check_input_files([actors_path, *ties_paths], "donnez le tableau des acteurs puis les liens")
    if not ties_paths:
        raise InputError(
            "donnez au moins un fichier de liens après le tableau des acteurs (tableau de liens, "
            "questionnaire ou unités d'entretien codées)"
        )
    files, picture = output_paths(outputs, image)
    inputs = [actors_path, *ties_paths]
    for path in [*files, picture]:
        prepare_output(path, overwrite=overwrite, inputs=inputs)
    correspondence = None
    table_out: Path | None = None
    if pseudonymise or table is not None:  # a table asked for means pseudonyms asked for
        correspondence, table_out = correspondence_paths(
            table, (files or [picture])[0], [*files, picture], overwrite=overwrite, inputs=inputs
        )

    actors = read_actors(actors_path)
    values, attribute_warnings = attribute_values(actors, attribute, actors_path)
    warnings = [w.describe() for w in attribute_warnings]
    read_inputs: list[tuple[str, str]] = [(str(actors_path), f"{len(actors)} acteurs")]
    ties, respondents = _read_all_ties(ties_paths, actors, warnings, read_inputs)
    if correspondence is not None:
        hidden = pseudonymise_network(actors, ties, respondents, correspondence)
        actors, ties, respondents = hidden.actors, hidden.ties, hidden.respondents
        warnings = [hidden.rewrite(w) for w in warnings]
    directed_types = {type_id(t) for t in (directed or [])} | set(DEFAULT_DIRECTED)
    present = {t.type for t in ties}
    for name in sorted({type_id(t) for t in (directed or [])} - present):
        warnings.append(f"--oriente : aucun lien de type « {name} » dans les données")
    layers, layer_warnings = build_layers(
        actors,
        ties,
        directed_types=directed_types,
        rule=rule,
        respondents=respondents,
        missing=missing,
    )
    warnings.extend(w.describe() for w in layer_warnings)
    analysis = analyse(
        actors, attribute, values, layers, permutations=permutations, seed=seed, rule=rule,
        directed_types=sorted(directed_types & present), progress=progress,
        missing=missing,
    )  # fmt: skip
    statuses: list[TieStatus] = [s for layer in layers for s in layer.statuses]
    details = RunDetails(
        tool_version=__version__,
        date=french_date(),
        command=command,
        inputs=read_inputs,
        warnings=warnings,
    )
    return NetworkReport(
        analysis=analysis,
        outputs=_write_outputs(
            files, picture, analysis, statuses, details, correspondence, table_out
        ),
        warnings=warnings,
        ties_read=len(ties),
        seconds=time.perf_counter() - started,
    )


def _check_options(rule: str, seed: int, permutations: int) -> str:
    """The symmetrisation rule (normalised), the seed and the number of permutations checked."""
    rule = rule.strip().lower().replace("é", "e")
    if rule not in RULES:
        raise InputError(
            f"--symetrisation : règle inconnue « {rule} » ; choisissez union (un des deux côtés "
            f"déclare le lien) ou reciproque (les deux côtés le déclarent)"
        )
    if not 0 <= seed <= 2**32 - 1:
        raise InputError(f"--graine : donnez un nombre entier entre 0 et {2**32 - 1}")
    if not 0 <= permutations <= MAX_PERMUTATIONS:
        raise InputError(f"--permutations : donnez un nombre entre 0 et {MAX_PERMUTATIONS}")
    return rule


def _read_all_ties(
    ties_paths: list[Path],
    actors: list[Actor],
    warnings: list[str],
    read_inputs: list[tuple[str, str]],
) -> tuple[list[Tie], set[str]]:
    """The ties of every tie file and the survey respondents; each file's warnings and a line
    on what it gave are appended to ``warnings`` and ``read_inputs``."""
    ties: list[Tie] = []
    respondents: set[str] = set()
    for path in ties_paths:
        result = read_ties(path, actors)
        ties.extend(result.ties)
        respondents |= result.respondents
        warnings.extend(w.describe() for w in result.warnings)
        kind = _KINDS.get(result.kind, result.kind)
        read_inputs.append((str(path), f"{kind}, {len(result.ties)} liens lus"))
    if not ties:
        raise InputError(
            f"{', '.join(str(p) for p in ties_paths)} : aucun lien lu ; vérifiez les fichiers de "
            f"liens (ou, pour des entretiens, que les noms des acteurs y apparaissent)"
        )
    return ties, respondents


def _write_outputs(
    files: list[Path],
    picture: Path,
    analysis: NetworkAnalysis,
    statuses: list[TieStatus],
    details: RunDetails,
    correspondence: Correspondence | None = None,
    table_out: Path | None = None,
) -> list[Path]:
    """Every output, all or nothing: each is written to a hidden temporary file first, and they
    are all renamed into place only when the last one is complete."""
    written: list[Path] = []
    with staged() as staging:
        for path in files:
            suffix = path.suffix.lower()
            tmp = staging.path(path)
            if suffix == ".xlsx":
                write_xlsx(tmp, analysis, statuses, details)
            elif suffix == ".jsonl":
                write_jsonl(tmp, analysis)
            elif suffix == ".gexf":
                write_gexf(tmp, analysis)
            elif suffix == ".graphml":
                write_graphml(tmp, analysis)
            else:
                write_png(tmp, analysis)
            written.append(path)
        write_png(staging.path(picture), analysis)
        written.append(picture)
        if correspondence is not None and table_out is not None:
            write_correspondence(staging.path(table_out), correspondence)
            written.append(table_out)
    return written

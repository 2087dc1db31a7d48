"""``reseau --pseudonymiser``: actor names replaced by stable pseudonyms in every output.

The correspondence table has the format ``cloterres coder`` writes (``type ; pseudonyme ; nom ;
autres formes remplacées ; occurrences``, UTF-8 with BOM, ``;``). Given with ``--table``, an
existing table is read first: an actor whose name or alias is a name or another form of the
table keeps that pseudonym (``[Personne 2]``, ``[Organisation 1]``), so the interviews coded
with ``coder`` and the network give the same person the same pseudonym. The other actors get
``[Acteur n]``. The completed table is written to a separate file, readable by its owner only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.errors import InputError
from cloterres.interviews.pseudonymise import name_key
from cloterres.io.files import atomic_path, prepare_output
from cloterres.io.safety import csv_safe
from cloterres.io.text import read_text
from cloterres.network.model import Actor, Tie

HEADER = ["type", "pseudonyme", "nom", "autres formes remplacées", "occurrences"]
ACTOR_KIND = "Acteur"


@dataclass
class Correspondence:
    """Pseudonym by name key, and the rows of the table (read and new ones)."""

    by_key: dict[str, str] = field(default_factory=dict)
    rows: list[list[str]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def add_row(self, row: list[str]) -> None:
        kind, pseudo, name, others = row[0], row[1], row[2], row[3]
        self.rows.append(row)
        for form in [name, *others.split(",")]:
            key = name_key(form.strip())
            if key:
                self.by_key.setdefault(key, pseudo)
        number = pseudo.strip("[]").split(" ")[-1]
        if number.isdigit():
            self.counters[kind] = max(self.counters.get(kind, 0), int(number))

    def find(self, actor: Actor) -> str | None:
        for name in (actor.nom, *actor.alias):
            pseudo = self.by_key.get(name_key(name))
            if pseudo:
                return pseudo
        return None

    def new(self, actor: Actor) -> str:
        number = self.counters.get(ACTOR_KIND, 0) + 1
        pseudo = f"[{ACTOR_KIND} {number}]"
        others = sorted({name_key(a) for a in actor.alias} - {name_key(actor.nom)})
        self.add_row([ACTOR_KIND, pseudo, actor.nom, ", ".join(others), "1"])
        return pseudo


def read_correspondence(path: Path) -> Correspondence:
    """A table written by ``coder`` (or by an earlier ``reseau --pseudonymiser``)."""
    table = Correspondence()
    if not path.exists():
        return table
    if path.is_dir():
        raise InputError(
            f"{path} : est un dossier ; donnez le fichier de la table de correspondance"
        )
    lines = read_text(path).splitlines()
    reader = csv.reader(lines, delimiter=";")
    header = next(reader, [])
    if [h.strip().lower() for h in header[:3]] != HEADER[:3]:
        raise InputError(
            f"{path} : ce n'est pas une table de correspondance de cloterres (en-têtes attendus : "
            f"{' ; '.join(HEADER)}) ; donnez la table écrite par « cloterres coder "
            f"--pseudonymiser » ou un nouveau nom de fichier"
        )
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3 or not row[1].strip():
            raise InputError(f"{path}, ligne {line} : pseudonyme manquant ; corrigez la ligne")
        row = [c.strip() for c in row] + [""] * (5 - len(row))
        table.add_row(row[:5])
    return table


def write_correspondence(path: Path, table: Correspondence) -> None:
    with (
        atomic_path(path, private=True) as tmp,
        tmp.open("w", encoding="utf-8-sig", newline="") as fh,
    ):  # readable by its owner only: it holds every real name
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows([csv_safe(v) for v in row] for row in table.rows)


@dataclass
class Pseudonymised:
    actors: list[Actor]
    ties: list[Tie]
    respondents: set[str]
    table: Correspondence
    replacements: list[tuple[str, str]]  # (real, pseudonym), longest first

    def rewrite(self, text: str) -> str:
        """A warning or a message with the real names replaced."""
        for real, pseudo in self.replacements:
            text = text.replace(real, pseudo)
        return text


def pseudonymise_network(
    actors: list[Actor], ties: list[Tie], respondents: set[str], table: Correspondence
) -> Pseudonymised:
    """Actors renamed (aliases dropped; ids too when they are the names), ties and respondents
    following the ids."""
    renamed: list[Actor] = []
    ids: dict[str, str] = {}
    replacements: dict[str, str] = {}
    for actor in actors:
        pseudo = table.find(actor) or table.new(actor)
        name_is_id = name_key(actor.id) == name_key(actor.nom)
        new_id = pseudo if name_is_id else actor.id
        ids[actor.id] = new_id
        replacements[actor.nom] = pseudo
        for alias in actor.alias:
            replacements.setdefault(alias, pseudo)
        if name_is_id:
            replacements[actor.id] = pseudo
        renamed.append(actor.model_copy(update={"id": new_id, "nom": pseudo, "alias": ()}))
    if len(set(ids.values())) != len(ids):
        raise InputError(
            "--pseudonymiser : deux acteurs désignés par leur nom recevraient le même pseudonyme "
            "(la table de correspondance leur donne le même) ; donnez-leur une colonne « id »"
        )
    moved = [t.model_copy(update={"source": ids[t.source], "cible": ids[t.cible]}) for t in ties]
    order = sorted(replacements.items(), key=lambda kv: -len(kv[0]))
    return Pseudonymised(
        actors=renamed,
        ties=moved,
        respondents={ids[r] for r in respondents},
        table=table,
        replacements=[(real, pseudo) for real, pseudo in order if len(real) >= 2],
    )


def correspondence_paths(
    table: Path | None,
    first_output: Path,
    outputs: list[Path],
    *,
    overwrite: bool,
    inputs: list[Path],
) -> tuple[Correspondence, Path]:
    """The table read (``--table`` when it exists) and where the completed table is written:
    ``--table`` when it does not exist yet, else ``<first output>-correspondances.csv``."""
    if table is not None and table.exists():
        read = read_correspondence(table)
        target = first_output.with_name(f"{first_output.stem}-correspondances.csv")
    else:
        read = Correspondence()
        target = table or first_output.with_name(f"{first_output.stem}-correspondances.csv")
    if target.suffix.lower() != ".csv":
        raise InputError(f"{target} : la table de correspondance s'écrit dans un fichier .csv")
    if any(target.resolve() == p.resolve() for p in outputs):
        raise InputError(
            f"{target} : la table de correspondance doit être un autre fichier que les sorties"
        )
    prepare_output(target, overwrite=overwrite, inputs=[*inputs, *([table] if table else [])])
    return read, target

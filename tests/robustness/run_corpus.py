"""Run every file of a folder of broken files through every command of the tool.

    python tests/robustness/run_corpus.py DOSSIER

Each file goes through `categoriser` and `coder` (every output format) and `grille valider`, in
this process (the spaCy model is loaded once). A run must end in success with a readable output,
or in a French error with exit code 2 and no output; never a traceback, an internal error, or a
partial or temporary file. Prints one line per problem and exits 1 if there is any. The corpus is
kept outside the repository (it may hold real, personal or hostile files).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = [
    ("categoriser", ".jsonl"), ("categoriser", ".csv"), ("categoriser", ".xlsx"),
    ("coder", ".jsonl"), ("coder", ".csv"), ("coder", ".xlsx"), ("coder", ".qdpx"),
    ("grille valider", None),
]  # fmt: skip


def main(folder: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.robustness.hostile import check_run, run_cli

    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if not files:
        print(f"{folder} : aucun fichier")
        return 1
    problems = 0
    for path in files:
        for command, extension in RUNS:
            with tempfile.TemporaryDirectory() as name:
                out_dir = Path(name)
                args: list[str | Path] = [*command.split(), path]
                output = None
                if extension:
                    output = out_dir / f"sortie{extension}"
                    args += ["--sortie", output, "--silencieux"]
                code, _out, err = run_cli(*args)
                try:
                    check_run(code, err, output, out_dir)
                except AssertionError as exc:
                    problems += 1
                    print(f"PROBLÈME {path} [{command} {extension or ''}] : {exc}".strip())
    print(f"{len(files)} fichier(s), {len(files) * len(RUNS)} exécutions, {problems} problème(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))

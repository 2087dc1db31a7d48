"""Pathological inputs against every reader: 1 MB lines built to make a backtracking regex
take quadratic (or worse) time, and a PDF decompression bomb.

Each file goes through the CLI in a process of its own; the script prints the time, the peak
memory (max RSS) and the exit code. The bars: under 20 s and 1.5 GB each, ending in success
or in one French error line (exit 2). Nothing is asserted here (timings depend on the
machine); tests/robustness/test_linear_parsing.py checks the parses themselves, quickly.

    .venv/bin/python tests/bench/bench_hostile_lines.py [--taille OCTETS]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "cloterres"]


def pdf_bomb(path: Path, inflated: int) -> None:
    """One page whose content stream inflates to ``inflated`` bytes of spaces."""
    comp = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(comp.compress(block) for _ in range(inflated >> 20)) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    write_pdf(path, objects)


def write_pdf(path: Path, objects: list[bytes]) -> None:
    """A PDF file of numbered objects (object 1 the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


def cases(folder: Path, size: int) -> list[tuple[str, list[str]]]:
    spaces = " " * size
    tabs = "\t" * size
    files = {
        "titre-md.md": f"#{spaces}#x\n\nFiche action 1 : Titre\n",
        "titre-md-ferme.md": f"# Titre{spaces}#\n",
        "ligne-plan.md": f"Axe 1{spaces}\n- Action 1{spaces}x\nFiche action 1 :{spaces}:x\n",
        "regle-tableau.md": f"| a | b |\n|{' -' * (size // 2)}|x\n|{spaces}x|\n",
        "sommaire.txt": f"Axe 1{'.' * size}!\nIntroduction{tabs}x12345\n",
        "etiquette.txt": f"Objectif{spaces}x\nPilote{spaces}\xa0:{spaces}x\n",
        "metadonnees.txt": f"Date{tabs}x\nLieu :{tabs}x\n\nE : Bonjour\nR : Oui\n",
        "locuteur.txt": f"E : Bonjour\nR : Oui\nx{spaces}x\n**{spaces}:\n",
        "entretien-cle.txt": f"territoire : {tabs}\nid{spaces}: x\n\nE : a\nR : b\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "mesures.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "contrat", "intitule", "description"])
        writer.writerow(["1", "C", f"Axe 1{spaces}x", f"de 12{spaces}ans {'1 ' * (size // 2)}"])
    with (folder / "unites.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "texte"])
        writer.writerow(["1", f"Mme{spaces}A{'a' * size}. {'06 ' * (size // 3)} a@{'a.' * 1000}"])
    pdf_bomb(folder / "bombe.pdf", 2 << 30)
    from docx import Document

    document = Document()
    document.add_heading(f"Axe 1{spaces}x", level=1)
    document.add_paragraph(f"Fiche action 1 :{spaces}:x")
    document.add_paragraph(f"Pilote{spaces}\xa0:{spaces}x")
    document.save(str(folder / "plan.docx"))
    out = folder / "sorties"
    plan_inputs = ["titre-md.md", "titre-md-ferme.md", "ligne-plan.md", "regle-tableau.md"]
    plan_inputs += ["sommaire.txt", "etiquette.txt", "mesures.csv", "plan.docx", "bombe.pdf"]
    interview_inputs = ["metadonnees.txt", "locuteur.txt", "entretien-cle.txt", "unites.csv"]
    runs: list[tuple[str, list[str]]] = []
    for name in plan_inputs:
        runs.append((name, ["extraire", name, "--sortie", f"{out}/{name}.xlsx"]))
    for name in interview_inputs:
        runs.append((name, ["coder", name, "--pseudonymiser", "--sortie", f"{out}/{name}.jsonl"]))
    return runs


def run(folder: Path, args: list[str]) -> tuple[float, float, int, str]:
    """Time, peak memory (MB, from wait4) and exit code of one CLI run; killed after 120 s."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [*CLI, *args, "--ecraser", "--silencieux"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        timer = threading.Timer(120, proc.kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().strip()
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, proc.returncode, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taille", type=int, default=1_000_000, help="longueur des lignes")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        (folder / "sorties").mkdir()
        print(f"{'fichier':24} {'commande':9} {'secondes':>8} {'mémoire':>9} sortie")
        for name, args in cases(folder, options.taille):
            seconds, peak, code, err = run(folder, args)
            flag = (
                ""
                if seconds < 20 and peak < 1536 and code in (0, 2)
                else "  <-- au-delà des limites"
            )
            print(f"{name:24} {args[0]:9} {seconds:8.1f} {peak:7.0f} Mo {code}{flag}")
            if code not in (0, 2) or "Traceback" in err:
                print("   ", err.splitlines()[-1] if err else "")


if __name__ == "__main__":
    main()

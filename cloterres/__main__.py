"""``python -m cloterres`` runs the command-line tool."""

from __future__ import annotations

from cloterres.cli import main

if __name__ == "__main__":
    main()

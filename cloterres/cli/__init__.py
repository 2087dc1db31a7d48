"""The ``cloterres`` command: a thin typer app, each command calling one library function.

The package mirrors the command tree: one module per command or command group, named after the
French command as users type it (``categoriser``, ``coder``, ``extraire``, ``grille``,
``revue``, ``accord``, ``reseau``, ``synthese``); :mod:`~cloterres.cli.app` builds the root app,
:mod:`~cloterres.cli.main` is the entry point and the one French error boundary,
:mod:`~cloterres.cli.options` holds the options several commands share and
:mod:`~cloterres.cli.messages` the one warning printer.

Commands and options are French, each with an English alias (hidden from the help).
User errors print one French line on stderr and exit with code 2, never a traceback.
"""

from __future__ import annotations

import gc

# Importing the command tree (typer, rich, numpy, pydantic...) makes many objects and no garbage:
# the cyclic collector is paused meanwhile (a tenth of the start of a quick command), then
# restored as it was.
_collecting = gc.isenabled()
gc.disable()
try:
    from cloterres.cli.main import main
finally:
    if _collecting:
        gc.enable()

__all__ = ["main"]

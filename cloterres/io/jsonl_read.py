"""Reading JSON Lines files (outputs of ``categoriser`` / ``coder``, hand labels): one object per
line, each problem reported as one French line naming the file and the line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cloterres.errors import InputError


def iter_json_objects(path: Path, expected: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for every non-blank line of ``path`` (UTF-8, with or
    without BOM). ``expected`` ends each error message: what the user should give instead."""
    line_no = 0
    try:
        with path.open(encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, start=1):  # noqa: B007 - used after the loop
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"{path}, ligne {line_no} : JSON invalide ({exc.msg}) ; {expected}"
                    ) from None
                if "\\u" in line and _has_lone_surrogate(line, obj):
                    raise InputError(
                        f"{path}, ligne {line_no} : caractère invalide (moitié de paire UTF-16, "
                        f"« \\udxxx » seul) ; corrigez ou retirez ce caractère ; {expected}"
                    )
                if not isinstance(obj, dict):
                    raise InputError(
                        f"{path}, ligne {line_no} : la ligne n'est pas un objet JSON {{…}} ; "
                        f"{expected}"
                    )
                yield line_no, obj
    except UnicodeDecodeError:
        raise InputError(
            f"{path}, ligne {line_no + 1} : le fichier n'est pas en UTF-8 ; un fichier .jsonl "
            f"s'écrit en UTF-8 ; {expected}"
        ) from None


def _has_lone_surrogate(line: str, obj: Any) -> bool:
    """Whether a ``\\udxxx`` escape decoded to half a UTF-16 pair (no file can hold it)."""
    if "\\ud" not in line.lower():
        return False
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False

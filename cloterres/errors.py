"""Errors the user can fix: shown as one French line, exit code 2, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad input or usage. The message names the file, the row/line and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputWarning(UserWarning):
    """Something in the input was repaired (e.g. stray NUL bytes removed): the CLI shows it as
    one French « Attention : » line (not under ``-q``)."""

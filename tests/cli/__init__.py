"""Tests of the ``cloterres`` command, one module per command module of ``cloterres/cli``."""

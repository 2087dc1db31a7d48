"""The coding engine: grids, the rule coder, the learned layer, evidence and confidence; what
every front end codes with. Imports only :mod:`cloterres.io` and :mod:`cloterres.errors`."""

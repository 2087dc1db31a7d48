"""The grids shipped with cloterres, as package data of ``cloterres.grids``.

The YAML files live in the ``grids/`` folder at the top of the repository, where people read
and edit them; ``cloterres/grids`` is a symbolic link to that folder, so the grids are the
package data of ``cloterres.grids`` from a source checkout, an editable install and a wheel
alike. Find a shipped grid with :func:`cloterres.engine.grid.default_grid_path`, never by a path.
"""

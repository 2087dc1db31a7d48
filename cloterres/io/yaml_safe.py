"""Loading untrusted YAML (grids, transcript front matter) with bounded size.

PyYAML's safe loader builds no arbitrary objects, but it expands aliases: a few lines of anchors
and aliases ("billion laughs") make a document that is small in memory (shared references) yet
exponential to walk, and an alias inside its own anchor makes a cycle. Every document is checked
after composing and before constructing: the number of nodes counted with every alias expanded,
the nesting depth, and cycles.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 200_000  # the shipped grids have about 10,000 nodes
MAX_DEPTH = 50


class YamlBombError(ValueError):
    """A YAML document too large once aliases are expanded, too deep, or cyclic (French text)."""


def check_node(
    node: yaml.Node | None, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> None:
    """Raise YamlBombError when the composed document is too big, too deep or cyclic."""
    if node is None:
        return
    count = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    while stack:
        current, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(current))
            continue
        count += 1
        if count > max_nodes:
            raise YamlBombError(
                f"document trop volumineux une fois les alias (*) développés (plus de {max_nodes} "
                f"éléments) ; n'utilisez pas d'ancres (&) et d'alias (*) imbriqués"
            )
        if depth > max_depth:
            raise YamlBombError(
                f"imbrication trop profonde (plus de {max_depth} niveaux) ; simplifiez la structure"
            )
        if isinstance(current, yaml.ScalarNode):
            continue
        if id(current) in on_path:
            raise YamlBombError(
                f"alias (*) circulaire, ligne {current.start_mark.line + 1} : une ancre (&) se "
                f"contient elle-même ; retirez cet alias"
            )
        on_path.add(id(current))
        stack.append((current, depth, True))
        children: list[yaml.Node] = []
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                children += [key, value]
        elif isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        for child in reversed(children):
            stack.append((child, depth + 1, False))


def compose_and_construct(loader: yaml.SafeLoader) -> tuple[Any, yaml.Node | None]:
    """The document of ``loader`` (and its node tree), checked before it is constructed.

    Raises YamlBombError, yaml.YAMLError, or RecursionError (nesting too deep for the parser)."""
    try:
        node = loader.get_single_node()
        check_node(node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with bounded alias expansion, depth and no cycles."""
    return compose_and_construct(yaml.SafeLoader(text))[0]

"""Rasa's prediction graphs run in order, without building a dask graph for every call.

Rasa 3.6 runs its model as a graph of components with `DaskGraphRunner`: for every message
it is asked to understand and every next action it predicts, it works out the part of the
graph needed, builds a dask task graph from it and has dask's synchronous scheduler order and
run it. The graphs are small (a dozen nodes) and always run in one thread, so that
bookkeeping was 7% of the Rasa server's time under the benchmark load.

Here the needed nodes and their order are worked out once per set of targets, and each call
runs them in that order, giving each node its parents' outputs exactly as dask does: the
`(name, output)` pair of a node or an input, or the bare name where nothing provides it.
Errors surface as they do through dask (a component's own error, RuntimeError as
GraphRunError).
"""

from __future__ import annotations

from typing import Any

_ORDER_ATTRIBUTE = "_signpost_run_order"


def _run_order(runner: Any, targets: tuple[str, ...]) -> list[tuple[str, Any, tuple[str, ...]]]:
    """The needed nodes, parents first: (name, node, the names it needs in its order)."""
    orders: dict[tuple[str, ...], list[tuple[str, Any, tuple[str, ...]]]] = (
        runner.__dict__.setdefault(_ORDER_ATTRIBUTE, {})
    )
    order = orders.get(targets)
    if order is not None:
        return order
    schema = runner._graph_schema.minimal_graph_schema(list(targets))
    order = []
    placed: set[str] = set()

    def place(name: str, path: tuple[str, ...]) -> None:
        if name in placed or name not in schema.nodes:
            return
        if name in path:
            raise RuntimeError(f"cycle in the graph at {name!r}")
        needs = tuple(schema.nodes[name].needs.values())
        for need in needs:
            place(need, (*path, name))
        placed.add(name)
        order.append((name, runner._instantiated_nodes[name], needs))

    for name in schema.nodes:
        place(name, ())
    orders[targets] = order
    return order


def run(
    runner: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
) -> dict[str, Any]:
    """DaskGraphRunner.run, in a fixed order in this thread."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = tuple(targets if targets else runner._graph_schema.target_names)
    order = _run_order(runner, run_targets)
    results: dict[str, Any] = {}
    needed = {name for name, _, _ in order}
    for input_name, input_value in (inputs or {}).items():
        if isinstance(input_value, str) and input_value in needed:
            raise GraphRunError(
                f"Input value '{input_value}' clashes with a node name. Make sure "
                f"that none of the input names passed to the `run` method are the "
                f"same as node names in the graph schema."
            )
        results[input_name] = (input_name, input_value)
    try:
        for name, node, needs in order:
            if inputs and name in inputs:
                continue  # an input named like a node replaces it, as in the dask graph
            results[name] = node(*(results.get(need, need) for need in needs))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(results.get(target, target) for target in run_targets)


def install() -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    if getattr(DaskGraphRunner.run, "_signpost_in_order", False):
        return

    def patched(
        self: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        return run(self, inputs, targets)

    patched._signpost_in_order = True  # type: ignore[attr-defined]
    DaskGraphRunner.run = patched  # type: ignore[method-assign]

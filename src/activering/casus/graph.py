"""The branching graph of a casus: every decision reachable, every path ends."""

from __future__ import annotations

from activering.casus.model import Casus, Kind


def successors(casus: Casus, decision_id: str) -> set[str | None]:
    """All decisions that can follow ``decision_id`` (None is the end of the casus)."""
    decision = casus.decision(decision_id)
    if decision.soort is Kind.OPEN or not any(option.volgende for option in decision.opties):
        return {casus.next_decision(decision_id, [])}
    return {casus.next_decision(decision_id, [option.id]) for option in decision.opties}


def graph_problems(casus: Casus) -> list[str]:
    """Unreachable decisions and cycles (a path that never ends); empty when the graph is sound."""
    problems = []
    start = casus.beslissingen[0].id
    reachable, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current in reachable:
            continue
        reachable.add(current)
        stack.extend(s for s in successors(casus, current) if s is not None)
    for decision in casus.beslissingen:
        if decision.id not in reachable:
            problems.append(f"beslissing '{decision.id}' is onbereikbaar")

    def visit(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            problems.append("cyclus zonder einde: " + " → ".join(path + (node,)))
            return
        for nxt in successors(casus, node):
            if nxt is not None:
                visit(nxt, path + (node,))

    visit(start, ())
    return problems

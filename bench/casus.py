"""Widget response time per click: how long a casus takes to show feedback and the next decision.

Measures the Python side of a click (what runs in the kernel) for every decision of every casus,
side by side with the cost of building the player and of the step table a book page embeds (built at
every book build), and reports medians in milliseconds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from activering.casus.engine import step_table
from activering.casus.load import load_all_casussen
from activering.casus.widget import CasusPlayer
from activering.journal import Journal


def play_through(player: CasusPlayer, timings: dict[str, list[float]]) -> None:
    while player.current is not None:
        decision = player.casus.decision(player.current)
        options = [decision.opties[0].id] if decision.opties else []
        player.choose(*options, motivation="Een korte motivering voor de meting.")
        start = time.perf_counter()
        player.submit()
        timings["bevestigen"].append(time.perf_counter() - start)
        start = time.perf_counter()
        player.advance()
        timings["volgende" if player.current else "nabespreking"].append(time.perf_counter() - start)


def main() -> None:
    casussen = load_all_casussen()
    timings: dict[str, list[float]] = {
        "starten": [],
        "bevestigen": [],
        "volgende": [],
        "nabespreking": [],
        "stappentabel": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(Path(folder) / "bench.sqlite")
        for _ in range(3):
            for casus in casussen:
                start = time.perf_counter()
                player = CasusPlayer(casus, journal)
                timings["starten"].append(time.perf_counter() - start)
                play_through(player, timings)
                start = time.perf_counter()
                step_table(casus)
                timings["stappentabel"].append(time.perf_counter() - start)
    print(f"{len(casussen)} casussen, 3 rondes")
    for step, values in timings.items():
        print(
            f"{step:>13}: mediaan {1000 * statistics.median(values):7.1f} ms, p95 {1000 * sorted(values)[int(0.95 * (len(values) - 1))]:7.1f} ms (n={len(values)})"
        )
    click = statistics.median(timings["bevestigen"] + timings["volgende"])
    print(f"responstijd per klik (mediaan): {1000 * click:.1f} ms")


if __name__ == "__main__":
    main()

"""Benchmark of the synthetic-data generator: clients per second for 10,000 and 100,000 clients.

Writes nothing in the repository: the CSV files go to a temporary folder that is removed.
Run: ``uv run python bench/generate.py``.
"""

from __future__ import annotations

import tempfile
import time

from activering.data import generate, load_codebook, write_dataset

SIZES = (10_000, 100_000)
SEED = 2012


def main() -> None:
    codebook = load_codebook()
    generate(1_000, SEED, codebook)  # warm-up: imports and caches
    results = {}
    for n in SIZES:
        started = time.perf_counter()
        tables = generate(n, SEED, codebook)
        generated = time.perf_counter() - started
        with tempfile.TemporaryDirectory(prefix="activering-bench-") as folder:
            started = time.perf_counter()
            write_dataset(tables, folder, codebook)
            written = time.perf_counter() - started
        rows = sum(len(frame) for frame in tables.values())
        results[n] = generated
        print(
            f"{n:>7,} cliënten: genereren {generated:6.2f} s ({n / generated:>9,.0f} cliënten/s), "
            f"schrijven {written:6.2f} s, samen {n / (generated + written):>9,.0f} cliënten/s, {rows:,} rijen"
        )
    small, big = SIZES
    ratio = results[big] / results[small]
    print(f"tijd {big:,} / tijd {small:,} = {ratio:.1f} (lineair schalen zou {big / small:.0f} geven)")


if __name__ == "__main__":
    main()

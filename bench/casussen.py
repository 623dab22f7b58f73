"""`activering docent casussen` on a class of 200: how long the docent waits for the beamer pages.

Makes 200 synthetic exports (random paths through every casus, motivations shared by about half, in an
LMS-like zip with a nested zip and a few broken files), then times the command as a docent runs it
(a new process, start-up included), side by side with a class of 50 in the same run.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from activering.casus.engine import choices
from activering.casus.keuzes import export_document
from activering.casus.load import load_all_casussen


def class_zip(students: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    casussen = load_all_casussen()
    buffer, nested = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, zipfile.ZipFile(nested, "w") as inner:
        for number in range(students):
            casus = casussen[number % len(casussen)]
            current, path, chosen, texts = casus.beslissingen[0].id, [], {}, {}
            while current is not None:
                pick = list(rnd.choice(choices(casus.decision(current))))
                path.append(current)
                chosen[current] = pick
                texts[current] = f"Student {number} motiveert zijn keuze bij {current}. " * rnd.randint(1, 8)
                current = casus.next_decision(current, pick)
            text = json.dumps(export_document(casus, path, chosen, texts if rnd.random() < 0.5 else None))
            target = inner if number % 10 == 0 else archive
            target.writestr(f"{number}-1 - Student {number} - 3 okt. 2026 1200 - keuzes-{casus.slug}.json", text)
        archive.writestr("kapot.json", "{")
        archive.writestr("index.html", "<html></html>")
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("ingeleverd.zip", nested.getvalue())
    return buffer.getvalue()


def run(zip_path: Path, out: Path) -> float:
    command = [sys.executable, "-m", "activering.cli", "docent", "casussen", str(zip_path), "--uit", str(out)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sizes = (50, 200)
        for size in sizes:
            (root / f"klas-{size}.zip").write_bytes(class_zip(size))
        timings: dict[int, list[float]] = {size: [] for size in sizes}
        for _ in range(3):
            for size in sizes:
                timings[size].append(run(root / f"klas-{size}.zip", root / f"uit-{size}"))
        pages = len(list((root / "uit-200").glob("*.html")))
    for size in sizes:
        print(f"docent casussen, {size:>3} exports: mediaan {statistics.median(timings[size]):.2f} s (n=3)")
    ratio = statistics.median(timings[200]) / statistics.median(timings[50])
    print(f"200 tegen 50 exports: {ratio:.2f}x; {pages} pagina's")


if __name__ == "__main__":
    main()

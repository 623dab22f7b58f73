"""Book build performance as an author feels it, and the weight of the pages a reader downloads.

1. A clean build (no _build, no execution cache) of a copy of the course in a temporary folder.
2. A rebuild after changing one page (a sentence added to module 1): the execution cache keeps it
   quick. Target: at most 15% of the clean build.
3. Page weight of every built page: the HTML plus every local stylesheet, script and image it loads
   (what a first visit transfers; nothing comes from a CDN).

Run: `uv run python bench/book.py` (takes a few minutes; the repository's own _build is not touched).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
CHANGED_PAGE = Path("modules/01-activeringswerk/index.md")
SKIP = shutil.ignore_patterns(
    "_build", ".venv", ".git", "test-artifacts", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"
)
TARGET_RATIO = 0.15


def jupyter_book() -> list[str]:
    executable = Path(sys.executable).with_name("jupyter-book")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "jupyter_book"]


def build(source: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [*jupyter_book(), "build", str(source), "-W", "--keep-going"], cwd=source, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit("Bouwen mislukt:\n" + result.stdout[-4000:] + result.stderr[-3000:])
    return elapsed


ASSET = re.compile(r"""(?:href|src)=["']([^"'#?]+)(?:[?#][^"']*)?["']""")


def page_weight(html_dir: Path, page: Path) -> tuple[int, int]:
    """Bytes of the page itself and of everything local it loads (stylesheets, scripts, images)."""
    text = page.read_text(encoding="utf-8")
    assets = set()
    for link in ASSET.findall(text):
        if urlsplit(link).scheme or link.endswith(".html") or link.startswith("//"):
            continue
        target = (page.parent / link).resolve()
        if target.is_file() and html_dir.resolve() in target.parents:
            assets.add(target)
    return len(text.encode()), sum(path.stat().st_size for path in assets)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="boek-bench-") as folder:
        source = Path(folder) / "cursus"
        shutil.copytree(REPO, source, ignore=SKIP)
        print("Schone build (geen _build, geen uitvoeringscache)…", flush=True)
        clean = build(source)
        page = source / CHANGED_PAGE
        page.write_text(
            page.read_text(encoding="utf-8") + "\n\nEen extra zin voor de meting van de herbouwtijd.\n",
            encoding="utf-8",
        )
        print("Herbouw na het wijzigen van één pagina…", flush=True)
        rebuild = build(source)
        html_dir = source / "_build" / "html"
        weights = {}
        for path in sorted(html_dir.rglob("*.html")):
            relative = path.relative_to(html_dir)
            if relative.parts[0].startswith("_") or 'http-equiv="Refresh"' in path.read_text(encoding="utf-8")[:2000]:
                continue
            weights[relative.as_posix()] = page_weight(html_dir, path)

    ratio = rebuild / clean
    print()
    print(f"Schone build:                    {clean:7.1f} s")
    print(f"Herbouw na één gewijzigde pagina: {rebuild:7.1f} s")
    verdict = "binnen" if ratio <= TARGET_RATIO else "BOVEN"
    print(f"Verhouding herbouw/schoon:        {ratio:7.1%}  ({verdict} het doel van {TARGET_RATIO:.0%})")
    totals = {name: (html + assets) for name, (html, assets) in weights.items()}
    kb = lambda n: f"{n / 1024:7.0f} kB"  # noqa: E731
    print()
    print(f"Paginagewicht ({len(weights)} pagina's; HTML + lokale CSS, JS en afbeeldingen, ongecomprimeerd):")
    print(
        f"  HTML alleen:  mediaan {kb(statistics.median(h for h, _ in weights.values()))}, max {kb(max(h for h, _ in weights.values()))}"
    )
    print(f"  totaal:       mediaan {kb(statistics.median(totals.values()))}, max {kb(max(totals.values()))}")
    print("  zwaarste pagina's:")
    for name in sorted(totals, key=totals.get, reverse=True)[:5]:
        html, assets = weights[name]
        print(f"    {name:55s} HTML {kb(html)}  + bestanden {kb(assets)}")


if __name__ == "__main__":
    main()

"""The Sphinx extension on a small real book: casus pages in their generated folder, module lists kept current.

A real Sphinx build (as Jupyter Book runs it: MyST-NB, sphinx-design, sphinxcontrib-bibtex and the course's
extension) of a tiny book with one casus; then the casus is edited and a second one added, and the
incremental rebuild must show both in the module pages without anyone touching those pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from activering.casus.page import GENERATED_DIR
from activering.paths import REPO_ROOT

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "test-casus.yml"

CONF = """
extensions = ["myst_nb", "sphinx_design", "sphinxcontrib.bibtex", "activering.sphinx_ext"]
myst_enable_extensions = ["colon_fence"]
nb_execution_mode = "off"
bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year_nl"
bibtex_default_style = "plain_nl"
language = "nl"
exclude_patterns = ["_build"]
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def book(tmp_path) -> Path:
    source = tmp_path / "boek"
    write(source / "conf.py", CONF)
    shutil.copy(REPO_ROOT / "book" / "references.bib", source / "references.bib")
    (source / "casussen").mkdir()
    shutil.copy(FIXTURE, source / "casussen" / "test-casus.yml")
    write(
        source / "index.md",
        """
        # Boek

        ```{toctree}
        :glob:
        modules/*/index
        overig
        casussen/gegenereerd/*
        ```
        """,
    )
    for module in ("03-diagnose", "04-sancties"):
        write(
            source / "modules" / module / "index.md",
            f"# Module {module}\n\n## Oefenen met casussen\n\n```{{casussen}}\n```\n",
        )
    write(source / "overig.md", "# Overig\n\n```{casussen}\n```\n")
    return source


def build(source: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(source), str(source / "_build" / "html")],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_module_lists_follow_the_casussen_at_every_build(book):
    first = build(book)
    assert first.returncode == 0, first.stderr
    # A list outside a module page says, in Dutch and without a traceback, what to do.
    assert "De lijst met casussen hoort op een modulepagina" in first.stderr and "Traceback" not in first.stderr
    sancties = (book / "_build" / "html" / "modules" / "04-sancties" / "index.html").read_text(encoding="utf-8")
    assert "Testcasus: de klant die niet komt" in sancties and f"{GENERATED_DIR}/test-casus.html" in sancties
    diagnose = (book / "_build" / "html" / "modules" / "03-diagnose" / "index.html").read_text(encoding="utf-8")
    assert "Bij deze module hoort geen eigen casus" in diagnose and f"{GENERATED_DIR}/index.html" in diagnose
    # Generated pages live in their own folder, and only there; the build writes no notebooks.
    assert sorted(p.name for p in (book / GENERATED_DIR).iterdir()) == ["index.md", "test-casus.md"]
    assert sorted(p.name for p in (book / "casussen").iterdir()) == ["gegenereerd", "test-casus.yml"]

    # Edit the casus's title and add a casus for another module: the module pages themselves stay as they are.
    text = FIXTURE.read_text(encoding="utf-8")
    (book / "casussen" / "test-casus.yml").write_text(
        text.replace("de klant die niet komt", "de klant die wegblijft"), encoding="utf-8"
    )
    second = text.replace("slug: test-casus", "slug: tweede-casus").replace(
        "module: 04-sancties", "module: 03-diagnose"
    )
    second = second.replace("Testcasus: de klant die niet komt", "Tweede testcasus: een andere klant")
    (book / "casussen" / "tweede-casus.yml").write_text(second, encoding="utf-8")
    again = build(book)
    assert again.returncode == 0, again.stderr
    sancties = (book / "_build" / "html" / "modules" / "04-sancties" / "index.html").read_text(encoding="utf-8")
    assert "de klant die wegblijft" in sancties and "de klant die niet komt" not in sancties
    diagnose = (book / "_build" / "html" / "modules" / "03-diagnose" / "index.html").read_text(encoding="utf-8")
    assert "Tweede testcasus" in diagnose and f"{GENERATED_DIR}/tweede-casus.html" in diagnose
    assert (book / "_build" / "html" / GENERATED_DIR / "tweede-casus.html").exists()

    # A casus removed: its page goes, and so does its link.
    (book / "casussen" / "tweede-casus.yml").unlink()
    last = build(book)
    assert last.returncode == 0, last.stderr
    assert not (book / GENERATED_DIR / "tweede-casus.md").exists()
    diagnose = (book / "_build" / "html" / "modules" / "03-diagnose" / "index.html").read_text(encoding="utf-8")
    assert "Tweede testcasus" not in diagnose

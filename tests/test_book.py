"""The book as readers get it: a strict build, Dutch, offline, charts with text alternatives."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.slow


def test_book_builds_with_warnings_as_errors(book_build):
    output = book_build.stdout + book_build.stderr
    assert book_build.returncode == 0, output[-8000:]
    assert "build succeeded" in output


def html_pages(built_book: Path) -> list[Path]:
    """Every content page (not Sphinx's own assets, not the root redirect)."""
    return sorted(
        path
        for path in built_book.rglob("*.html")
        if not any(part.startswith("_") for part in path.relative_to(built_book).parts)
        and "<html" in path.read_text(encoding="utf-8")
    )


def test_every_page_is_dutch(built_book):
    pages = html_pages(built_book)
    assert len(pages) >= 8
    for page in pages:
        assert '<html lang="nl"' in page.read_text(encoding="utf-8"), page.name


def test_citations_and_references_read_dutch(built_book):
    """'Van Berkel en Vanschoren, 2013' in the text; titles in the reference list keep their capitals."""
    pages = sorted((built_book / "modules").rglob("*.html"))
    text = " ".join(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")) for page in pages)
    assert re.search(r"Van Berkel en Vanschoren,? \(?2013", text), "no Dutch author-year citation found"
    assert not re.search(r"[A-Z][a-z]+ and [A-Z][a-z]+,? \(?\d{4}", text)
    references = re.sub(r"<[^>]+>", "", (built_book / "book" / "literatuur.html").read_text(encoding="utf-8"))
    assert "Van Berkel en Johny Vanschoren" in references
    assert "Dutch local welfare agencies" in references and "PhD thesis" not in references


EXTERNAL_ASSET = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


def test_no_page_loads_an_asset_from_another_host(built_book):
    offenders = {page.name: EXTERNAL_ASSET.findall(page.read_text(encoding="utf-8")) for page in html_pages(built_book)}
    assert not {name: found for name, found in offenders.items() if found}
    assert not any("THEBE_JS_URL" in page.read_text(encoding="utf-8") for page in html_pages(built_book))


def test_pages_open_offline_in_chromium(book_server, browser, built_book):
    """Every page loads in a real browser with zero requests off localhost and no console errors."""
    origin = urlparse(book_server).netloc
    context = browser.new_context()
    external: list[str] = []
    errors: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: external.append(request.url) if _leaves(request.url, origin) else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in html_pages(built_book):
        url = f"{book_server}/{path.relative_to(built_book).as_posix()}"
        response = page.goto(url, wait_until="networkidle")
        assert response is not None and response.ok, url
        assert page.evaluate("document.documentElement.lang") == "nl", url
    context.close()
    assert external == [], f"verzoeken buiten localhost: {external[:10]}"
    assert errors == [], f"consolefouten: {errors[:10]}"


def _leaves(url: str, origin: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in ("data", "blob", "about") and parsed.netloc != origin


def test_module_one_chart_renders_with_text_alternative(book_server, browser):
    page = browser.new_page()
    page.goto(f"{book_server}/modules/01-activeringswerk/index.html", wait_until="networkidle")
    charts = page.locator("figure.activering-chart")
    assert charts.count() >= 1
    first = charts.first
    svg = first.locator("svg[role=img]")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert len(svg.get_attribute("aria-label").split()) >= 8
    assert "Tekstalternatief" in first.locator("figcaption").inner_text()
    assert svg.locator("rect, path").count() > 5  # marks were drawn, not an empty frame
    page.close()

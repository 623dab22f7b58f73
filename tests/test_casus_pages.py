"""Casus pages in the built book, in Chromium: playable offline with the shipped script, readable without it."""

from __future__ import annotations

import json

import pytest

from activering.casus.engine import step_table
from activering.casus.load import casus_paths, load_casus_file
from activering.casus.page import GENERATED_DIR

pytestmark = pytest.mark.slow


def first_casus():
    return load_casus_file(casus_paths()[0])


def test_a_reader_plays_a_casus_to_the_end(book_server, browser):
    casus = first_casus()
    data = step_table(casus)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{book_server}/{GENERATED_DIR}/{casus.slug}.html", wait_until="networkidle")
    player = page.locator(".casus-speler")
    assert page.locator(".casus-statisch").is_hidden()
    steps = 0
    while player.locator("fieldset").count():
        decision = data["beslissingen"][player.locator("fieldset").get_attribute("data-beslissing")]
        if decision["opties"]:
            page.locator(".casus-speler input").first.check()
        if decision["motivatie"]:
            page.locator(".casus-speler textarea").fill("Ik kies dit omdat het past bij wat de klant nodig heeft.")
        page.get_by_role("button", name="Bevestig keuze").click()
        expected = decision["opties"][0]["feedback"] if decision["opties"] else decision["modelantwoord"]["tekst"]
        assert expected in player.locator(".casus-feedback").inner_text()
        page.locator(".casus-speler button", has_text="Volgende").or_(
            page.locator(".casus-speler button", has_text="Naar de nabespreking")
        ).first.click()
        steps += 1
        assert steps <= len(casus.beslissingen)
    figure = player.locator("figure.casus-vergelijking svg[role=img]")
    assert "uitvoeringsvariant" in figure.get_attribute("aria-label")
    assert data["nabespreking"][0][:40] in player.inner_text()
    page.close()


def test_without_scripts_every_option_and_feedback_is_readable(book_server, browser):
    casus = first_casus()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{book_server}/{GENERATED_DIR}/{casus.slug}.html")
    text = page.locator("main").inner_text()
    for decision in casus.beslissingen:
        for option in decision.opties:
            assert option.tekst in text
    page.locator("details.sd-dropdown summary").first.click()
    assert casus.beslissingen[0].opties[0].feedback[:30] in page.locator("details.sd-dropdown").first.inner_text()
    assert casus.nabespreking.split()[0] in text
    context.close()


def test_casus_index_lists_every_casus(built_book):
    index = (built_book / GENERATED_DIR / "index.html").read_text(encoding="utf-8")
    for path in casus_paths():
        assert f"{path.stem}.html" in index
    payload = json.loads(
        (built_book / GENERATED_DIR / f"{casus_paths()[0].stem}.html")
        .read_text(encoding="utf-8")
        .split('class="casus-data">')[1]
        .split("</script>")[0]
        .replace("<\\/", "</")
    )
    assert payload["slug"] == casus_paths()[0].stem


def test_every_module_page_lists_its_casussen(built_book):
    """The `casussen` directive renders each module's list at build time, from casussen/*.yml."""
    casussen = [load_casus_file(path) for path in casus_paths()]
    for module in sorted({casus.module for casus in casussen}):
        page = (built_book / "modules" / module / "index.html").read_text(encoding="utf-8")
        listed = page.split('class="casus-lijst')[1].split("</div>")[0]
        for casus in casussen:
            link = f"{GENERATED_DIR}/{casus.slug}.html"
            assert (link in listed) == (casus.module == module), (module, casus.slug)

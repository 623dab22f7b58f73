"""In the built book: the recap's links land on real anchors (the module section that lists the casus, each
glossary term), and after a casus played by keyboard "Download mijn keuzes" gives a valid export, with the
motivations only when the student ticks the box."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from activering.casus.engine import step_table
from activering.casus.keuzes import CasusKeuzes
from activering.casus.klas import parse_export
from activering.casus.load import load_all_casussen
from activering.casus.page import GENERATED_DIR
from test_casus_recap import tab_to

pytestmark = pytest.mark.slow

MOTIVATION = "Ik kies dit omdat het past bij wat deze klant nu nodig heeft."


def target(built_book: Path, href: str) -> tuple[Path, str]:
    """The file and fragment a link on a casus page points to."""
    url = urlsplit(urljoin(f"http://boek/{GENERATED_DIR}/page.html", href))
    return built_book / url.path.lstrip("/"), url.fragment


def test_recap_links_resolve_to_existing_anchors(built_book):
    for casus in load_all_casussen():
        data = step_table(casus)
        module_page, anchor = target(built_book, data["module_url"])
        text = module_page.read_text(encoding="utf-8")
        assert anchor and f'id="{anchor}"' in text, (casus.slug, data["module_url"])
        # the anchor opens the section whose list links to this casus
        section = text[text.index(f'id="{anchor}"') :]
        section = section[: section.find("<section", 1) if "<section" in section[1:] else None]
        assert f"{GENERATED_DIR}/{casus.slug}.html" in section, casus.slug
        ids = {}
        for item in data["begrippen"]:
            page, fragment = target(built_book, item["url"])
            ids.setdefault(page, set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8"))))
            assert fragment in ids[page], (casus.slug, item)
            term = re.search(rf'<dt id="{re.escape(fragment)}">(.*?)<', page.read_text(encoding="utf-8"))
            assert term and term.group(1).strip() == item["term"]
        if data["toen_en_nu"]:  # the 'toen en nu' note links to an existing module page with that title
            page, _ = target(built_book, data["toen_en_nu"]["url"])
            assert page.exists(), (casus.slug, data["toen_en_nu"])
            assert data["toen_en_nu"]["module"] in html.unescape(page.read_text(encoding="utf-8")), casus.slug


def test_download_my_choices_after_playing_by_keyboard(book_server, browser):
    casus = load_all_casussen()[0]
    data = step_table(casus)
    context = browser.new_context(viewport={"width": 375, "height": 812}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{book_server}/{GENERATED_DIR}/{casus.slug}.html", wait_until="load")
    player = page.locator(".casus-speler")
    player.locator("fieldset").wait_for()
    played: list[tuple[str, list[str]]] = []
    while player.locator("fieldset").count():
        decision_id = player.locator("fieldset").get_attribute("data-beslissing")
        decision = data["beslissingen"][decision_id]
        choice = [decision["opties"][0]["id"]] if decision["opties"] else []
        if choice:  # the first option: for a radio group Tab lands on its first input
            tab_to(page, f"fieldset[data-beslissing='{decision_id}'] input[value='{choice[0]}']")
            page.keyboard.press("Space")
            assert player.locator("input:checked").evaluate_all("es => es.map(e => e.value)") == choice
        if decision["motivatie"]:
            tab_to(page, f"fieldset[data-beslissing='{decision_id}'] textarea")
            page.keyboard.type(MOTIVATION)
        tab_to(page, ".casus-speler button.casus-knop:not([hidden])")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # the focus is on "Volgende beslissing" / "Naar de nabespreking"
        played.append((decision_id, choice))
    recap = player.locator(".casus-einde")
    recap.wait_for()
    terms = recap.locator(".casus-begrippen a")
    assert terms.evaluate_all("es => es.map(e => [e.textContent, e.getAttribute('href')])") == [
        [item["term"], item["url"]] for item in data["begrippen"]
    ]

    def download() -> dict:
        tab_to(page, "button.casus-download")
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert info.value.suggested_filename == f"keuzes-{casus.slug}.json"
        return json.loads(Path(info.value.path()).read_text(encoding="utf-8"))

    plain = download()
    CasusKeuzes.model_validate(plain)
    export = parse_export(json.dumps(plain).encode(), {casus.slug: casus})
    assert [(d, list(options)) for d, options, _ in export.keuzes] == played
    assert not any("motivatie" in item for item in plain["keuzes"])
    assert MOTIVATION not in json.dumps(plain)
    tab_to(page, ".casus-export input[type=checkbox]")
    page.keyboard.press("Space")
    shared = download()
    asked = [d for d, _ in played if data["beslissingen"][d]["motivatie"]]
    assert [item["beslissing"] for item in shared["keuzes"] if item.get("motivatie") == MOTIVATION] == asked
    assert not errors, errors
    context.close()

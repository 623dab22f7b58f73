"""In Chromium, as a person sees it: a scale shows every point in full at 375 px, a casus is played to the end by
keyboard alone, the recap lists every decision with the choice made and the feedback of the options not taken,
and the casus index marks the casus as played and stays ordered by theme."""

from __future__ import annotations

from collections import deque

import pytest
from playwright.sync_api import expect

from activering.casus.engine import step_table
from activering.casus.load import load_all_casussen
from activering.casus.model import THEME_TITLES, Casus, Kind
from activering.casus.page import GENERATED_DIR
from activering.paths import REPO_ROOT

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "test-artifacts"
MOTIVATION = "Ik kies dit omdat het past bij wat deze klant nu nodig heeft."
BLOCKING = {"serious", "critical"}


def path_through_a_scale(casus: Casus) -> list[tuple[str, tuple[str, ...]]] | None:
    """Choices (one option each) that reach a `schaal` decision, then the first option to the end."""

    def single(decision_id: str) -> list[tuple[str, ...]]:
        decision = casus.decision(decision_id)
        return [()] if decision.soort is Kind.OPEN else [(option.id,) for option in decision.opties]

    queue, seen = deque([(casus.beslissingen[0].id, [])]), set()
    while queue:
        current, steps = queue.popleft()
        if current is None or current in seen:
            continue
        seen.add(current)
        if casus.decision(current).soort is Kind.SCALE:
            while current is not None:  # from the scale on: the first option, to the end
                choice = single(current)[0]
                steps = steps + [(current, choice)]
                current = casus.next_decision(current, list(choice))
            return steps
        for choice in single(current):
            queue.append((casus.next_decision(current, list(choice)), steps + [(current, choice)]))
    return None


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only, no clicks)."""
    for _ in range(40):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Met Tab niet bij {selector} gekomen")


def no_blocking_axe_violations(page, where: str) -> None:
    page.evaluate(_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        f"{v['impact']} {v['id']}: {[n['html'][:120] for n in v['nodes'][:2]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{where}: {blocking}"


def _axe_source() -> str:
    from pathlib import Path

    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def test_keyboard_play_through_a_scale_to_the_recap_and_the_index(book_server, browser):
    casus, steps = next(
        (c, p)
        for c in sorted(load_all_casussen(), key=lambda c: c.toen_en_nu is None)  # one with a 'toen en nu' note
        if (p := path_through_a_scale(c)) and len(set(d for d, _ in p)) == len(p)
    )
    data = step_table(casus)
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{book_server}/{GENERATED_DIR}/{casus.slug}.html", wait_until="load")
    player = page.locator(".casus-speler")
    player.locator("fieldset").wait_for()
    scales_seen = 0
    for number, (decision_id, choice) in enumerate(steps, start=1):
        decision = data["beslissingen"][decision_id]
        fieldset = player.locator(f"fieldset[data-beslissing='{decision_id}']")
        assert fieldset.count() == 1, (number, decision_id)
        assert player.locator(".casus-voortgang").inner_text() == f"Beslissing {number} · {decision['voortgang']}"
        assert fieldset.locator(".casus-hint").inner_text() == decision["hint"]
        if decision["soort"] == "schaal":
            scales_seen += 1
            labels = fieldset.locator(".casus-optie label")
            assert labels.count() == len(decision["opties"])
            for index, option in enumerate(decision["opties"]):
                label = labels.nth(index)
                assert label.is_visible() and label.inner_text() == f"{chr(65 + index)}. {option['tekst']}"
                fits = label.evaluate("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= 375")
                assert fits, f"afgekapt: {option['tekst']}"
            assert "van ‘" in decision["hint"] and decision["opties"][-1]["tekst"] in decision["hint"]
            assert not fieldset.locator("input:checked").count()  # nothing preselected
        ids = [option["id"] for option in decision["opties"]]
        if ids:
            if decision["invoer"] == "radio":
                tab_to(page, f"fieldset[data-beslissing='{decision_id}'] input")
                for _ in range(ids.index(choice[0])):
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("Space")
            else:
                tab_to(page, f"fieldset[data-beslissing='{decision_id}'] input[value='{choice[0]}']")
                page.keyboard.press("Space")
            assert fieldset.locator("input:checked").evaluate_all("es => es.map(e => e.value)") == list(choice)
        if decision["motivatie"]:
            tab_to(page, f"fieldset[data-beslissing='{decision_id}'] textarea")
            page.keyboard.type(MOTIVATION)
        tab_to(page, ".casus-speler button.casus-knop:not([hidden])")
        assert page.evaluate("document.activeElement.textContent") == "Bevestig keuze"
        page.keyboard.press("Enter")
        following = page.evaluate("document.activeElement.textContent")  # the player moves the focus to it
        assert following in ("Volgende beslissing", "Naar de nabespreking")
        fits = page.evaluate("(e => e.scrollWidth <= e.clientWidth)(document.activeElement)")
        assert fits, f"knop afgekapt: {following}"
        page.keyboard.press("Enter")
    assert scales_seen >= 1

    recap = player.locator(".casus-einde")
    recap.wait_for()
    items = recap.locator(".casus-terugblik-beslissing")
    assert items.evaluate_all("es => es.map(e => e.dataset.beslissing)") == [d for d, _ in steps]
    for index, (decision_id, choice) in enumerate(steps):
        decision = data["beslissingen"][decision_id]
        item = items.nth(index)
        text = item.inner_text()
        assert decision["vraag"] in text
        for position, option in enumerate(decision["opties"]):
            label = f"{chr(65 + position)}. {option['tekst']}"
            if option["id"] in choice:
                assert label in item.locator(".casus-jouw-keuze").inner_text()
            else:
                assert option["feedback"] in item.locator("details.casus-niet-gekozen").text_content()
        if decision["motivatie"]:
            assert MOTIVATION in item.locator(".casus-jouw-motivering").inner_text()
    assert recap.locator("figure.casus-vergelijking svg[role=img]").count() == 1
    module_link = recap.get_by_role("link", name="De module bij deze casus")
    assert module_link.get_attribute("href") == data["module_url"]
    assert recap.get_by_role("link", name="De begrippenlijst").count() == 1
    # The links lead to real pages of the book.
    links = [data["module_url"], data["begrippen_url"]]
    if data["toen_en_nu"]:  # the note on today's rules, with its module
        note = page.locator(".casus-toen-en-nu")
        expect(note.get_by_role("link", name=data["toen_en_nu"]["module"])).to_be_visible()
        links.append(data["toen_en_nu"]["url"])
    for href in links:
        response = page.request.get(f"{book_server}/{GENERATED_DIR}/{href}")
        assert response.ok, href
    # A reader opens the options not taken by keyboard.
    tab_to(page, ".casus-terugblik details summary")
    page.keyboard.press("Enter")
    assert items.first.locator("details").evaluate("e => e.open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    recap.screenshot(path=str(ARTIFACTS / "casus-terugblik-375px.png"))
    no_blocking_axe_violations(page, "terugblik")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    no_blocking_axe_violations(page, "terugblik, donker")

    page.goto(f"{book_server}/{GENERATED_DIR}/index.html", wait_until="load")
    headings = page.locator("article.bd-article h2").evaluate_all(
        "es => es.map(e => e.textContent.replace(/[#¶]/g, '').trim())"
    )
    order = list(THEME_TITLES.values())
    assert [order.index(h) for h in headings] == sorted(order.index(h) for h in headings)
    marked = page.locator(".casus-index li:has(.casus-gespeeld) a").evaluate_all(
        "es => es.map(e => e.getAttribute('href'))"
    )
    assert marked == [f"{casus.slug}.html"]
    assert page.locator(".casus-gespeeld").first.inner_text() == "gespeeld"
    no_blocking_axe_violations(page, "index")
    assert not errors, errors
    context.close()

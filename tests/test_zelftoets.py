"""Self-check questions ({vraag}): answered and checked in the page, by keyboard, on a phone, without scripts.

The fast tests build a one-page Sphinx project in this process (MyST and the directive only, no book, no
notebook execution) and read the HTML; malformed questions must stop the build with a Dutch message that
names the page. The slow tests answer every multiple-choice question of every module page in Chromium.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest

from activering.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
MODULE_PAGES = sorted(path.parent.name for path in (REPO_ROOT / "modules").glob("[0-9][0-9]-*/index.md"))

CONF = 'extensions = ["myst_parser", "activering.zelftoets"]\nmyst_enable_extensions = ["colon_fence"]\n'

GOOD = """
# Toets

:::{vraag} meerkeuze
:juist: b
**Vraag 1.** Welke *twee* doelen heeft activering?

- a. Fraude opsporen
- b. Uitstroom naar werk en,
  waar dat niet lukt, participatie
- c. Doorverwijzen

---
**b.** Activering wil uitstroom (bron). Doorverwijzen (c) is een manier van werken.
:::

:::{vraag} meerkeuze
:juist: a, c
**Vraag 2.** Welke twee kloppen?

- a. Eén
- b. Twee
- c. Drie

---
**a** en **c**.
:::

:::{vraag} open
**Vraag 3 (open).** Leg uit waarom.

---
Een modelantwoord.
:::
"""


def build_page(tmp_path: Path, page: str) -> tuple[str, str]:
    """Build one page with Sphinx in this process; return its HTML (empty on failure) and the warnings."""
    from sphinx.application import Sphinx

    source = tmp_path / "bron"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text(textwrap.dedent(page), encoding="utf-8")
    warnings = io.StringIO()
    app = Sphinx(
        str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
        status=None, warning=warnings, freshenv=True,
    )  # fmt: skip
    app.build()
    html = tmp_path / "html" / "index.html"
    return (html.read_text(encoding="utf-8") if html.exists() else ""), warnings.getvalue()


def questions_of(html: str) -> list[str]:
    return html.split('<div class="zelftoets zelftoets-')[1:]


@pytest.fixture(scope="module")
def good_page(tmp_path_factory) -> tuple[str, str, Path]:
    folder = tmp_path_factory.mktemp("zelftoets")
    return (*build_page(folder, GOOD), folder)


def test_a_multiple_choice_question_is_a_fieldset_with_real_choices(good_page):
    html, warnings, folder = good_page
    # (A second Sphinx app in one process warns that nodes are registered again: not about the page.)
    assert not [line for line in warnings.splitlines() if "index.md" in line or "ERROR" in line], warnings
    first = questions_of(html)[0]
    assert 'id="zelftoets-0"' in first
    assert 'data-juist="b"' in first
    assert re.search(r'<fieldset class="zelftoets-keuzes">\s*<legend[^>]*><strong>Vraag 1\.</strong>', first)
    radios = re.findall(r'<input type="radio" id="(zelftoets-0-[a-z])" name="zelftoets-0" value="([a-z])">', first)
    assert radios == [("zelftoets-0-a", "a"), ("zelftoets-0-b", "b"), ("zelftoets-0-c", "c")]
    for ident, _ in radios:
        assert f'<label for="{ident}">' in first
    assert "waar dat niet lukt, participatie" in first  # a continuation line stays with its option
    # The script reveals the button; the feedback region is announced; the answer is in the page anyway.
    assert '<button type="button" class="zelftoets-knop" hidden>Controleer</button>' in first
    assert 'role="status" aria-live="polite"' in first
    assert "<summary>Bekijk het antwoord</summary>" in first and "Doorverwijzen (c)" in first
    assert "_static/zelftoets.js" in html and "_static/zelftoets.css" in html
    assert (folder / "html" / "_static" / "zelftoets.js").exists()


def test_more_right_answers_give_check_boxes_and_open_questions_a_model_answer(good_page):
    html = good_page[0]
    _, second, third = questions_of(html)
    assert 'data-juist="a c"' in second
    assert second.count('type="checkbox"') == 3
    assert "<summary>Bekijk een modelantwoord</summary>" in third and "Een modelantwoord." in third
    assert "<input" not in third.split("</details>")[0] and "Controleer" not in third.split("</details>")[0]


def test_other_builders_get_the_options_and_the_answer_as_plain_text(tmp_path):
    from sphinx.application import Sphinx

    source = tmp_path / "bron"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    app = Sphinx(str(source), str(source), str(tmp_path / "text"), str(tmp_path / "doctrees"), "text", status=None)
    app.build()
    text = (tmp_path / "text" / "index.txt").read_text(encoding="utf-8")
    assert "a. Fraude opsporen" in text and "c. Doorverwijzen" in text
    assert "Bekijk het antwoord" in text and "Activering wil uitstroom" in text and "Controleer" not in text


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (":::{vraag} meerkeuze\nVraag?\n\n- a. Een\n- b. Twee\n\n---\nb.\n:::\n", "mist ':juist:'"),
        (":::{vraag} meerkeuze\n:juist: e\nVraag?\n\n- a. Een\n- b. Twee\n\n---\nb.\n:::\n", "noemt geen optie"),
        (":::{vraag} meerkeuze\n:juist: a\nVraag?\n\n- a. Een\n- b. Twee\n:::\n", "het antwoord ontbreekt"),
        (":::{vraag} meerkeuze\n:juist: a\nVraag?\n\n- a. Een\n\n---\na.\n:::\n", "minstens twee opties"),
        (":::{vraag} open\n:juist: a\nVraag?\n\n---\nAntwoord.\n:::\n", "geen ':juist:'"),
        (":::{vraag} raadsel\nVraag?\n\n---\nAntwoord.\n:::\n", "onbekend soort vraag"),
    ],
    ids=["zonder-juist", "juist-onbekend", "zonder-antwoord", "een-optie", "open-met-juist", "onbekend-soort"],
)
def test_a_malformed_question_stops_the_build_with_a_dutch_message_naming_the_page(tmp_path, page, message):
    _, warnings = build_page(tmp_path, "# Toets\n\n" + page)
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert errors, warnings
    assert any(message in line and "Zelftoets in 'index'" in line and "index.md" in line for line in errors), errors


# In Chromium, on the built book.


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   const q = e.closest('.zelftoets');
                   return {tag: e.tagName.toLowerCase(), type: e.type || '', value: e.value || '',
                           text: (e.textContent || '').trim(), question: q ? q.id : ''}; }"""
    )


def tab_until(page, wanted, limit: int = 400, back: bool = False) -> dict:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        current = focused(page)
        if wanted(current):
            return current
    raise AssertionError(f"Met Tab nooit bij het gezochte element gekomen (laatste focus: {current})")


def choose(page, ident: str, letters: list[str], wanted: str) -> None:
    """Focus the radio group of question `ident` and select `wanted` with the arrow keys (or Space)."""
    current = focused(page)
    if not (current["question"] == ident and current["tag"] == "input"):
        current = tab_until(page, lambda f: f["question"] == ident and f["tag"] == "input", back=True, limit=30)
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
        current = focused(page)
    steps = (letters.index(wanted) - letters.index(current["value"])) % len(letters)
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == wanted and page.evaluate("document.activeElement.checked")


def tick(page, ident: str, letters: list[str], wanted: set[str]) -> None:
    """For a question with several right answers (check boxes): from the first box, Tab through them and
    press Space where a box's state differs from ``wanted``."""
    first = lambda f: f["question"] == ident and f["tag"] == "input" and f["value"] == letters[0]  # noqa: E731
    if not first(focused(page)):
        tab_until(page, first, back=True, limit=30)
    for index, letter in enumerate(letters):
        assert focused(page)["value"] == letter
        if page.evaluate("document.activeElement.checked") != (letter in wanted):
            page.keyboard.press("Space")
        if index < len(letters) - 1:
            page.keyboard.press("Tab")


def check(page, question, ident: str) -> str:
    tab_until(page, lambda f: f["question"] == ident and f["tag"] == "button" and f["text"] == "Controleer", limit=20)
    feedback = question.locator(".zelftoets-feedback")
    previous = feedback.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([id, old]) => { const t = document.querySelector('#' + id + ' .zelftoets-feedback').textContent;"
        " return t && t !== old; }",
        arg=[ident, previous],
    )
    return feedback.inner_text()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULE_PAGES)
def test_every_multiple_choice_question_is_answered_by_keyboard_at_375_px(book_server, browser, module):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{book_server}/modules/{module}/index.html", wait_until="load")
    questions = page.locator(".zelftoets-meerkeuze")
    try:
        assert questions.count() >= 1, "geen meerkeuzevragen in de zelftoets"
        assert page.locator(".zelftoets").count() >= 5
        for number in range(questions.count()):
            question = questions.nth(number)
            ident = question.get_attribute("id")
            correct = question.get_attribute("data-juist").split()
            letters = [value for value in question.locator("input").evaluate_all("els => els.map(e => e.value)")]
            assert question.locator("fieldset legend").inner_text().strip()
            several = len(correct) > 1  # several right answers: check boxes, otherwise radio buttons
            kind = "checkbox" if several else "radio"
            assert question.locator(f"input[type={kind}]").count() == len(letters) >= 2
            feedback = question.locator(".zelftoets-feedback")
            assert feedback.get_attribute("aria-live") == "polite" and feedback.get_attribute("role") == "status"
            answer = question.locator("details.zelftoets-antwoord")
            assert answer.get_attribute("open") is None

            tab_until(page, lambda f, ident=ident: f["question"] == ident and f["tag"] == "input")
            wrong = next(letter for letter in letters if letter not in correct)
            if several:
                tick(page, ident, letters, {wrong})
            else:
                choose(page, ident, letters, wrong)
            verdict = check(page, question, ident)
            assert verdict.startswith("Onjuist") and f"goede antwoord is {correct[0]}" in verdict, verdict
            assert "onjuist" in question.locator(f".zelftoets-optie[data-letter={wrong}]").inner_text()
            assert answer.get_attribute("open") is not None
            assert answer.inner_text().strip() and answer.locator("p").first.is_visible()

            tab_until(page, lambda f, ident=ident: f["question"] == ident and f["tag"] == "input", back=True)
            if several:
                tick(page, ident, letters, set(correct))
            else:
                choose(page, ident, letters, correct[0])
            verdict = check(page, question, ident)
            assert verdict.startswith("Juist"), verdict
            for letter in correct:
                assert "juist antwoord" in question.locator(f".zelftoets-optie[data-letter={letter}]").inner_text()
            assert no_sideways_scroll(page), "de pagina schuift zijwaarts op 375 px"
        if module == MODULE_PAGES[0]:
            ARTIFACTS.mkdir(exist_ok=True)
            questions.first.scroll_into_view_if_needed()
            questions.first.screenshot(path=str(ARTIFACTS / "zelftoets-beantwoord-375px.png"))
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"zelftoets-{module}.png"), full_page=True)
        raise
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULE_PAGES)
def test_without_javascript_the_options_and_answers_are_still_in_the_page(book_server, browser, module):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{book_server}/modules/{module}/index.html", wait_until="load")
        questions = page.locator(".zelftoets")
        assert questions.count() >= 5
        for number in range(questions.count()):
            question = questions.nth(number)
            answer = question.locator("details.zelftoets-antwoord")
            assert answer.count() == 1 and answer.locator("summary").is_visible()
            assert answer.inner_text().strip() or answer.text_content().strip()
            if "zelftoets-meerkeuze" in question.get_attribute("class"):
                options = question.locator(".zelftoets-optie")
                assert options.count() >= 2
                for index in range(options.count()):
                    assert options.nth(index).is_visible() and options.nth(index).inner_text().strip()
                assert not question.locator(".zelftoets-knop").is_visible()  # nothing that would do nothing
        assert no_sideways_scroll(page)
    finally:
        context.close()

"""One engine: every casus played through the Python engine and through its book page in Chromium, step by step.

For every casus in casussen/*.yml the test plays a set of runs that covers every path through the
decisions and every choice at every decision (for `meervoudig`: each option alone, all options, and every
pair with a branch, so that the order of branches counts too). Python says, from casus/model.py, what each
step must be: the decision, the feedback shown, whether a motivation is required and the next decision;
and, at the end, the comparison with the variants (casus/profile.py, as the widget shows it). The page
must do exactly that.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from activering.casus.engine import CHOOSE_FIRST, motivation_message
from activering.casus.load import load_all_casussen
from activering.casus.model import Casus, Decision, Kind
from activering.casus.page import GENERATED_DIR
from activering.casus.profile import variant_match

MOTIVATION = "Ik kies dit omdat het past bij wat deze klant nu nodig heeft."

# One step in the page, driven through the player's own controls (click events on its inputs and buttons).
PLAY_STEP = """([chosen, motivation]) => {
  const root = document.querySelector(".casus-speler");
  const fieldset = root.querySelector("fieldset[data-beslissing]");
  const button = (text) => [...root.querySelectorAll("button")].find((b) => b.textContent === text && !b.hidden);
  const message = () => root.querySelector(".casus-melding").textContent;
  const decision = fieldset.dataset.beslissing;
  button("Bevestig keuze").click();  // nothing chosen, nothing written yet
  const unchosen = message();
  for (const input of fieldset.querySelectorAll("input")) {
    if (chosen.includes(input.value) !== input.checked) input.click();
  }
  const textarea = fieldset.querySelector("textarea");
  let refused = false;
  if (textarea) {
    textarea.value = "twee woorden";
    button("Bevestig keuze").click();
    refused = !root.querySelector(".casus-feedback") && message() !== "";
    textarea.value = motivation;
  }
  const confirm = button("Bevestig keuze");  // gone when the short motivation was (wrongly) accepted
  if (confirm) confirm.click();
  const feedback = [...root.querySelectorAll(".casus-feedback .casus-feedback-tekst")].map((e) => e.textContent);
  const next = button("Volgende beslissing") || button("Naar de nabespreking");
  const label = next ? next.textContent : null;
  if (next) next.click();
  const after = root.querySelector("fieldset[data-beslissing]");
  return {decision, unchosen, motivation: Boolean(textarea) && refused, feedback, label,
          next: after ? after.dataset.beslissing : (root.querySelector(".casus-einde") ? null : "??")};
}"""


def candidate_choices(decision: Decision) -> list[tuple[str, ...]]:
    ids = [option.id for option in decision.opties]
    if decision.soort is Kind.OPEN:
        return [()]
    if decision.soort is not Kind.MULTIPLE:
        return [(option_id,) for option_id in ids]
    branching = {option.id for option in decision.opties if option.volgende}
    pairs = [pair for pair in combinations(ids, 2) if branching & set(pair)]
    return [(option_id,) for option_id in ids] + [tuple(ids)] + pairs


def covering_runs(casus: Casus) -> list[list[tuple[str, tuple[str, ...]]]]:
    """Runs (decision, choice) that follow every path through the casus and make every candidate choice."""
    runs = []

    def walk(decision_id: str | None, prefix: list[tuple[str, list[tuple[str, ...]]]]) -> None:
        if decision_id is None:
            width = max(len(group) for _, group in prefix)
            runs.extend([(d, group[i % len(group)]) for d, group in prefix] for i in range(width))
            return
        groups: dict[str | None, list[tuple[str, ...]]] = {}
        for choice in candidate_choices(casus.decision(decision_id)):
            groups.setdefault(casus.next_decision(decision_id, list(choice)), []).append(choice)
        for following, group in groups.items():
            walk(following, prefix + [(decision_id, group)])

    walk(casus.beslissingen[0].id, [])
    return runs


def engine_step(casus: Casus, decision_id: str, choice: tuple[str, ...]) -> dict:
    """What the Python engine says this step shows (the widget plays by the same model)."""
    decision = casus.decision(decision_id)
    following = casus.next_decision(decision_id, list(choice))
    return {
        "decision": decision_id,
        # Confirming with nothing chosen and nothing written: an open question wants the answer first.
        "unchosen": motivation_message(decision) if decision.soort is Kind.OPEN else CHOOSE_FIRST,
        "motivation": decision.asks_motivation,
        "feedback": [o.feedback for o in decision.opties if o.id in choice]
        or ([decision.modelantwoord] if decision.soort is Kind.OPEN else []),
        "label": "Volgende beslissing" if following else "Naar de nabespreking",
        "next": following,
    }


def engine_profile(casus: Casus, run: list[tuple[str, tuple[str, ...]]]) -> str:
    match = variant_match(casus, {decision_id: list(choice) for decision_id, choice in run})
    return ", ".join(
        f"{row.variant} {row.overeenkomst}% ({row.beslissingen} van {row.beantwoord})" for row in match.itertuples()
    )


@pytest.mark.slow
def test_the_page_plays_every_path_as_the_python_engine(book_server, browser):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    played = 0
    for casus in load_all_casussen():
        page.goto(f"{book_server}/{GENERATED_DIR}/{casus.slug}.html", wait_until="load")
        page.locator(".casus-speler fieldset").wait_for()
        for run in covering_runs(casus):
            page.evaluate("""() => [...document.querySelectorAll('.casus-speler button')]
                               .find((b) => b.textContent === 'Opnieuw beginnen').click()""")
            seen = [page.evaluate(PLAY_STEP, [list(choice), MOTIVATION]) for _, choice in run]
            expected = [engine_step(casus, decision_id, choice) for decision_id, choice in run]
            assert seen == expected, f"{casus.slug}: {[choice for _, choice in run]}"
            summary = page.locator(".casus-speler figure.casus-vergelijking svg").get_attribute("aria-label")
            assert summary.endswith(": " + engine_profile(casus, run) + "."), f"{casus.slug}: {run}"
            played += 1
    assert not errors, errors
    assert played >= len(load_all_casussen())
    context.close()


def test_the_runs_cover_every_choice_and_every_branch():
    """The runs above are complete: every candidate choice is made, every decision reached, every end reached."""
    for casus in load_all_casussen():
        runs = covering_runs(casus)
        made = {(decision_id, choice) for run in runs for decision_id, choice in run}
        wanted = {(d.id, choice) for d in casus.beslissingen for choice in candidate_choices(d)}
        assert made == wanted, casus.slug
        edges = {(d, casus.next_decision(d, list(c))) for d, c in made}
        walked = {(run[i][0], run[i + 1][0] if i + 1 < len(run) else None) for run in runs for i in range(len(run))}
        assert edges == walked, casus.slug

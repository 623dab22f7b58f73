// Self-check questions in the book (activering.zelftoets): check a multiple-choice answer in the page.
// Without this script the options and the answer (in <details>) are still in the page.
(function () {
  "use strict";

  function letters(list) {
    return list.length > 1 ? list.slice(0, -1).join(", ") + " en " + list[list.length - 1] : list[0];
  }

  function check(question) {
    var correct = (question.getAttribute("data-juist") || "").split(" ").filter(Boolean);
    var inputs = Array.prototype.slice.call(question.querySelectorAll(".zelftoets-optie input"));
    var chosen = inputs.filter(function (input) { return input.checked; }).map(function (input) { return input.value; });
    var feedback = question.querySelector(".zelftoets-feedback");
    var answer = question.querySelector(".zelftoets-antwoord");
    inputs.forEach(function (input) {
      var option = input.closest(".zelftoets-optie");
      var mark = option.querySelector(".zelftoets-markering");
      option.classList.remove("is-juist", "is-onjuist");
      mark.textContent = "";
      if (correct.indexOf(input.value) >= 0) {
        option.classList.add("is-juist");
        mark.textContent = " (juist antwoord)";
      } else if (input.checked) {
        option.classList.add("is-onjuist");
        mark.textContent = " (onjuist)";
      }
    });
    feedback.classList.remove("is-juist", "is-onjuist");
    if (!chosen.length) {
      feedback.textContent = "Kies eerst een antwoord.";
      return;
    }
    var right = chosen.length === correct.length && chosen.every(function (letter) { return correct.indexOf(letter) >= 0; });
    var verdict = right
      ? "Juist: " + letters(chosen) + " is het goede antwoord."
      : "Onjuist: je koos " + letters(chosen) + ". Het goede antwoord is " + letters(correct) + ".";
    feedback.classList.add(right ? "is-juist" : "is-onjuist");
    // Clear first, so a screen reader announces the same verdict again after a second check.
    feedback.textContent = "";
    window.setTimeout(function () { feedback.textContent = verdict + " De uitleg staat hieronder."; }, 50);
    if (answer) { answer.open = true; }
  }

  function init() {
    document.querySelectorAll(".zelftoets-meerkeuze").forEach(function (question) {
      var button = question.querySelector(".zelftoets-knop");
      if (!button) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { check(question); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

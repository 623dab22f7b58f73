/* Casus player for the book: plays a casus from the JSON on its page, offline, without libraries.
   Without this script the page still shows every option and its feedback (progressive enhancement). */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // The rules live in Python (activering.casus.engine): the page embeds the step table of the casus, and this
  // script only looks up what a choice leads to, what it counts for and whether a motivation is required.
  function choiceKey(data, decision, chosen) {
    return decision.opties.filter(function (o) { return chosen.indexOf(o.id) >= 0; })
      .map(function (o) { return o.id; }).join(data.scheiding);
  }

  function outcomeOf(data, id, chosen) {
    var decision = data.beslissingen[id];
    return decision ? decision.uitkomsten[choiceKey(data, decision, chosen || [])] : undefined;
  }

  function variantMatch(data, state) {
    var counted = state.path.map(function (id) { return outcomeOf(data, id, state.choices[id]); })
      .filter(function (outcome) { return outcome && outcome.telt; });
    return data.varianten.map(function (variant) {
      var same = counted.filter(function (outcome) { return outcome.varianten.indexOf(variant.id) >= 0; }).length;
      return { label: variant.label, colour: variant.kleur, same: same, total: counted.length,
               pct: counted.length ? Math.round(100 * same / counted.length) : 0 };
    });
  }

  function wordCount(text) {
    var words = text.trim();
    return words ? words.split(/\s+/).length : 0;
  }

  function matchFigure(rows) {
    var ns = "http://www.w3.org/2000/svg";
    var text = rows.map(function (r) { return r.label + " " + r.pct + "% (" + r.same + " van " + r.total + ")"; }).join(", ");
    var summary = "Staafdiagram van hoe vaak jouw keuzes overeenkomen met wat elke uitvoeringsvariant meestal kiest: " + text + ".";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 460 130");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", summary);
    rows.forEach(function (r, i) {
      var y = 10 + i * 38;
      var label = document.createElementNS(ns, "text");
      label.setAttribute("x", "0"); label.setAttribute("y", String(y + 19)); label.textContent = r.label;
      var bar = document.createElementNS(ns, "rect");
      bar.setAttribute("x", "130"); bar.setAttribute("y", String(y)); bar.setAttribute("height", "26");
      bar.setAttribute("width", String(Math.max(2, 2.6 * r.pct))); bar.setAttribute("class", "casus-bar"); bar.setAttribute("fill", r.colour);
      var value = document.createElementNS(ns, "text");
      value.setAttribute("x", String(136 + 2.6 * r.pct)); value.setAttribute("y", String(y + 19)); value.textContent = r.pct + "%";
      svg.appendChild(label); svg.appendChild(bar); svg.appendChild(value);
    });
    return el("figure", { "class": "casus-vergelijking" }, [
      svg, el("figcaption", {}, [el("strong", { text: "Tekstalternatief. " }), document.createTextNode(summary)])
    ]);
  }

  function Player(root, data, staticPart) {
    var storeKey = "activering-casus-" + data.slug;
    function fresh() { return { current: data.start, path: [], choices: {}, motivations: {} }; }
    // A saved game of an older version of this casus may name decisions that are gone: then start again.
    function usable(saved) {
      return saved && typeof saved === "object" && Array.isArray(saved.path) && saved.choices && typeof saved.choices === "object" &&
        (saved.current === null || Object.prototype.hasOwnProperty.call(data.beslissingen, saved.current)) &&
        saved.path.every(function (id) { return outcomeOf(data, id, saved.choices[id]); });
    }
    var state = fresh();
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey));
      if (usable(saved)) { state = saved; state.motivations = state.motivations || {}; }
    } catch (e) { /* private mode or unreadable: start afresh */ }

    function save() { try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* ignore */ } }

    function restart() {
      state = fresh();
      save(); render();
    }

    function feedbackFor(decision, chosen) {
      var box = el("div", { "class": "casus-feedback" });
      if (decision.modelantwoord) {
        box.appendChild(el("p", {}, [el("strong", { text: "Waar een sterk antwoord op ingaat: " }),
          el("span", { "class": "casus-feedback-tekst", text: decision.modelantwoord.tekst })]));
        box.appendChild(el("p", { "class": "casus-bron", text: "Bron: " + decision.modelantwoord.bron + "." }));
        return box;
      }
      decision.opties.forEach(function (option) {
        if (chosen.indexOf(option.id) < 0) return;
        box.appendChild(el("p", {}, [el("strong", { text: "Jouw keuze: " + option.tekst })]));
        box.appendChild(el("p", { "class": "casus-feedback-tekst", text: option.feedback }));
        box.appendChild(el("p", { "class": "casus-bron", text: "Bron: " + option.bron + ". Typisch voor: " + option.typisch + "." }));
      });
      return box;
    }

    function renderDecision() {
      var decisionId = state.current;
      var decision = data.beslissingen[decisionId];
      var number = state.path.length + 1;
      var inputs = [];
      var fieldset = el("fieldset", { "class": "casus-vraag casus-soort-" + decision.soort, "data-beslissing": decisionId }, [
        el("legend", {}, [el("span", { "class": "casus-nummer", text: "Beslissing " + number + ": " }), document.createTextNode(decision.vraag)]),
        el("p", { "class": "casus-hint", text: decision.hint })
      ]);
      decision.opties.forEach(function (option, index) {
        var id = "casus-" + data.slug + "-" + decisionId + "-" + option.id;
        var input = el("input", { type: decision.invoer, name: "casus-" + decisionId, id: id, value: option.id });
        inputs.push(input);
        fieldset.appendChild(el("div", { "class": "casus-optie" }, [input, el("label", { "for": id, text: String.fromCharCode(65 + index) + ". " + option.tekst })]));
      });
      var motivation = null;
      if (decision.motivatie) {
        var motivationId = "casus-motivatie-" + decisionId;
        motivation = el("textarea", { id: motivationId, rows: "3" });
        fieldset.appendChild(el("label", { "for": motivationId, "class": "casus-motivatie-label", text: decision.motivatie.label }));
        fieldset.appendChild(motivation);
      }
      var message = el("div", { "class": "casus-melding", "aria-live": "polite" });
      var confirm = el("button", { type: "button", "class": "casus-knop", text: "Bevestig keuze" });
      var next = el("button", { type: "button", "class": "casus-knop", text: "Volgende", hidden: "hidden" });
      confirm.addEventListener("click", function () {
        var chosen = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
        var outcome = outcomeOf(data, decisionId, chosen);
        message.textContent = "";
        if (!outcome) { message.textContent = data.kies_eerst; return; }  // not a choice the table knows: nothing chosen
        if (decision.motivatie && wordCount(motivation.value) < decision.motivatie.minimum_woorden) {
          message.textContent = decision.motivatie.melding; return;
        }
        state.choices[decisionId] = chosen;
        state.motivations[decisionId] = motivation ? motivation.value.trim() : "";
        if (motivation) motivation.readOnly = true;
        inputs.forEach(function (i) { i.disabled = true; });
        confirm.hidden = true;
        message.appendChild(feedbackFor(decision, chosen));
        next.textContent = outcome.volgende ? "Volgende beslissing" : "Naar de nabespreking";
        next.hidden = false;
        next.focus();
        save();
      });
      next.addEventListener("click", function () {
        state.path.push(decisionId);
        state.current = outcomeOf(data, decisionId, state.choices[decisionId]).volgende;
        if (!state.current) markPlayed(data.slug);
        save(); render();
        var heading = root.querySelector("legend, h3");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      });
      return el("div", {}, [
        el("p", { "class": "casus-voortgang", text: "Beslissing " + number + " · " + decision.voortgang }),
        fieldset, confirm, message, next
      ]);
    }

    function optionLabel(decision, option) {
      return String.fromCharCode(65 + decision.opties.indexOf(option)) + ". " + option.tekst;
    }

    // The recap: per decision on the path your choice and motivation, and the options you left with their feedback.
    function recapItem(id, number) {
      var decision = data.beslissingen[id];
      var chosen = state.choices[id] || [];
      var motivation = (state.motivations || {})[id];
      var item = el("li", { "class": "casus-terugblik-beslissing", "data-beslissing": id }, [
        el("p", {}, [el("strong", { text: "Beslissing " + number + ": " }), document.createTextNode(decision.vraag)])
      ]);
      var mine = decision.opties.filter(function (o) { return chosen.indexOf(o.id) >= 0; });
      var others = decision.opties.filter(function (o) { return chosen.indexOf(o.id) < 0; });
      if (mine.length) {
        item.appendChild(el("p", { "class": "casus-jouw-keuze" }, [el("span", { text: "Jouw keuze: " }),
          document.createTextNode(mine.map(function (o) { return optionLabel(decision, o); }).join("; "))]));
      }
      if (motivation) {
        item.appendChild(el("p", { "class": "casus-jouw-motivering" }, [
          el("span", { text: decision.modelantwoord ? "Jouw antwoord: " : "Jouw motivering: " }), document.createTextNode(motivation)]));
      }
      if (others.length) {
        var details = el("details", { "class": "casus-niet-gekozen" }, [
          el("summary", { text: "Wat je niet koos (" + others.length + (others.length === 1 ? " optie)" : " opties)") })]);
        others.forEach(function (option) {
          details.appendChild(el("p", {}, [el("strong", { text: optionLabel(decision, option) })]));
          details.appendChild(el("p", { "class": "casus-niet-gekozen-feedback", text: option.feedback }));
          details.appendChild(el("p", { "class": "casus-bron", text: "Bron: " + option.bron + ". Typisch voor: " + option.typisch + "." }));
        });
        item.appendChild(details);
      }
      return item;
    }

    function renderEnd() {
      var rows = variantMatch(data, state);
      var recap = el("ol", { "class": "casus-terugblik" }, state.path.map(function (id, i) { return recapItem(id, i + 1); }));
      return el("div", { "class": "casus-einde" }, [
        el("h3", { text: "Je bent aan het eind" }),
        el("h4", { text: "Nabespreking" })
      ].concat(data.nabespreking.map(function (text) { return el("p", { text: text }); })).concat([
        thenAndNow(),
        el("h4", { text: "Jouw keuzes terug gelezen" }),
        recap,
        el("h4", { text: "Jouw profiel" }),
        el("p", { text: "Zo verhouden jouw keuzes zich tot de drie uitvoeringsvarianten:" }),
        matchFigure(rows),
        el("h4", { text: "Verder lezen" }),
        el("ul", { "class": "casus-verder" }, [
          el("li", {}, [el("a", { href: data.module_url, text: "De module bij deze casus" })]),
          el("li", {}, [el("a", { href: data.begrippen_url, text: "De begrippenlijst" })])
        ]),
        termsList(),
        downloadBlock()
      ]));
    }

    // How today's rules differ from those of the casus, with the module that says more (from the YAML).
    function thenAndNow() {
      var note = data.toen_en_nu;
      if (!note) return null;
      return el("aside", { "class": "casus-toen-en-nu", "aria-label": "Toen en nu" }, [
        el("h4", { text: "Toen en nu" })
      ].concat(note.tekst.split(/\n\s*\n/).map(function (text) { return el("p", { text: text.trim() }); })).concat([
        el("p", {}, [el("span", { text: "Lees verder in " }), el("a", { href: note.url, text: note.module }), el("span", { text: "." })])
      ]));
    }

    // The glossary terms this casus uses, each to its own place in the glossary (computed in Python).
    function termsList() {
      if (!data.begrippen || !data.begrippen.length) return null;
      return el("div", { "class": "casus-begrippen" }, [
        el("p", { text: "Begrippen uit deze casus:" }),
        el("ul", {}, data.begrippen.map(function (item) {
          return el("li", {}, [el("a", { href: item.url, text: item.term })]);
        }))
      ]);
    }

    // "Download mijn keuzes": the export file in the format the step table gives (activering.casus.keuzes).
    function exportDocument(withMotivations) {
      var format = data["export"];
      return {
        formaat: format.formaat, versie: format.versie, casus: data.slug, casusversie: format.casusversie,
        keuzes: state.path.map(function (id) {
          var item = { beslissing: id, opties: (state.choices[id] || []).slice() };
          var text = ((state.motivations || {})[id] || "").trim();
          if (withMotivations && text) item.motivatie = text.slice(0, format.max_motivatie);
          return item;
        })
      };
    }

    function downloadBlock() {
      if (!data["export"]) return null;
      var boxId = "casus-motivaties-" + data.slug;
      var box = el("input", { type: "checkbox", id: boxId });
      var button = el("button", { type: "button", "class": "casus-knop casus-download", text: "Download mijn keuzes" });
      button.addEventListener("click", function () {
        var text = JSON.stringify(exportDocument(box.checked), null, 2) + "\n";
        var url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
        var link = el("a", { href: url, download: data["export"].bestandsnaam, hidden: "hidden" });
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      });
      return el("div", { "class": "casus-export" }, [
        el("h4", { text: "Je keuzes delen met je docent" }),
        el("p", { text: "Het bestand bevat de casus, per beslissing de opties die je koos en, alleen als je dat hieronder aanvinkt, je motiveringen. Je naam staat er niet in." }),
        el("div", { "class": "casus-optie" }, [box, el("label", { "for": boxId, text: "Motiveringen meesturen" })]),
        button
      ]);
    }

    function render() {
      root.textContent = "";
      root.appendChild(state.current ? renderDecision() : renderEnd());
      var again = el("button", { type: "button", "class": "casus-knop casus-opnieuw", text: "Opnieuw beginnen" });
      again.addEventListener("click", restart);
      root.appendChild(again);
    }

    var toggle = el("button", { type: "button", "class": "casus-knop casus-toon-alles", "aria-expanded": "false", text: "Toon alle opties en feedback" });
    toggle.addEventListener("click", function () {
      var open = staticPart.hidden;
      staticPart.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Verberg alle opties en feedback" : "Toon alle opties en feedback";
    });
    if (staticPart) { staticPart.hidden = true; staticPart.parentNode.insertBefore(toggle, staticPart); }
    render();
  }

  var PLAYED = "activering-casus-gespeeld-";
  function markPlayed(slug) { try { window.localStorage.setItem(PLAYED + slug, "1"); } catch (e) { /* ignore */ } }

  // The casus index: mark the casussen this browser has played to the end.
  function markIndex() {
    document.querySelectorAll(".casus-index a[href]").forEach(function (link) {
      var match = /([a-z0-9-]+)\.html(#.*)?$/.exec(link.getAttribute("href"));
      var played = false;
      try { played = Boolean(match && window.localStorage.getItem(PLAYED + match[1])); } catch (e) { /* ignore */ }
      if (played && !link.parentNode.querySelector(".casus-gespeeld")) {
        link.parentNode.appendChild(document.createTextNode(" "));
        link.parentNode.appendChild(el("span", { "class": "casus-gespeeld", text: "gespeeld" }));
      }
    });
  }

  function start() {
    markIndex();
    document.querySelectorAll(".casus-speler").forEach(function (root) {
      var source = root.parentNode.querySelector("script.casus-data");
      if (!source) return;
      var data = JSON.parse(source.textContent);
      Player(root, data, document.querySelector(".casus-statisch"));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

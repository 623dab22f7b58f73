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

  function decisionById(data, id) {
    return data.beslissingen.filter(function (d) { return d.id === id; })[0];
  }

  // Same rule as Casus.next_decision in Python: an option's branch, else the decision's default, else the next in order.
  function nextDecision(data, id, chosen) {
    var decision = decisionById(data, id);
    var branch = decision.opties.filter(function (o) { return chosen.indexOf(o.id) >= 0 && o.volgende; })[0];
    var target = branch ? branch.volgende : decision.volgende;
    if (target === "einde") return null;
    if (target) return target;
    var index = data.volgorde.indexOf(id);
    return index + 1 < data.volgorde.length ? data.volgorde[index + 1] : null;
  }

  function variantMatch(data, choices) {
    var answered = data.beslissingen.filter(function (d) { return d.soort !== "open" && (choices[d.id] || []).length; });
    return Object.keys(data.varianten).map(function (variant) {
      var same = answered.filter(function (d) {
        return d.opties.some(function (o) { return choices[d.id].indexOf(o.id) >= 0 && o.varianten.indexOf(variant) >= 0; });
      }).length;
      return { label: data.varianten[variant], same: same, total: answered.length,
               pct: answered.length ? Math.round(100 * same / answered.length) : 0 };
    });
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
      bar.setAttribute("width", String(Math.max(2, 2.6 * r.pct))); bar.setAttribute("class", "casus-bar casus-bar-" + i);
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
    var state = { current: data.volgorde[0], path: [], choices: {} };
    try { state = JSON.parse(window.localStorage.getItem(storeKey)) || state; } catch (e) { /* private mode */ }

    function save() { try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* ignore */ } }

    function restart() {
      state = { current: data.volgorde[0], path: [], choices: {} };
      save(); render();
    }

    function feedbackFor(decision, chosen) {
      var box = el("div", { "class": "casus-feedback" });
      if (decision.soort === "open") {
        box.appendChild(el("p", {}, [el("strong", { text: "Waar een sterk antwoord op ingaat: " }), document.createTextNode(decision.modelantwoord)]));
        box.appendChild(el("p", { "class": "casus-bron", text: "Bron: " + decision.bron + "." }));
        return box;
      }
      decision.opties.forEach(function (option) {
        if (chosen.indexOf(option.id) < 0) return;
        var typical = option.varianten.map(function (v) { return data.varianten[v]; }).join(", ") || "geen variant in het bijzonder";
        box.appendChild(el("p", {}, [el("strong", { text: "Jouw keuze: " + option.tekst })]));
        box.appendChild(el("p", { text: option.feedback }));
        box.appendChild(el("p", { "class": "casus-bron", text: "Bron: " + option.bron + ". Typisch voor: " + typical + "." }));
      });
      return box;
    }

    function renderDecision() {
      var decision = decisionById(data, state.current);
      var number = state.path.length + 1;
      var inputs = [];
      var fieldset = el("fieldset", { "class": "casus-vraag" }, [
        el("legend", {}, [el("span", { "class": "casus-nummer", text: "Beslissing " + number + ": " }), document.createTextNode(decision.vraag)]),
        el("p", { "class": "casus-hint", text: decision.hint })
      ]);
      decision.opties.forEach(function (option, index) {
        var id = "casus-" + data.slug + "-" + decision.id + "-" + option.id;
        var input = el("input", { type: decision.soort === "meervoudig" ? "checkbox" : "radio", name: "casus-" + decision.id, id: id, value: option.id });
        inputs.push(input);
        fieldset.appendChild(el("div", { "class": "casus-optie" }, [input, el("label", { "for": id, text: String.fromCharCode(65 + index) + ". " + option.tekst })]));
      });
      var motivation = null;
      if (decision.motivatie) {
        var motivationId = "casus-motivatie-" + decision.id;
        motivation = el("textarea", { id: motivationId, rows: "3" });
        fieldset.appendChild(el("label", { "for": motivationId, "class": "casus-motivatie-label", text: "Je motivering (alleen voor jezelf; wordt niet verstuurd)" }));
        fieldset.appendChild(motivation);
      }
      var message = el("div", { "class": "casus-melding", "aria-live": "polite" });
      var confirm = el("button", { type: "button", "class": "casus-knop", text: "Bevestig keuze" });
      var next = el("button", { type: "button", "class": "casus-knop", text: "Volgende", hidden: "hidden" });
      confirm.addEventListener("click", function () {
        var chosen = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
        message.textContent = "";
        if (decision.soort !== "open" && !chosen.length) { message.textContent = "Kies eerst een optie."; return; }
        if (decision.soort === "open" && motivation && motivation.value.trim().split(/\s+/).length < 3) {
          message.textContent = "Schrijf eerst kort je antwoord (een paar zinnen)."; return;
        }
        state.choices[decision.id] = chosen;
        inputs.forEach(function (i) { i.disabled = true; });
        confirm.hidden = true;
        message.appendChild(feedbackFor(decision, chosen));
        next.textContent = nextDecision(data, decision.id, chosen) ? "Volgende beslissing" : "Naar de nabespreking";
        next.hidden = false;
        next.focus();
        save();
      });
      next.addEventListener("click", function () {
        state.path.push(decision.id);
        state.current = nextDecision(data, decision.id, state.choices[decision.id]);
        save(); render();
        var heading = root.querySelector("legend, h3");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      });
      return el("div", {}, [
        el("p", { "class": "casus-voortgang", text: "Beslissing " + number + " · " + state.path.length + " van de beslissingen beantwoord" }),
        fieldset, confirm, message, next
      ]);
    }

    function renderEnd() {
      var rows = variantMatch(data, state.choices);
      return el("div", { "class": "casus-einde" }, [
        el("h3", { text: "Je bent aan het eind" }),
        el("h4", { text: "Nabespreking" })
      ].concat(data.nabespreking.map(function (text) { return el("p", { text: text }); })).concat([
        el("p", { text: "Zo verhouden jouw keuzes zich tot de drie uitvoeringsvarianten:" }),
        matchFigure(rows)
      ]));
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

  function start() {
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

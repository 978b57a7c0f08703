/*! Prevention Evidence Hub micro-surveys. AGPL-3.0-or-later.
 * Loaded by the collection snippet (collect.js) on pages that embed
 * <div data-evidencehub-survey="PUBLIC_ID" data-items="item_a item_b"></div>
 * (one to three items; optional data-lang), or directly with
 * <script defer src=".../static/instruments/micro-survey.js"></script>.
 * Renders the items from GET /api/v1/surveys/PUBLIC_ID/micro/ and posts the
 * answer to /api/v1/surveys/PUBLIC_ID/responses/. Sets no cookies and uses no
 * storage. A survey answer is an explicit act by the person, so it is sent
 * even when the browser signals Global Privacy Control (no page views or other
 * events are). When a safety item is answered above its threshold, the
 * organisation's crisis resources appear at once, above the questions.
 */
(function (w, d) {
  "use strict";
  var s = d.currentScript;
  if (!s || w.evidencehubSurveys || !w.fetch || !w.URLSearchParams) return;
  var lang = (d.documentElement.lang || "").slice(0, 2).toLowerCase();

  function el(tag, props, kids) {
    var e = d.createElement(tag);
    for (var p in props) if (props.hasOwnProperty(p)) e[p] = props[p];
    (kids || []).forEach(function (k) { if (k) e.appendChild(k); });
    return e;
  }
  function paragraphs(box, text) {
    String(text).split(/\n+/).forEach(function (t) {
      if (t.trim()) box.appendChild(el("p", { textContent: t }));
    });
  }

  // Crisis resources are shown at once, above the questions, whenever a
  // safety item is answered above its threshold (a rule that does not bend).
  function survey(box) {
    var id = box.getAttribute("data-evidencehub-survey") || "";
    if (box.getAttribute("data-eh-ready") || !/^[\w-]{1,40}$/.test(id)) return;
    box.setAttribute("data-eh-ready", "1");
    var base = new URL("/api/v1/surveys/" + id + "/", s.getAttribute("data-endpoint") || s.src);
    var q = new URLSearchParams({ items: box.getAttribute("data-items") || "" });
    var want = box.getAttribute("data-lang") || lang.slice(0, 2);
    if (want) q.set("lang", want);
    fetch(base.href + "micro/?" + q, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (def) { render(box, base, def); })
      .catch(function () { box.removeAttribute("data-eh-ready"); });
  }

  function render(box, base, def) {
    var crisis = el("div", { className: "eh-crisis", hidden: true, tabIndex: -1 }, [
      el("strong", { textContent: def.labels.crisis })]);
    crisis.setAttribute("role", "alert");
    paragraphs(crisis, def.crisis_text);
    var status = el("p", { className: "eh-status" });
    status.setAttribute("role", "status");
    var form = el("form", { className: "eh-survey", noValidate: true }, [crisis]);
    form.setAttribute("aria-label", def.title);
    if (def.language) form.lang = def.language;
    def.items.forEach(function (it) {
      var set = el("fieldset", {}, [el("legend", { textContent: it.text })]);
      set.style.cssText = "border:0;margin:0 0 1em;padding:0";
      var row = el("div");
      row.style.cssText = "display:flex;flex-wrap:wrap;gap:.4em";
      it.options.forEach(function (o) {
        var input = el("input", { type: "radio", name: "eh-" + def.questionnaire + "-" + it.id, value: o.value });
        input.addEventListener("change", function () {
          if (it.risk && o.value > it.risk_above && crisis.hidden) {
            crisis.hidden = false;
            crisis.focus();
          }
        });
        var label = el("label", {}, [input, d.createTextNode(" " + o.label)]);
        label.style.cssText = "min-height:44px;min-width:44px;display:inline-flex;align-items:center;padding:0 .4em";
        row.appendChild(label);
      });
      set.appendChild(row);
      form.appendChild(set);
    });
    var send = el("button", { type: "submit", textContent: def.labels.send });
    send.style.minHeight = "44px";
    form.appendChild(send);
    form.appendChild(status);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var answers = {}, items = [];
      def.items.forEach(function (it) {
        items.push(it.id);
        var c = form.querySelector("input[name='eh-" + def.questionnaire + "-" + it.id + "']:checked");
        if (c) answers[it.id] = +c.value;
      });
      if (!Object.keys(answers).length) {
        status.textContent = def.labels.choose;
        return;
      }
      send.disabled = true;
      fetch(base.href + "responses/", { method: "POST", credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ answers: answers, items: items, language: def.language }) })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (res) {
          if (res.risk) crisis.hidden = false;
          form.querySelectorAll("fieldset").forEach(function (f) { f.disabled = true; });
          send.hidden = true;
          status.textContent = def.labels.thanks;
        })
        .catch(function () { send.disabled = false; status.textContent = def.labels.error; });
    });
    box.textContent = "";
    box.appendChild(form);
  }

  function surveys() {
    d.querySelectorAll("[data-evidencehub-survey]").forEach(survey);
  }

  w.evidencehubSurveys = { render: surveys };
  surveys();
})(window, document);

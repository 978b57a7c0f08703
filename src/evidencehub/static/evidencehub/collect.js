/*! Prevention Evidence Hub collection snippet. AGPL-3.0-or-later.
 * Cookieless: sets no cookies and uses no local or session storage.
 * Sends nothing when the browser signals Global Privacy Control.
 * <script defer src=".../static/evidencehub/collect.js" data-key="pk_..."></script>
 * Options (data- attributes on the script tag): data-endpoint, data-channel
 * (web|onion|app), data-module (module key of the page), data-partners
 * (space-separated host names counted as "partner"), data-campaigns (declared
 * campaign codes read from ?c= or ?utm_campaign=), data-auto="false" (no
 * automatic page view).
 * Other events: data-eh-event="help_link_clicked" (with optional
 * data-eh-module, data-eh-value) on any clickable element, or
 * evidencehub.track("module_completed", {module: "m1"}).
 * Micro-surveys: <div data-evidencehub-survey="PUBLIC_ID" data-items="distress">
 * </div> loads ../instruments/micro-survey.js, which renders the items.
 */
(function (w, d, n) {
  "use strict";
  var s = d.currentScript;
  if (!s || w.evidencehub) return;
  var a = function (k) { return s.getAttribute("data-" + k) || ""; };
  var key = a("key");
  var url = a("endpoint") || new URL("/api/v1/collect", s.src).href;
  var off = !key || n.globalPrivacyControl === true;
  var words = function (v) { return v ? v.split(/\s+/) : []; };
  var lang = (d.documentElement.lang || "").replace("_", "-");
  if (!/^[a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?$/.test(lang)) lang = "";

  function referrer() {
    var q = new URLSearchParams(location.search);
    var c = q.get("c") || q.get("utm_campaign") || "";
    if (c && words(a("campaigns")).indexOf(c) >= 0) return { campaign: c };
    if (!d.referrer) return { referrer: "direct" };
    var h;
    try { h = new URL(d.referrer).hostname; } catch (e) { return {}; }
    if (h === location.hostname) return {};
    var test = function (list) {
      return list.some(function (x) { return h === x || h.slice(-x.length - 1) === "." + x; });
    };
    if (test(words(a("partners")))) return { referrer: "partner" };
    if (/(^|\.)(google|bing|duckduckgo|yahoo|yandex|ecosia|qwant|startpage|baidu|brave)\./.test(h)) return { referrer: "search" };
    if (/(^|\.)(facebook|instagram|linkedin|reddit|tiktok|youtube|pinterest|t|x|twitter|mastodon|threads)\.(com|co|net|social)$/.test(h)) return { referrer: "social" };
    return {};
  }

  function send(ev) {
    if (off) return false;
    var body = JSON.stringify({ key: key, events: [ev] });
    // text/plain keeps the request "simple": no CORS preflight is needed.
    var blob = new Blob([body], { type: "text/plain" });
    if (n.sendBeacon && n.sendBeacon(url, blob)) return true;
    if (w.fetch) {
      fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit",
        headers: { "Content-Type": "text/plain" } }).catch(function () {});
      return true;
    }
    return false;
  }

  function track(type, opts) {
    opts = opts || {};
    var ev = { type: type, channel: a("channel") || "web" };
    if (lang) ev.locale = lang;
    var m = opts.module || (type === "page_view" ? a("module") : "");
    if (m) ev.module = m;
    if (opts.value != null && opts.value !== "") ev.value = +opts.value;
    if (opts.referrer) ev.referrer = opts.referrer;
    if (opts.campaign) ev.campaign = opts.campaign;
    return send(ev);
  }

  d.addEventListener("click", function (e) {
    var el = e.target && e.target.closest && e.target.closest("[data-eh-event]");
    if (el) track(el.getAttribute("data-eh-event"), {
      module: el.getAttribute("data-eh-module"), value: el.getAttribute("data-eh-value")
    });
  }, true);

  // Micro-surveys live in their own file, loaded only on pages that embed one.
  if (d.querySelector("[data-evidencehub-survey]")) {
    var m = d.createElement("script");
    m.src = new URL("../instruments/micro-survey.js", s.src).href;
    if (a("endpoint")) m.setAttribute("data-endpoint", a("endpoint"));
    d.head.appendChild(m);
  }

  w.evidencehub = { track: track, enabled: !off };
  if (a("auto") !== "false") {
    var r = referrer();
    track("page_view", { referrer: r.referrer, campaign: r.campaign });
  }
})(window, document, navigator);

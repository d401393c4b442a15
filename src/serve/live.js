// cookie-ledger preview: reloads the page after each rebuild and shows the findings on it,
// with what the live audit saw this page store. Added to pages by `cookie-ledger serve` only,
// never by `build`. Every text is set as text, never as markup.
(function () {
  "use strict";
  var root = "/__cookie-ledger";
  var panel = null;
  var findings = [];
  var audit = null;
  // A dismissed panel stays dismissed on every page of this tab until the next change.
  var dismissedKey = "cookie-ledger-preview-dismissed";
  // For tests and tools: whether the page listens for rebuilds, and the last live audit of it.
  var state = window.cookieLedgerPreview = { live: false, audit: null };

  function dismissed(on) {
    try {
      if (on === undefined) return sessionStorage.getItem(dismissedKey) === "1";
      if (on) sessionStorage.setItem(dismissedKey, "1"); else sessionStorage.removeItem(dismissedKey);
    } catch (e) { /* storage refused: the panel comes back on the next page */ }
    return false;
  }

  function line(text, color) {
    var item = document.createElement("div");
    item.style.cssText = "margin-top:.5rem;white-space:pre-wrap";
    item.textContent = text;
    if (color) item.style.color = color;
    return item;
  }

  function describe(f) {
    var place = f.file ? f.file + ":" + f.line + ":" + f.column + ": " : "";
    return place + f.severity + "[" + f.rule + "]: " + f.message + (f.help ? "\n  = help: " + f.help : "");
  }

  function stored(only) {
    if (!audit) return 0;
    return audit.passes.reduce(function (n, p) { return n + p.items.filter(only || Boolean).length; }, 0);
  }

  function undeclared(i) { return !i.declared; }

  var status = null;

  // What the audit saw, when all of it is declared and nothing else is to say: a quiet line.
  function quiet() {
    if (status) { status.remove(); status = null; }
    if (!audit) return;
    status = document.createElement("div");
    status.setAttribute("role", "status");
    status.className = "cookie-ledger-audit-status";
    status.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483646;background:#1b1f24;color:#f3f4f6;" +
      "border-radius:6px;padding:.3rem .6rem;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;opacity:.85";
    var n = stored();
    status.textContent = "cookie-ledger live audit: " + (n ? n + (n === 1 ? " item" : " items") + " stored, all declared" : "nothing stored");
    document.body.appendChild(status);
  }

  function render() {
    if (panel) { panel.remove(); panel = null; }
    if (status) { status.remove(); status = null; }
    var all = findings.concat(audit ? audit.findings : []);
    // The dashboard lists the findings itself.
    if (location.pathname.indexOf(root + "/") === 0) return;
    // The quiet line is for a page with nothing to say; a dismissed panel says nothing at all.
    if (!all.length && !stored(undeclared)) { quiet(); return; }
    if (dismissed()) return;
    panel = document.createElement("aside");
    panel.setAttribute("role", "alert");
    panel.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:45vh;overflow:auto;" +
      "z-index:2147483647;background:#1b1f24;color:#f3f4f6;border-left:6px solid #e5484d;border-radius:6px;" +
      "padding:.75rem 1rem;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 6px 24px rgba(0,0,0,.4)";
    var close = document.createElement("button");
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Dismiss");
    close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
    close.addEventListener("click", function () { panel.remove(); panel = null; dismissed(true); });
    panel.appendChild(close);
    var title = document.createElement("strong");
    title.textContent = "cookie-ledger: " + all.length + (all.length === 1 ? " finding" : " findings");
    panel.appendChild(title);
    all.forEach(function (f) {
      panel.appendChild(line(describe(f), f.severity === "warning" ? "#f5d90a" : f.severity === "note" ? "#9ecbff" : ""));
    });
    if (audit) {
      var heading = line("Live audit of this page, in a real browser:");
      heading.style.fontWeight = "bold";
      heading.className = "cookie-ledger-audit";
      panel.appendChild(heading);
      audit.passes.forEach(function (p) {
        if (!p.items.length) { panel.appendChild(line(p.pass + ": nothing stored")); return; }
        p.items.forEach(function (i) {
          var text = "this page stores `" + i.name + "` (" + i.kind + ") " + p.pass +
            (i.declared ? ", as the catalogue declares" : ": not declared in the catalogue");
          panel.appendChild(line(text, i.declared ? "" : "#ff8a80"));
        });
      });
    }
    document.body.appendChild(panel);
  }

  function show(list) { findings = list; render(); }

  function refresh() {
    fetch(root + "/findings").then(function (r) { return r.json(); }).then(show).catch(function () {});
  }

  // Opening the stream names this page, which asks the live audit to visit it.
  var events = new EventSource(root + "/events?page=" + encodeURIComponent(location.pathname));
  events.addEventListener("open", function () { state.live = true; });
  events.addEventListener("error", function () { state.live = false; });
  events.addEventListener("reload", function () { dismissed(false); location.reload(); });
  events.addEventListener("findings", function (e) { dismissed(false); show(JSON.parse(e.data)); });
  events.addEventListener("audit", function (e) {
    var data = JSON.parse(e.data);
    if (data.page !== location.pathname) return;
    audit = data;
    state.audit = data;
    render();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh); else refresh();
})();

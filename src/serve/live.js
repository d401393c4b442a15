// cookie-ledger preview: reloads the page after each rebuild and shows the findings on it.
// Added to pages by `cookie-ledger serve` only, never by `build`.
(function () {
  "use strict";
  var root = "/__cookie-ledger";
  var panel = null;
  // A dismissed panel stays dismissed on every page of this tab until the next change.
  var dismissedKey = "cookie-ledger-preview-dismissed";
  // For tests and tools: whether the page listens for rebuilds.
  var state = window.cookieLedgerPreview = { live: false };

  function dismissed(on) {
    try {
      if (on === undefined) return sessionStorage.getItem(dismissedKey) === "1";
      if (on) sessionStorage.setItem(dismissedKey, "1"); else sessionStorage.removeItem(dismissedKey);
    } catch (e) { /* storage refused: the panel comes back on the next page */ }
    return false;
  }

  function show(findings) {
    if (panel) { panel.remove(); panel = null; }
    // The dashboard lists the findings itself.
    if (!findings.length || dismissed() || location.pathname.indexOf(root + "/") === 0) return;
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
    title.textContent = "cookie-ledger: " + findings.length + (findings.length === 1 ? " finding" : " findings");
    panel.appendChild(title);
    findings.forEach(function (f) {
      var item = document.createElement("div");
      item.style.cssText = "margin-top:.5rem;white-space:pre-wrap";
      var place = f.file ? f.file + ":" + f.line + ":" + f.column + ": " : "";
      item.textContent = place + f.severity + "[" + f.rule + "]: " + f.message + (f.help ? "\n  = help: " + f.help : "");
      if (f.severity === "warning") item.style.color = "#f5d90a";
      panel.appendChild(item);
    });
    document.body.appendChild(panel);
  }

  function refresh() {
    fetch(root + "/findings").then(function (r) { return r.json(); }).then(show).catch(function () {});
  }

  var events = new EventSource(root + "/events");
  events.addEventListener("open", function () { state.live = true; });
  events.addEventListener("error", function () { state.live = false; });
  events.addEventListener("reload", function () { dismissed(false); location.reload(); });
  events.addEventListener("findings", function (e) { dismissed(false); show(JSON.parse(e.data)); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh); else refresh();
})();

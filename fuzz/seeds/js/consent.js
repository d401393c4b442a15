// The demo portals' cookie banner: asks once, remembers the answer in `cookies_preferences`
// for six months, and tells the page when statistics are allowed.
(function () {
  var SIX_MONTHS = 60 * 60 * 24 * 182;

  function stored() {
    var match = document.cookie.match(/(?:^|;\s*)cookies_preferences=([^;]*)/);
    if (!match) return null;
    try { return JSON.parse(decodeURIComponent(match[1])); } catch (e) { return null; }
  }

  function announce(choice) {
    document.dispatchEvent(new CustomEvent("cookie-consent", { detail: choice }));
  }

  function remember(choice) {
    document.cookie = "cookies_preferences=" + encodeURIComponent(JSON.stringify(choice)) +
      "; max-age=" + SIX_MONTHS + "; path=/; SameSite=Lax";
    announce(choice);
  }

  function ask() {
    var fr = document.documentElement.lang.indexOf("fr") === 0;
    var banner = document.createElement("div");
    banner.className = "consent-banner";
    banner.setAttribute("role", "dialog");
    banner.innerHTML = "<p>" + (fr
      ? "Ce portail peut mesurer son audience si vous l'acceptez."
      : "This portal can measure its audience if you agree.") + "</p>";
    [[fr ? "Accepter" : "Accept", true], [fr ? "Refuser" : "Refuse", false]].forEach(function (button) {
      var b = document.createElement("button");
      b.textContent = button[0];
      b.addEventListener("click", function () {
        remember({ statistics: button[1] });
        banner.remove();
      });
      banner.appendChild(b);
    });
    document.body.appendChild(banner);
  }

  var choice = stored();
  if (choice) announce(choice); else document.addEventListener("DOMContentLoaded", ask);
})();

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

  // The banner's question and buttons in each language of the portals.
  var WORDS = {
    en: ["This portal can measure its audience if you agree.", "Accept", "Refuse"],
    fr: ["Ce portail peut mesurer son audience si vous l'acceptez.", "Accepter", "Refuser"],
    nl: ["Dit portaal kan zijn bezoekersaantallen meten als u daarmee instemt.", "Aanvaarden", "Weigeren"],
    de: ["Dieses Portal kann seine Besucherzahlen messen, wenn Sie zustimmen.", "Akzeptieren", "Ablehnen"]
  };

  function ask() {
    var words = WORDS[document.documentElement.lang.slice(0, 2)] || WORDS.en;
    var banner = document.createElement("div");
    banner.className = "consent-banner";
    banner.setAttribute("role", "dialog");
    var question = document.createElement("p");
    question.textContent = words[0];
    banner.appendChild(question);
    [[words[1], true], [words[2], false]].forEach(function (button) {
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

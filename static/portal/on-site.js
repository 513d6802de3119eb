// "On site now": reload the list from its fragment URL every few seconds, without reloading the page.
// The page works without this file (the list is rendered with the page). No inline script: CSP friendly.
(function () {
  "use strict";

  var box = document.getElementById("on-site");
  if (!box || !window.fetch) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30;
  var base = box.getAttribute("data-fragment-url");

  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(base + window.location.search, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("data-stale");
      })
      .catch(function () {
        box.setAttribute("data-stale", "true");
      });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      refresh();
    }
  });
})();

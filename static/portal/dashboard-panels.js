// The dashboard's slower panels (the gate-scan flags and trends): fetched into their place once the page is
// shown, so the work queues above them come first. Without this file the place keeps the flags' links.
// No inline script: CSP friendly.
(function () {
  "use strict";

  if (!window.fetch) {
    return;
  }

  function failed(box) {
    box.removeAttribute("aria-busy");
    var loading = box.querySelector(".panel-loading");
    var message = box.querySelector(".panel-failed");
    if (loading) {
      loading.hidden = true;
    }
    if (message) {
      message.hidden = false;
    }
  }

  function load(box) {
    var loading = box.querySelector(".panel-loading");
    box.setAttribute("aria-busy", "true");
    if (loading) {
      loading.hidden = false; // only with this file: without it, the place keeps the flags' links alone
    }
    fetch(box.getAttribute("data-panel-url"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("aria-busy");
      })
      .catch(function () {
        failed(box);
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-panel-url]"), load);
})();

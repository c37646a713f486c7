// The payment pages' one script, a file (the CSP allows no inline script). A page waiting for
// something (the payment page being prepared, a payment being confirmed) has an element with
// data-state-url: the server answers as soon as the state changes, and the page reloads then,
// once (no reload every few seconds under a screen reader's feet).
"use strict";

(function () {
  var box = document.querySelector("[data-state-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-state-url");
  var unchanged = 0;

  function again(delay) { window.setTimeout(ask, delay); }

  function ask() {
    window.fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && answer.changed) {
          window.location.reload();
          return;
        }
        unchanged += 1;  // the server waited a few seconds each time: ask less often after a while
        again(Math.min(500 * unchanged, 10000));
      })
      .catch(function () { again(5000); });
  }

  ask();
})();

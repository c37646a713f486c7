// The shop's one script, a file (the CSP allows no inline script). Pages work without it;
// with it: destructive buttons ask first, totals follow the boxes ticked, a box that
// excludes its siblings (one license per file) unticks them, and a checkout's totals follow
// its address and coupon.
"use strict";

// <form data-confirm="Cancel order PL-1? The client can no longer pay."> asks before posting.
document.addEventListener("submit", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
  if (form && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// <output data-total-for="FORM_ID" data-currency="EUR" data-decimals="2"> shows the sum of the
// checked inputs with a data-price (minor units) in that form.
function shopFormat(minor, currency, decimals) {
  var major = (minor / Math.pow(10, decimals)).toFixed(decimals);
  return major.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + " " + currency;
}

function shopUpdateTotals() {
  document.querySelectorAll("[data-total-for]").forEach(function (out) {
    var form = document.getElementById(out.getAttribute("data-total-for"));
    if (!form) { return; }
    var sum = 0, count = 0;
    form.querySelectorAll("input[data-price]:checked").forEach(function (input) {
      sum += parseInt(input.getAttribute("data-price"), 10) || 0;
      count += 1;
    });
    var decimals = parseInt(out.getAttribute("data-decimals") || "2", 10);
    var text = shopFormat(sum, out.getAttribute("data-currency") || "", decimals);
    out.textContent = count ? text + " (" + count + (count > 1 ? " files)" : " file)") : text;
  });
}

// <input type="checkbox" data-one-per="GROUP">: ticking one unticks the others of its group in
// the same form (the server refuses two of a group anyway, with a sentence saying why).
function shopOnePerGroup(input) {
  if (!input.checked || !input.form) { return; }
  var group = input.getAttribute("data-one-per");
  input.form.querySelectorAll("input[data-one-per]").forEach(function (other) {
    if (other !== input && other.getAttribute("data-one-per") === group) { other.checked = false; }
  });
}

// <div id="BOX" data-refresh-from="FORM_ID" data-refresh-on="coupon country"
// data-refresh-action="quote">: when one of those fields of the form changes, the form is
// posted in the background with action=quote and the box is replaced by the same box of the
// answer (the server's own figures, written for the reader). Without script, the form's
// button name="action" value="quote" does the same with the whole page.
function shopRefresh(box) {
  var form = document.getElementById(box.getAttribute("data-refresh-from"));
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
  var body = new URLSearchParams(new FormData(form));
  body.set("action", box.getAttribute("data-refresh-action") || "");
  box.setAttribute("aria-busy", "true");
  // getAttribute: the form's "action" property may be its buttons named action
  window.fetch(form.getAttribute("action") || window.location.pathname, {
    method: "POST", body: body, credentials: "same-origin", headers: { Accept: "text/html" }
  })
    .then(function (response) { return response.text(); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
      if (fresh) { box.innerHTML = fresh.innerHTML; }
    })
    .catch(function () { /* the button still works */ })
    .then(function () { box.removeAttribute("aria-busy"); });
}

function shopRefreshFor(field) {
  if (!field.form || !field.name) { return; }
  document.querySelectorAll("[data-refresh-from]").forEach(function (box) {
    var names = (box.getAttribute("data-refresh-on") || "").split(" ");
    if (box.getAttribute("data-refresh-from") === field.form.id && names.indexOf(field.name) >= 0) {
      shopRefresh(box);
    }
  });
}

document.addEventListener("change", function (event) {
  var target = event.target;
  if (!target.matches) { return; }
  if (target.matches("input[data-one-per]")) { shopOnePerGroup(target); }
  if (target.matches("input[data-price]")) { shopUpdateTotals(); }
  shopRefreshFor(target);
});
document.addEventListener("DOMContentLoaded", shopUpdateTotals);
window.addEventListener("pageshow", shopUpdateTotals); // boxes restored by the back button

// <p data-watch-url="/orders/ID/state?known=STATE" data-watch-every="2">: the page waits for
// something done elsewhere (a payment recorded, files prepared). The script asks that URL every
// few seconds and reloads the page once, when the answer is {"changed": true}: no reload under
// a reader's feet while nothing changed. Pages also carry <noscript><meta http-equiv="refresh">
// for browsers without script (a meta refresh with script on would be an axe violation).
function shopWatch() {
  var box = document.querySelector("[data-watch-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-watch-url");
  var every = (parseFloat(box.getAttribute("data-watch-every")) || 2) * 1000;
  var asked = 0;

  function ask() {
    asked += 1;
    window.fetch(url, {
      headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && answer.changed) {
          window.location.reload();
          return;
        }
        window.setTimeout(ask, asked > 60 ? every * 5 : every); // after a while, less often
      })
      .catch(function () { window.setTimeout(ask, every * 3); });
  }

  window.setTimeout(ask, every);
}

document.addEventListener("DOMContentLoaded", shopWatch);

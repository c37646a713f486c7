// The media page's rights-managed offers: when an option changes, the price shown follows it
// (asked from /api/media/{id}/price, computed on the server with the shop's pricing rules).
// Without this script the page's "Update price" button does the same by reloading the page.
"use strict";

function shopRmPrice(form) {
  var out = form.querySelector("[data-price-for]");
  if (!out) { return; }
  var params = new URLSearchParams();
  form.querySelectorAll("input[name=profile_id], input[name=selection], select").forEach(
    function (input) { params.append(input.name, input.value); }
  );
  var url = form.getAttribute("data-price-url") + "?" + params.toString();
  fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    })
    .then(function (answer) {
      out.textContent = answer.ok ? answer.body.price_text : (answer.body.detail || "—");
    })
    .catch(function () { /* the "Update price" button still works */ });
}

document.addEventListener("change", function (event) {
  var target = event.target;
  if (!target.matches || !target.matches("form[data-price-url] select")) { return; }
  shopRmPrice(target.form);
});

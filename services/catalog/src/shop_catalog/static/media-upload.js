// The media library's upload zone (a file: the CSP allows no inline script). Without it the
// form posts every chosen file at once; with it, dropped or chosen files are sent one by one
// to /admin/media/upload, each with its progress and, when refused, the reason.
"use strict";

(function () {
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = document.getElementById("upload-files");
  var zone = document.getElementById("drop-zone");
  var list = document.getElementById("upload-progress");
  var csrf = form.querySelector("input[name=csrf]").value;
  var url = form.getAttribute("data-upload-url");
  var pending = 0, added = 0;

  function row(name) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = name + ": ";
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + name);
    var note = document.createElement("span");
    item.appendChild(label); item.appendChild(bar); item.appendChild(note);
    list.appendChild(item);
    return { bar: bar, note: note };
  }

  function send(file) {
    var shown = row(file.name);
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { shown.bar.value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = {}; }
      if (xhr.status === 201) {
        shown.bar.value = 100; shown.note.textContent = " added as “" + answer.title + "”";
        added += 1;
      } else {
        shown.note.textContent = " not added: " + (answer.detail || ("error " + xhr.status));
        shown.note.setAttribute("role", "alert");
      }
      done();
    };
    xhr.onerror = function () { shown.note.textContent = " not added: the connection failed"; done(); };
    pending += 1;
    xhr.send(data);
  }

  function done() {
    pending -= 1;
    if (pending === 0 && added > 0) {
      var again = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/admin/media?done=uploaded"; link.textContent = "Show the library with the new files";
      again.appendChild(link); list.appendChild(again);
    }
  }

  function sendAll(files) {
    for (var i = 0; i < files.length; i += 1) { send(files[i]); }
  }

  form.addEventListener("submit", function (event) {
    if (!input.files || !input.files.length) { return; }
    event.preventDefault();
    sendAll(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("has-drop"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("has-drop"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("has-drop");
    if (event.dataTransfer && event.dataTransfer.files) { sendAll(event.dataTransfer.files); }
  });
}());

/* Checks chosen files in the browser before anything is uploaded: their number, size and type
   (by extension; the server still reads the content). A refused file is taken out of the
   selection and said why next to the field, so a 20 MB file is never sent to be refused.
   Reads the limits and the messages (already translated) from the input's data- attributes:
   data-max-bytes, data-max-files, data-extensions ("pdf,jpg,…"), data-msg-size, data-msg-type,
   data-msg-count; {name}, {size}, {max} are filled in. No library, no CDN. */
(function () {
  "use strict";
  function humanSize(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function messageBox(input) {
    var id = input.id + "-check";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback d-block file-check";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    return box;
  }
  function check(input) {
    var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    var maxFiles = parseInt(input.dataset.maxFiles || "0", 10);
    var extensions = (input.dataset.extensions || "").split(",").filter(Boolean);
    var kept = [];
    var problems = [];
    Array.prototype.forEach.call(input.files, function (file) {
      var extension = file.name.indexOf(".") >= 0 ? file.name.split(".").pop().toLowerCase() : "";
      if (extensions.length && extensions.indexOf(extension) < 0) {
        problems.push(fill(input.dataset.msgType || "", {name: file.name}));
      } else if (maxBytes && file.size > maxBytes) {
        problems.push(fill(input.dataset.msgSize || "", {name: file.name, size: humanSize(file.size), max: humanSize(maxBytes)}));
      } else if (maxFiles && kept.length >= maxFiles) {
        problems.push(fill(input.dataset.msgCount || "", {name: file.name, max: maxFiles}));
      } else {
        kept.push(file);
      }
    });
    var box = messageBox(input);
    box.textContent = "";
    problems.forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    input.classList.toggle("is-invalid", problems.length > 0);
    if (problems.length && typeof DataTransfer !== "undefined") {
      var selection = new DataTransfer();
      kept.forEach(function (file) { selection.items.add(file); });
      input.files = selection.files;
    } else if (problems.length) {
      input.value = "";
    }
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { check(input); });
  });
})();

// The version picker: shows the chosen comparison without leaving the page.
// Without JavaScript the list of links above it does the same through #anchors.
(function () {
  "use strict";
  var form = document.querySelector("form.picker");
  if (!form) { return; }
  var message = form.querySelector(".picker-message");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var a = Number(form.elements.from.value), b = Number(form.elements.to.value);
    if (a === b) { message.textContent = "Choose two different versions."; return; }
    var id = "compare-" + Math.min(a, b) + "-" + Math.max(a, b);
    var target = document.getElementById(id);
    if (!target) { message.textContent = "These two versions are not compared on this page."; return; }
    message.textContent = "";
    location.hash = id;
    target.focus();
  });
})();

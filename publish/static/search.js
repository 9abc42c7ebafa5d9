// Client-side search over the index shipped as search-index.js; no server is asked anything.
(function () {
  "use strict";
  var index = window.PLEDGEWATCH_SEARCH;
  var form = document.getElementById("search-form");
  if (!form || !index) { return; }
  var input = document.getElementById("q"), status = document.getElementById("search-status");
  var results = document.getElementById("results"), LIMIT = 100;
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var haystacks = index.pledges.map(function (p) { return fold(p.t + " " + p.a + " " + p.k); });
  function show(query) {
    results.textContent = "";
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) { status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < haystacks.length; i++) {
      if (words.every(function (w) { return haystacks[i].indexOf(w) !== -1; })) { found.push(index.pledges[i]); }
    }
    status.textContent = found.length + (found.length === 1 ? " pledge matches" : " pledges match") +
      (found.length > LIMIT ? "; the first " + LIMIT + " are shown" : "") + ".";
    found.slice(0, LIMIT).forEach(function (p) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = p.p; link.textContent = p.t; item.appendChild(link);
      var extra = (p.a ? " — " + p.a : "") + (p.k ? " · " + p.k : "") + (p.x ? " (no longer listed)" : "");
      item.appendChild(document.createTextNode(extra));
      results.appendChild(item);
    });
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    try { history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (e) { /* file:// */ }
    show(input.value);
  });
  input.addEventListener("input", function () { show(input.value); });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
})();

/* CIM site behaviour: catalogue filters, the portfolio finder and the evidence lightbox.
   Plain JavaScript, no third parties. Every page works without it, with less comfort. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  /* A content tab named in the address (#__tabbed_…) opens at once; the theme writes this as
     an inline script after every page's content, this shared file does it once fetched. */
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) { target.checked = target.name.indexOf("__tabbed_") === 0; }

  /* Catalogue: show the activities whose data-* lists contain every chosen value. */
  function setupFilter(form) {
    var items = document.querySelectorAll(form.getAttribute("data-cim-filter"));
    var output = form.querySelector("output");
    function apply() {
      var shown = 0;
      Array.prototype.forEach.call(items, function (item) {
        var ok = true;
        each("select", function (select) {
          var wanted = select.value;
          var have = (item.getAttribute("data-" + select.name) || "").split(" ");
          if (wanted && have.indexOf(wanted) < 0) { ok = false; }
        }, form);
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      each(".cim-category", function (section) {
        section.hidden = section.querySelectorAll(".cim-activity:not([hidden])").length === 0 &&
          section.querySelector(".cim-activity") !== null;
      });
      if (output) { output.textContent = shown + " of " + items.length + " activities"; }
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  /* Portfolio finder: load the small JSON directory and filter it in the browser. */
  function setupDirectory(form) {
    var results = document.querySelector(".cim-directory__results");
    var output = form.querySelector("output");
    var base = form.getAttribute("data-cim-base");
    var rows = [];
    var labels = {};
    each("select[name=programme] option", function (o) { labels[o.value] = o.textContent; }, form);
    function card(row) {
      var a = document.createElement("a");
      a.className = "cim-card";
      a.href = base + row.url;
      var name = document.createElement("span");
      name.className = "cim-card__name";
      name.textContent = row.name;
      var meta = document.createElement("span");
      meta.className = "cim-card__meta";
      meta.textContent = labels[row.programme] || row.programme;
      var points = document.createElement("span");
      points.className = "cim-card__points";
      points.textContent = row.points + " / " + row.required + (row.standing ? " · " + row.standing : "");
      a.appendChild(name); a.appendChild(meta); a.appendChild(points);
      return a;
    }
    function apply() {
      var q = (form.elements.q.value || "").trim().toLowerCase();
      var chosen = {};
      each("select", function (s) { chosen[s.name] = s.value; }, form);
      var hits = rows.filter(function (row) {
        if (q && row.name.toLowerCase().indexOf(q) < 0) { return false; }
        if (chosen.programme && row.programme !== chosen.programme) { return false; }
        for (var key in chosen) {
          if (key !== "programme" && chosen[key] && (row[key] || []).indexOf(chosen[key]) < 0) { return false; }
        }
        return true;
      });
      results.textContent = "";
      hits.slice(0, 200).forEach(function (row) { results.appendChild(card(row)); });
      output.textContent = hits.length + " of " + rows.length + " portfolios" +
        (hits.length > 200 ? " (first 200 shown; narrow the search)" : "");
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    fetch(form.getAttribute("data-cim-directory"))
      .then(function (r) { return r.json(); })
      .then(function (data) { rows = data; apply(); })
      .catch(function () { output.textContent = "The list of portfolios could not be loaded."; });
  }

  /* Evidence: open a larger view in a dialog instead of leaving the page. */
  function setupLightbox() {
    if (typeof HTMLDialogElement !== "function") { return; }
    var dialog = document.createElement("dialog");
    dialog.className = "cim-lightbox";
    var img = document.createElement("img");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) { dialog.close(); } });
    dialog.appendChild(close);
    dialog.appendChild(img);
    document.body.appendChild(dialog);
    each("a[data-cim-lightbox]", function (link) {
      link.addEventListener("click", function (e) {
        e.preventDefault();
        var thumb = link.querySelector("img");
        img.src = link.href;
        img.alt = thumb ? thumb.alt : "";
        dialog.showModal();
      });
    });
  }

  /* The theme's search overlay is a dialog without a name; screen readers need one. */
  function nameSearchDialog() {
    each(".md-search[role=dialog]:not([aria-label])", function (el) {
      el.setAttribute("aria-label", "Search the site");
    });
  }

  function setupPrint() {
    each("button[data-cim-print]", function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function init() {
    nameSearchDialog();
    setupPrint();
    each("form[data-cim-filter]", setupFilter);
    each("form[data-cim-directory]", setupDirectory);
    setupLightbox();
  }

  /* Material's instant navigation swaps pages without a reload; run again on each swap. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

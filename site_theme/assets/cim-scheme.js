/* The colour scheme the visitor chose earlier, applied right after the header's scheme switch
   and before the page is drawn (so it never flashes in the other scheme). One shared file in
   place of the theme's inline script in every page. */
(function () {
  "use strict";
  var palette = __md_get("__palette");
  if (!palette || !palette.color) { return; }
  var color = palette.color;
  if (color.media === "(prefers-color-scheme)") {
    // "Follow the system": take the scheme of the switch that matches the system's setting.
    var light = matchMedia("(prefers-color-scheme: light)").matches;
    var input = document.querySelector("[data-md-color-media='(prefers-color-scheme: " +
      (light ? "light" : "dark") + ")']");
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      color[key] = input.getAttribute("data-md-color-" + key);
    });
  }
  Object.keys(color).forEach(function (key) {
    document.body.setAttribute("data-md-color-" + key, color[key]);
  });
}());

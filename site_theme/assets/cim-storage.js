/* The theme's storage helpers, which its inline script in every page's <head> would define:
   this file is shared by every page and fetched once. The theme keeps the visitor's choices
   (colour scheme, dismissed banners) in localStorage under the site's root, which is the
   folder above this file's assets/ folder (the Swedish site's root for its pages). */
(function () {
  "use strict";
  var scope = new URL("..", document.currentScript.src);
  window.__md_scope = scope;
  window.__md_hash = function (text) {
    return Array.from(text).reduce(function (hash, c) {
      return (hash << 5) - hash + c.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, base) {
    return JSON.parse((storage || localStorage).getItem((base || scope).pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    try {
      (storage || localStorage).setItem((base || scope).pathname + "." + key, JSON.stringify(value));
    } catch (e) { /* private browsing or full storage: the choice is not kept */ }
  };
}());

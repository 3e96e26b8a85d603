/* Verifies a CIM certificate in the browser, independently of the site's build tools:
   the Open Badges 3.0 credential's eddsa-jcs-2022 proof is checked with WebCrypto (Ed25519)
   against the issuer's DID document, and its revocation bit is read from the signed
   Bitstring Status List. Each check is shown in plain words. */
(function () {
  "use strict";

  var B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  function b58decode(text) {
    var n = BigInt(0);
    for (var i = 0; i < text.length; i++) {
      var v = B58.indexOf(text[i]);
      if (v < 0) { throw new Error("not base58"); }
      n = n * BigInt(58) + BigInt(v);
    }
    var bytes = [];
    while (n > BigInt(0)) { bytes.unshift(Number(n % BigInt(256))); n = n / BigInt(256); }
    for (var j = 0; j < text.length && text[j] === "1"; j++) { bytes.unshift(0); }
    return new Uint8Array(bytes);
  }

  /* RFC 8785 (JCS): keys sorted by UTF-16 code units, ES2015 number and string forms. */
  function canonicalize(value) {
    if (value === null || typeof value !== "object") { return JSON.stringify(value); }
    if (Array.isArray(value)) { return "[" + value.map(canonicalize).join(",") + "]"; }
    return "{" + Object.keys(value).sort().map(function (k) {
      return JSON.stringify(k) + ":" + canonicalize(value[k]);
    }).join(",") + "}";
  }

  function sha256(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))
      .then(function (d) { return new Uint8Array(d); });
  }

  function fetchJson(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " answered " + r.status); }
      return r.json();
    });
  }

  function didWebUrl(did) {
    var parts = did.slice("did:web:".length).split(":").map(decodeURIComponent);
    var host = parts.shift();
    return "https://" + host + (parts.length ? "/" + parts.join("/") + "/did.json" : "/.well-known/did.json");
  }

  function verifyProof(doc, didDoc, issuer) {
    var proof = doc.proof || {};
    var method = proof.verificationMethod || "";
    if (method.indexOf(issuer + "#") !== 0) {
      return Promise.resolve({ key: false, why: "Unknown key: the credential was signed with a key that does not belong to the issuer." });
    }
    var listed = (didDoc.verificationMethod || []).filter(function (m) { return m.id === method; })[0];
    var issuing = (didDoc.assertionMethod || []).indexOf(method) >= 0;
    if (!listed || !issuing) {
      return Promise.resolve({ key: false, why: "Unknown key: " + method + " is not listed in the issuer's DID document." });
    }
    var pub = b58decode(String(listed.publicKeyMultibase).slice(1));
    if (pub[0] !== 0xed || pub[1] !== 0x01 || pub.length !== 34) {
      return Promise.resolve({ key: false, why: "Unknown key: the listed key is not an Ed25519 key." });
    }
    var options = {};
    Object.keys(proof).forEach(function (k) { if (k !== "proofValue") { options[k] = proof[k]; } });
    var unsecured = {};
    Object.keys(doc).forEach(function (k) { if (k !== "proof") { unsecured[k] = doc[k]; } });
    if (options["@context"]) {
      if (canonicalize(doc["@context"]).indexOf(canonicalize(options["@context"]).slice(0, -1)) !== 0) {
        return Promise.resolve({ key: true, signature: false, why: "Bad signature: the proof's @context differs from the credential's." });
      }
      unsecured["@context"] = options["@context"];
    }
    var signature = b58decode(String(proof.proofValue || "").slice(1));
    return Promise.all([sha256(canonicalize(options)), sha256(canonicalize(unsecured))])
      .then(function (h) {
        var data = new Uint8Array(64);
        data.set(h[0], 0);
        data.set(h[1], 32);
        return crypto.subtle.importKey("raw", pub.slice(2), { name: "Ed25519" }, false, ["verify"])
          .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, signature, data); });
      })
      .then(function (ok) {
        return { key: true, signature: ok, why: ok ? "" : "Bad signature: the credential has been changed since it was signed." };
      });
  }

  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function base64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function run(button) {
    var section = document.getElementById("verify");
    var list = section.querySelector(".cim-checks");
    var verdict = section.querySelector(".cim-verify__verdict");
    var siteUrl = button.getAttribute("data-site-url");
    var root = button.getAttribute("data-site-root");
    var expected = button.getAttribute("data-did");
    function local(url) { return url.indexOf(siteUrl) === 0 ? root + url.slice(siteUrl.length) : url; }
    var results = [];
    function add(ok, text) {
      results.push(ok);
      var li = document.createElement("li");
      li.className = ok ? "cim-check--ok" : "cim-check--bad";
      li.textContent = text;
      list.appendChild(li);
      return ok;
    }
    function finish() {
      var ok = results.length > 0 && results.every(Boolean);
      verdict.className = "cim-verify__verdict " + (ok ? "cim-verify__verdict--ok" : "cim-verify__verdict--bad");
      verdict.textContent = ok ? "Valid: this certificate is genuine and in force." : "Not valid: see the failed check below.";
      section.setAttribute("data-result", ok ? "valid" : "invalid");
      button.disabled = false;
    }
    list.textContent = "";
    verdict.textContent = "Checking…";
    section.hidden = false;
    section.removeAttribute("data-result");
    button.disabled = true;
    if (!window.crypto || !crypto.subtle || typeof DecompressionStream !== "function") {
      add(false, "This browser cannot check signatures. Use the `cim verify` command instead.");
      finish();
      return;
    }
    var credential, didDoc;
    fetchJson(button.getAttribute("data-credential"))
      .then(function (doc) {
        credential = doc;
        var types = doc.type || [];
        var issuer = typeof doc.issuer === "string" ? doc.issuer : (doc.issuer || {}).id;
        if (!add(types.indexOf("OpenBadgeCredential") >= 0 && !!doc.proof && !!doc.credentialSubject,
                 "It is an Open Badges 3.0 credential.")) { throw new Error("stop"); }
        if (!add(issuer === expected, issuer === expected ? "It is issued by " + issuer + ", this site's issuer."
                 : "It is issued by " + issuer + ", not by this site's issuer " + expected + ".")) { throw new Error("stop"); }
        return fetchJson(local(didWebUrl(issuer)));
      })
      .then(function (doc) {
        didDoc = doc;
        add(true, "The issuer's DID document lists its keys.");
        return verifyProof(credential, didDoc, expected);
      })
      .then(function (r) {
        if (!add(r.key, r.key ? "The signing key is one of the issuer's keys." : r.why)) { throw new Error("stop"); }
        if (!add(r.signature, r.signature ? "The signature matches: nothing has been changed." : r.why)) { throw new Error("stop"); }
        var from = new Date(credential.validFrom);
        if (!add(!(from > new Date()), from > new Date() ? "Not yet valid: valid from " + credential.validFrom + "."
                 : "Valid since " + credential.validFrom.slice(0, 10) + ".")) { throw new Error("stop"); }
        var status = credential.credentialStatus;
        if (!status) { add(true, "The issuer publishes no revocation status for it."); throw new Error("stop"); }
        return fetchJson(local(status.statusListCredential)).then(function (listing) {
          return verifyProof(listing, didDoc, expected).then(function (r2) {
            if (!r2.signature) { add(false, "The revocation list is not genuine."); throw new Error("stop"); }
            return gunzip(base64url(listing.credentialSubject.encodedList.slice(1)));
          }).then(function (bits) {
            var index = parseInt(status.statusListIndex, 10);
            var revoked = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
            if (!revoked) { add(true, "Not revoked."); return null; }
            var reasons = local(status.statusListCredential).replace(/\.json$/, "-reasons.json");
            return fetchJson(reasons).then(function (all) {
              var r3 = all[String(index)];
              add(false, "Revoked" + (r3 ? " on " + r3.date + ": " + r3.reason : " by the issuer") + ".");
            }, function () { add(false, "Revoked by the issuer."); });
          });
        });
      })
      .catch(function (error) {
        if (error && error.message !== "stop") { add(false, "The check could not be completed: " + error.message); }
      })
      .then(finish);
  }

  function init() {
    var button = document.querySelector("button[data-cim-verify]");
    if (!button) { return; }
    button.addEventListener("click", function () { run(button); });
    if (location.hash === "#verify") { run(button); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Verifies a CIM certificate in the browser, independently of the site's build tools.

   Trust is pinned to the School: the page names the School's identifier (did:web:<host>),
   and a credential issued by anyone else is "not issued by the School". The School's keys are
   read from the School's own host (derived from its did:web), never from whatever host serves
   this page, and the verdict names the host that was checked. The eddsa-jcs-2022 proof is
   checked with WebCrypto (Ed25519) (`cim verify` also checks the eddsa-rdfc-2022 proof beside
   it); the revocation bit is read from the signed Bitstring
   Status List after checking that list's own signature, issuer and dates.

   A certificate signed with the publicly known development key, or a copy served from another
   host, has an intact signature but is not an official certificate, and says so. */
(function () {
  "use strict";

  var B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  /* The development key is derived from a published constant (cim.keys.DEV_SEED). */
  var DEVELOPMENT_KEY = "z6MkmD7nFGLNJxTGKSkHy3grMzgVn4SQi2Q1mJk7jpS7rDBa";
  var JCS = "eddsa-jcs-2022";

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

  /* How long a server may take to answer (the same as `cim verify`'s). A server that never
     answers ends the check with "could not be completed", never with "Checking…" for ever. */
  var PATIENCE_SECONDS = 15;

  function fetchJson(url) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, PATIENCE_SECONDS * 1000);
    return fetch(url, { cache: "no-store", signal: controller.signal }).then(function (r) {
      if (!r.ok) { throw new Error(url + " answered " + r.status); }
      return r.json();
    }).then(function (value) {
      clearTimeout(timer);
      return value;
    }, function (error) {
      clearTimeout(timer);
      if (error && error.name === "AbortError") {
        var host = "";
        try { host = new URL(url, location.href).host; } catch (e) { host = url; }
        throw new Error(host + " did not answer within " + PATIENCE_SECONDS + " seconds; try again in a few minutes");
      }
      throw error;
    });
  }

  function didHost(did) {
    return decodeURIComponent(did.slice("did:web:".length).split(":")[0]);
  }

  function didWebUrl(did) {
    var parts = did.slice("did:web:".length).split(":").map(decodeURIComponent);
    var host = parts.shift();
    return "https://" + host + (parts.length ? "/" + parts.join("/") + "/did.json" : "/.well-known/did.json");
  }

  function hostOf(url) {
    try { return new URL(url).host; } catch (e) { return ""; }
  }

  function issuerOf(doc) {
    return typeof doc.issuer === "string" ? doc.issuer : String((doc.issuer || {}).id || "");
  }

  /* The eddsa-jcs-2022 proof among the document's proofs (an object or an array). */
  function jcsProof(doc) {
    var proofs = Array.isArray(doc.proof) ? doc.proof : [doc.proof];
    return proofs.filter(function (p) { return p && p.cryptosuite === JCS; })[0] || null;
  }

  /* Checks key and signature; resolves to {key, signature, public, why}. */
  function verifyProof(doc, didDoc, issuer) {
    var proof = jcsProof(doc);
    if (!proof) {
      return Promise.resolve({ key: false, why: "Bad signature: the credential has no " + JCS + " proof." });
    }
    var method = proof.verificationMethod || "";
    if (method.indexOf(issuer + "#") !== 0) {
      return Promise.resolve({ key: false, why: "Unknown key: the credential was signed with a key that does not belong to the issuer." });
    }
    var listed = (didDoc.verificationMethod || []).filter(function (m) { return m.id === method; })[0];
    var issuing = (didDoc.assertionMethod || []).indexOf(method) >= 0;
    if (!listed || !issuing) {
      return Promise.resolve({ key: false, why: "Unknown key: " + method + " is not one of the keys the School publishes at " + didHost(issuer) + "." });
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
    var signature;
    try { signature = b58decode(String(proof.proofValue || "").slice(1)); } catch (e) { signature = new Uint8Array(0); }
    return Promise.all([sha256(canonicalize(options)), sha256(canonicalize(unsecured))])
      .then(function (h) {
        var data = new Uint8Array(64);
        data.set(h[0], 0);
        data.set(h[1], 32);
        return crypto.subtle.importKey("raw", pub.slice(2), { name: "Ed25519" }, false, ["verify"])
          .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, signature, data); });
      })
      .then(function (ok) {
        return { key: true, signature: ok, public: listed.publicKeyMultibase,
                 why: ok ? "" : "Bad signature: the credential has been changed since it was signed." };
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

  function longDate(iso) {
    var d = new Date(String(iso).slice(0, 10) + "T00:00:00Z");
    if (isNaN(d.getTime())) { return String(iso); }
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  /* The verdict's headline for each outcome. The same outcomes, in the same words, come
     from `cim verify` (cim.verify.HEADLINES). */
  var HEADLINES = {
    "genuine": "Genuine: issued by the School and in force.",
    "not-official": "The signature is intact, but this is not an official certificate.",
    "not-school": "Not issued by the School.",
    "unknown-key": "Signed with a key the School does not publish.",
    "changed": "Changed since it was signed.",
    "revoked": "Revoked by the School.",
    "expired": "Expired.",
    "not-yet-valid": "Not valid yet.",
    "status-unchecked": "Its revocation status cannot be confirmed.",
    "unreadable": "Not a complete Open Badges 3.0 credential.",
    "unchecked": "The check could not be completed.",
    "superseded": "Superseded by a later statement."
  };

  /* A statement of points (cim.credentials.statement) names its student and day in its id,
     statements/<student>/<YYYY-MM-DD>.json; the School lists each student's newest. */
  var STATEMENT = "ext:StatementOfPoints";

  function isStatement(doc) {
    var a = (doc.credentialSubject || {}).achievement || {};
    return a.achievementType === STATEMENT;
  }

  function statementParts(id) {
    var at = String(id || "").lastIndexOf("statements/");
    if (at < 0) { return null; }
    var rest = String(id).slice(at + "statements/".length).split("/");
    if (rest.length !== 2 || !rest[0] || !/\.json$/.test(rest[1])) { return null; }
    return { base: String(id).slice(0, at), student: rest[0], day: rest[1].replace(/\.json$/, "") };
  }

  /* Whether a later statement of the same student supersedes this one. */
  function checkNewest(doc, schoolHost, add, stop) {
    var parts = statementParts(doc.id);
    if (!parts) { stop("unreadable", "The statement's id does not name its student and day."); }
    if (hostOf(parts.base) !== schoolHost) {
      stop("unchecked", "Its address is not at the issuer's " + schoolHost + ", so whether a later statement replaces it cannot be checked.");
    }
    return fetchJson(parts.base + "statements/index.json").then(null, function (error) {
      stop("unchecked", "The School's list of statements could not be read: " + error.message + ".");
    }).then(function (listing) {
      var entry = (listing || {})[parts.student];
      var newest = entry && typeof entry.date === "string" ? entry.date : "";
      if (newest > parts.day) {
        var words = "Superseded by a later statement of " + longDate(newest) + ".";
        stop("superseded", words + " Ask the holder for the newest one, at " + parts.base + "statements/" + parts.student + "/.", words);
      }
      add(true, "No later statement replaces it.");
    });
  }

  /* Verify a credential (a parsed JSON object). `school` is the School's did:web.
     Resolves to {outcome, headline, checks: [{ok, text}]}; never rejects. */
  function verifyCredential(credential, school, now) {
    now = now || new Date();
    var checks = [];
    var outcome = null;
    var headline = null;
    function add(ok, text) { checks.push({ ok: ok, text: text }); return ok; }
    function stop(kind, text, title) {
      add(false, text);
      outcome = kind;
      headline = title || null;
      throw new Error("stop");
    }
    var schoolHost = didHost(school);
    var didDoc, publicKey;
    return Promise.resolve().then(function () {
      var doc = credential;
      if (!doc || typeof doc !== "object" || (doc.type || []).indexOf("OpenBadgeCredential") < 0 ||
          !doc.proof || !doc.credentialSubject || !doc.validFrom) {
        stop("unreadable", "This is not a complete Open Badges 3.0 credential.");
      }
      add(true, "It is an Open Badges 3.0 credential.");
      var issuer = issuerOf(doc);
      if (issuer !== school) {
        stop("not-school", "It names " + (issuer || "no one") + " as its issuer; the School is " + school +
             ". Only the School can issue this certificate.");
      }
      add(true, "It names the School (" + school + ") as its issuer.");
      return fetchJson(didWebUrl(school)).then(null, function (error) {
        stop("unchecked", "The School's keys could not be read from " + schoolHost + ": " + error.message + ".");
      });
    }).then(function (doc) {
      didDoc = doc;
      if (!doc || doc.id !== school) { stop("unchecked", "The document at " + didWebUrl(school) + " is not the School's."); }
      add(true, "The School's keys were read from " + schoolHost + ".");
      return verifyProof(credential, didDoc, school);
    }).then(function (r) {
      if (!r.key) { stop("unknown-key", r.why); }
      add(true, "The signing key is one of the School's keys.");
      if (!r.signature) { stop("changed", r.why); }
      add(true, "The signature matches: nothing has been changed.");
      publicKey = r.public;
      var from = new Date(credential.validFrom);
      if (!(from <= now)) { stop("not-yet-valid", "Not yet valid: valid from " + credential.validFrom + "."); }
      if (credential.validUntil && new Date(credential.validUntil) < now) {
        stop("expired", "Expired on " + longDate(credential.validUntil) + ".");
      }
      add(true, "Valid since " + longDate(credential.validFrom) + ".");
      var status = credential.credentialStatus;
      status = Array.isArray(status) ? status.filter(function (s) { return s && s.statusPurpose === "revocation"; })[0] : status;
      if (!status) { add(true, "The School publishes no revocation status for it."); return null; }
      var url = String(status.statusListCredential || "");
      if (hostOf(url) !== schoolHost) {
        stop("status-unchecked", "Its revocation list is at " + (hostOf(url) || "no address") + ", not at the School's " + schoolHost + ".");
      }
      return fetchJson(url).then(null, function (error) {
        stop("status-unchecked", "The revocation list could not be read from " + schoolHost + ": " + error.message + ".");
      }).then(function (listing) {
        if (issuerOf(listing) !== school) { stop("status-unchecked", "The revocation list is not issued by the School."); }
        return verifyProof(listing, didDoc, school).then(function (r2) {
          if (!r2.key || !r2.signature) { stop("status-unchecked", "The revocation list is not genuine: " + r2.why); }
          var listFrom = new Date(listing.validFrom);
          if (!(listFrom <= now)) {
            stop("status-unchecked", "The revocation list is dated in the future (valid from " + listing.validFrom + "), so it cannot be relied on today.");
          }
          if (listing.validUntil && new Date(listing.validUntil) < now) {
            stop("status-unchecked", "The revocation list expired on " + longDate(listing.validUntil) + ".");
          }
          return gunzip(base64url(String(listing.credentialSubject.encodedList).slice(1)));
        }).then(function (bits) {
          var index = parseInt(status.statusListIndex, 10);
          var revoked = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
          if (!revoked) { add(true, "Not revoked (checked against the School's signed revocation list)."); return null; }
          return fetchJson(url.replace(/\.json$/, "-reasons.json")).then(function (all) {
            var why = all[String(index)];
            if (why) {
              var text = "Revoked on " + longDate(why.date) + " because " + why.reason;
              stop("revoked", text.replace(/\.?$/, "."), text.replace(/\.?$/, "."));
            }
            stop("revoked", "Revoked by the School.");
          }, function () { stop("revoked", "Revoked by the School."); });
        });
      });
    }).then(function () {
      if (isStatement(credential)) { return checkNewest(credential, schoolHost, add, stop); }
    }).then(function () {
      /* A statement is never called a certificate, not even an unofficial one. */
      var noun = isStatement(credential) ? "statement" : "certificate";
      var unofficial = noun === "statement" ? "The signature is intact, but this is not an official statement." : null;
      if (publicKey === DEVELOPMENT_KEY) {
        stop("not-official", "It is signed with the publicly known development key, which anyone can use: " +
             "this is a test build, not a " + noun + " issued by the School.", unofficial);
      }
      var served = location.host;
      if (served !== schoolHost && location.protocol !== "file:") {
        stop("not-official", "This page is served from " + served + ", not from the School's address " + schoolHost +
             ": it is a copy. The original is at " + (credential.id || "").replace(/credential\.json$/, "") + ".", unofficial);
      }
      outcome = "genuine";
    }).then(null, function (error) {
      if (!error || error.message !== "stop") {
        add(false, "The check could not be completed: " + (error && error.message ? error.message : String(error)));
        outcome = outcome || "unchecked";
      }
    }).then(function () {
      outcome = outcome || "unchecked";
      return { outcome: outcome, headline: headline || HEADLINES[outcome], checks: checks,
               host: schoolHost };
    });
  }

  /* One of the section's words in the page's language, or the English given. */
  function words(section, name, english) {
    var given = section.getAttribute("data-" + name);
    return given === null || given === "" ? english : given;
  }

  /* Show a result in a verification section (#verify). */
  function show(section, result) {
    var list = section.querySelector(".cim-checks");
    var verdict = section.querySelector(".cim-verify__verdict");
    list.textContent = "";
    result.checks.forEach(function (c) {
      var li = document.createElement("li");
      li.className = c.ok ? "cim-check--ok" : "cim-check--bad";
      li.textContent = c.text;
      list.appendChild(li);
    });
    var ok = result.outcome === "genuine";
    var kind = ok ? "ok" : (result.outcome === "not-official" ? "warn" : "bad");
    verdict.className = "cim-verify__verdict cim-verify__verdict--" + kind;
    /* The page gives the verdict's words in its own language (data-h-<outcome>, …); a
       headline more precise than the outcome's (a revocation's date) stays as it is. */
    var headline = result.headline;
    if (headline === HEADLINES[result.outcome]) { headline = words(section, "h-" + result.outcome, headline); }
    var keysAt = words(section, "keys-at", "(The School's keys were checked at {host}.)");
    verdict.textContent = headline + " " + keysAt.replace("{host}", result.host);
    if (!ok && result.outcome !== "not-official") {
      var after = { revoked: words(section, "after-revoked", "It is no longer valid."),
                    superseded: words(section, "after-superseded", "Ask the holder for the newest statement."),
                    unchecked: words(section, "after-unchecked", "It is not confirmed: see why below.") };
      verdict.textContent = headline + " " + (after[result.outcome] || words(section, "after-invalid", "It is not valid: see the failed check below."));
    }
    section.setAttribute("data-outcome", result.outcome);
    section.setAttribute("data-result", ok ? "valid" : "invalid");
  }

  function start(section) {
    section.querySelector(".cim-checks").textContent = "";
    section.querySelector(".cim-verify__verdict").className = "cim-verify__verdict";
    section.querySelector(".cim-verify__verdict").textContent = words(section, "checking", "Checking…");
    section.hidden = false;
    section.removeAttribute("data-result");
    section.removeAttribute("data-outcome");
  }

  function capable() {
    return !!(window.crypto && crypto.subtle && typeof DecompressionStream === "function" &&
              typeof AbortController === "function");
  }

  function unable(section, school) {
    show(section, { outcome: "unchecked", headline: HEADLINES.unchecked, host: didHost(school),
                    checks: [{ ok: false, text: "This browser cannot check signatures. Use the `cim verify` command instead." }] });
  }

  /* The certificate page's button. */
  function run(button) {
    var section = document.getElementById("verify");
    var school = button.getAttribute("data-did");
    start(section);
    button.disabled = true;
    if (!capable()) { unable(section, school); button.disabled = false; return; }
    fetchJson(button.getAttribute("data-credential"))
      .then(function (doc) { return verifyCredential(doc, school); },
            function (error) {
              return { outcome: "unchecked", headline: HEADLINES.unchecked, host: didHost(school),
                       checks: [{ ok: false, text: "The credential could not be read: " + error.message }] };
            })
      .then(function (result) { show(section, result); button.disabled = false; });
  }

  /* The "Check a certificate" page: a number typed in, or a credential file dropped. */
  function lookup(form) {
    var section = document.getElementById("verify");
    var school = form.getAttribute("data-did");
    var index = form.getAttribute("data-index");
    var root = form.getAttribute("data-site-root");
    var input = form.querySelector("input[name=number]");
    var file = form.querySelector("input[type=file]");
    function check(doc) {
      if (!capable()) { unable(section, school); return; }
      verifyCredential(doc, school).then(function (result) { show(section, result); });
    }
    function fail(text) {
      show(section, { outcome: "unchecked", headline: text, host: didHost(school), checks: [] });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var number = input.value.trim().toUpperCase().replace(/\s+/g, "");
      if (!number) { input.focus(); return; }
      start(section);
      fetchJson(index).then(function (all) {
        var found = all[number];
        if (!found) {
          fail("No published certificate has the number " + number + ". Check the number on the printed certificate; " +
               "a certificate can also be unpublished at its holder's request — then ask the holder for the credential file and drop it here.");
          return;
        }
        return fetchJson(root + found.credential).then(function (doc) {
          section.setAttribute("data-page", root + found.page);
          check(doc);
        });
      }).then(null, function (error) { fail("The check could not be completed: " + error.message); });
    });
    function readFile(f) {
      if (!f) { return; }
      start(section);
      f.text().then(function (text) {
        var doc;
        try { doc = JSON.parse(text); } catch (e) { fail("The file " + f.name + " is not a credential (not JSON)."); return; }
        check(doc);
      });
    }
    file.addEventListener("change", function () { readFile(file.files[0]); });
    var zone = form.querySelector(".cim-drop");
    if (zone) {
      zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("cim-drop--over"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("cim-drop--over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("cim-drop--over");
        readFile(e.dataTransfer.files[0]);
      });
    }
    var wanted = new URLSearchParams(location.search).get("number");
    if (wanted) { input.value = wanted; form.requestSubmit(); }
  }

  function init() {
    var button = document.querySelector("button[data-cim-verify]");
    if (button) {
      button.addEventListener("click", function () { run(button); });
      if (location.hash === "#verify") { run(button); }
    }
    var form = document.querySelector("form[data-cim-lookup]");
    if (form) { lookup(form); }
  }

  window.cimVerify = verifyCredential;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

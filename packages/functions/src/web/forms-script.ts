/**
 * The one client script, for forms only; pages work without it. Served from /assets (CSP
 * `script-src 'self'`, `connect-src 'self'`), no framework, kept small (it counts against every
 * form's 50 KB). It does two things:
 * - one submission per click: a second submit while the first is under way is dropped (the form's
 *   own key makes a repeat harmless anyway; this spares the wait);
 * - region pickers (`web/region-picker.tsx`): province → kabupaten/kota → kecamatan → desa selects
 *   filled from `GET /v1/regions?parent=` (same origin, each answer fetched once per page), instead
 *   of the village-name search the server answers without script. If the list cannot be fetched,
 *   the search stays.
 */
export const FORMS_SCRIPT = `"use strict";
(function () {
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.sending === "1") { e.preventDefault(); return; }
    form.dataset.sending = "1";
    setTimeout(function () { delete form.dataset.sending; }, 8000);
  });
  // Back to a page kept in the browser's cache: it may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) { delete f.dataset.sending; });
  });

  var cache = {};
  function regions(parent) {
    var url = "/v1/regions" + (parent ? "?parent=" + encodeURIComponent(parent) : "");
    if (!cache[url]) {
      cache[url] = fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) throw new Error("regions " + r.status);
        return r.json();
      }).then(function (body) { return body.items; });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }
  function clear(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
    select.disabled = true;
  }
  function fill(select, items, chosen) {
    clear(select);
    items.forEach(function (item) { select.add(new Option(item.name, item.code)); });
    select.disabled = items.length === 0;
    select.value = chosen || "";
  }

  function enhance(picker) {
    var search = picker.querySelector("[data-region-search]");
    var group = picker.querySelector("[data-region-selects]");
    var selects = ["province", "district", "subdistrict", "village"].map(function (level) {
      return picker.querySelector('select[data-level="' + level + '"]');
    });
    var chosen = picker.getAttribute("data-value") || "";
    var parts = chosen ? chosen.split(".") : [];
    // The chosen village's province, kabupaten, kecamatan and itself: "32", "32.05", …
    var path = parts.map(function (_, i) { return parts.slice(0, i + 1).join("."); });
    // The server's focus on the first error was in the search: it moves to the selects, unless the
    // person has already moved on.
    var focusHere = search.querySelector("[autofocus]") !== null;

    function load(index, parent) {
      return regions(parent).then(function (items) {
        fill(selects[index], items, path[index]);
        if (index < 3 && path[index] && selects[index].value === path[index]) return load(index + 1, path[index]);
      });
    }
    load(0, "").then(function () {
      var active = document.activeElement;
      var refocus = focusHere && (!active || active === document.body || search.contains(active));
      // The search leaves the form; the village select takes its name, id and label.
      search.querySelectorAll("input, button").forEach(function (el) { el.disabled = true; });
      search.hidden = true;
      group.hidden = false;
      var anchor = document.getElementById("villageCode");
      if (anchor && search.contains(anchor)) {
        anchor.id = anchor.type === "search" ? "villageQuery" : "villageCode-0";
        var label = picker.querySelector('label[for="villageCode"]');
        if (label) label.htmlFor = anchor.id;
      }
      var village = selects[3];
      picker.querySelector('label[for="' + village.id + '"]').htmlFor = "villageCode";
      village.id = "villageCode";
      if (refocus) {
        var empty = selects.filter(function (s) { return !s.disabled && !s.value; })[0];
        (empty || village).focus();
      }
    }, function () { /* No list: the village search stays. */ });

    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        path = [];
        for (var below = index + 1; below < selects.length; below++) clear(selects[below]);
        if (index < 3 && select.value) load(index + 1, select.value);
      });
    });
  }
  document.querySelectorAll("[data-region-picker]").forEach(enhance);
})();
`;

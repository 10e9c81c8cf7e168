// worktext site: theme switch, board filters and swimlanes, search. No dependencies; every page
// works without it (controls that need it are hidden until it runs).
(function () {
  "use strict";

  function $(selector, scope) { return (scope || document).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }

  // -- theme -------------------------------------------------------------------------------
  function currentTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  $all("[data-theme-toggle]").forEach(function (button) {
    button.setAttribute("aria-pressed", String(currentTheme() === "dark"));
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      button.setAttribute("aria-pressed", String(next === "dark"));
      try { window.localStorage.setItem("worktext-theme", next); } catch (e) { /* not kept */ }
    });
  });

  // -- boards ------------------------------------------------------------------------------
  var form = $("[data-board-filter]");
  var board = $("[data-board]");
  if (form && board) {
    var columns = $all(".column", board);
    var original = columns.map(function (column) { return $all(".card", column); });
    var status = $(".filter-status", form);

    var words = function (value) { return (value || "").split(/\s+/).filter(Boolean); };

    var matches = function (card, query, assignee, label) {
      if (query && card.getAttribute("data-text").indexOf(query) === -1) return false;
      if (assignee && words(card.getAttribute("data-assignees")).indexOf(assignee) === -1) return false;
      if (label && words(card.getAttribute("data-labels")).indexOf(label) === -1) return false;
      return true;
    };

    var laneKey = function (card, lanes) {
      if (lanes === "assignee") return words(card.getAttribute("data-assignees"))[0] || "";
      if (lanes === "priority") return card.getAttribute("data-priority") || "";
      return "";
    };

    var laneLabel = function (key, lanes) {
      if (!key) return lanes === "assignee" ? "Unassigned" : "No priority";
      if (lanes === "assignee") {
        var option = $("select[name=assignee] option[value='" + CSS.escape(key) + "']", form);
        return option ? option.textContent : key;
      }
      return key.charAt(0).toUpperCase() + key.slice(1);
    };

    var apply = function () {
      var query = form.elements.q.value.trim().toLowerCase();
      var assignee = form.elements.assignee.value;
      var label = form.elements.label.value;
      var lanes = form.elements.lanes.value;
      var shown = 0, total = 0;
      columns.forEach(function (column, index) {
        var list = $(".cards", column) || document.createElement("ol");
        if (!list.parentNode) { list.className = "cards"; column.appendChild(list); }
        list.textContent = "";
        var visible = original[index].filter(function (card) { return matches(card, query, assignee, label); });
        total += original[index].length;
        shown += visible.length;
        var count = $("[data-count]", column);
        if (count) count.textContent = (query || assignee || label) ? visible.length + " of " + original[index].length : String(original[index].length);
        if (!lanes) {
          visible.forEach(function (card) { list.appendChild(card); });
          return;
        }
        var groups = {}, order = [];
        visible.forEach(function (card) {
          var key = laneKey(card, lanes);
          if (!groups[key]) { groups[key] = []; order.push(key); }
          groups[key].push(card);
        });
        order.sort(function (a, b) { return a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0; });
        order.forEach(function (key) {
          var heading = document.createElement("li");
          heading.className = "lane-head";
          heading.setAttribute("role", "presentation");
          heading.textContent = laneLabel(key, lanes);
          list.appendChild(heading);
          groups[key].forEach(function (card) { list.appendChild(card); });
        });
      });
      if (status) status.textContent = shown === total ? "" : "Showing " + shown + " of " + total + " tasks";
    };
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  }

  // -- search ------------------------------------------------------------------------------
  var searchForm = $("[data-search-form]");
  if (searchForm) {
    var input = searchForm.elements.q;
    var results = $("[data-search-results]");
    var searchStatus = $("[data-search-status]");
    var root = document.querySelector("link[rel=stylesheet]").getAttribute("href").replace(/assets\/site\.css$/, "");
    var index = null;
    var load = function () {
      if (index) return index;
      var data = window.WORKTEXT_SEARCH || { rows: [] };
      index = data.rows.map(function (row) {
        return { kind: row[0], id: row[1], title: row[2], url: row[3], text: row[4], detail: row[5],
                 hay: (row[1] + " " + row[2]).toLowerCase(), body: row[4].toLowerCase() };
      });
      return index;
    };
    var run = function () {
      var query = input.value.trim().toLowerCase();
      results.textContent = "";
      if (!query) { searchStatus.textContent = ""; return; }
      var terms = query.split(/\s+/);
      var scored = [];
      load().forEach(function (entry) {
        var score = 0;
        for (var i = 0; i < terms.length; i++) {
          var term = terms[i];
          if (entry.id.toLowerCase() === term) score += 100;
          else if (entry.hay.indexOf(term) !== -1) score += 10;
          else if (entry.body.indexOf(term) !== -1) score += 1;
          else return;
        }
        scored.push([score, entry]);
      });
      scored.sort(function (a, b) { return b[0] - a[0] || (a[1].id < b[1].id ? -1 : 1); });
      searchStatus.textContent = scored.length + (scored.length === 1 ? " result" : " results");
      scored.slice(0, 100).forEach(function (pair) {
        var entry = pair[1];
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + entry.url;
        link.textContent = entry.title;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry.kind + " " + entry.id;
        var detail = document.createElement("span");
        detail.className = "muted small";
        detail.textContent = entry.detail;
        item.appendChild(kind);
        item.appendChild(link);
        item.appendChild(detail);
        results.appendChild(item);
      });
    };
    input.addEventListener("input", run);
    searchForm.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    // The index script comes after this one; a query in the address runs once it is there.
    window.addEventListener("load", function () {
      var initial = new URLSearchParams(window.location.search).get("q");
      if (initial) { input.value = initial; run(); }
    });
  }
})();

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
  // Filters live in the address (#q=...&assignee=...&lanes=...), so a reload or a shared link
  // keeps them; swimlanes are rows across the columns; folded done cards stay folded.
  var form = $("[data-board-filter]");
  var board = $("[data-board]");
  if (form && board) {
    var columns = $all(".column", board);
    var lists = columns.map(function (column) {
      var list = $(".cards:not(.folded-cards)", column);
      if (!list) {
        list = document.createElement("ol");
        list.className = "cards";
        var head = $(".column-head", column);
        head.parentNode.insertBefore(list, head.nextSibling);
      }
      return list;
    });
    var original = lists.map(function (list) { return $all(".card", list); });
    var folded = columns.map(function (column) { return $all(".folded-cards .card", column); });
    var status = $(".filter-status", form);
    var fields = ["q", "assignee", "label", "lanes"];

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

    var priorityRank = function (key) {
      var order = (board.getAttribute("data-priorities") || "").split(" ");
      var index = order.indexOf(key);
      return index === -1 ? -1 : index;
    };

    var keepInAddress = function () {
      var params = new URLSearchParams();
      fields.forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) params.set(name, value);
      });
      var hash = params.toString();
      var url = window.location.href.split("#")[0] + (hash ? "#" + hash : "");
      try { window.history.replaceState(null, "", url); } catch (e) { if (hash) window.location.replace("#" + hash); }
    };

    var readAddress = function () {
      var text = window.location.hash.slice(1) || window.location.search.slice(1);
      var params = new URLSearchParams(text);
      fields.forEach(function (name) {
        var value = params.get(name);
        if (value === null) return;
        var element = form.elements[name];
        if (element.tagName === "SELECT" && !$("option[value='" + CSS.escape(value) + "']", element)) return;
        element.value = value;
      });
    };

    var clearLanes = function () {
      $all(".lane-head, .lane-cell", board).forEach(function (node) { node.parentNode.removeChild(node); });
      board.classList.remove("with-lanes");
    };

    var drawLanes = function (visible, lanes) {
      board.classList.add("with-lanes");
      board.style.setProperty("--columns", String(columns.length));
      var groups = {}, order = [];
      visible.forEach(function (cards, index) {
        cards.forEach(function (card) {
          var key = laneKey(card, lanes);
          if (!groups[key]) { groups[key] = columns.map(function () { return []; }); order.push(key); }
          groups[key][index].push(card);
        });
      });
      order.sort(function (a, b) {
        if (a === "" || b === "") return a === "" ? 1 : -1;
        if (lanes === "priority") return priorityRank(b) - priorityRank(a);
        var left = laneLabel(a, lanes).toLowerCase(), right = laneLabel(b, lanes).toLowerCase();
        return left < right ? -1 : left > right ? 1 : 0;
      });
      order.forEach(function (key) {
        var head = document.createElement("div");
        head.className = "lane-head";
        var label = document.createElement("span");
        var count = groups[key].reduce(function (sum, cards) { return sum + cards.length; }, 0);
        label.textContent = laneLabel(key, lanes) + " · " + count;
        head.appendChild(label);
        board.appendChild(head);
        groups[key].forEach(function (cards, index) {
          var cell = document.createElement("ol");
          cell.className = "cards lane-cell " + (columns[index].className.match(/cat-[a-z]+/) || [""])[0];
          cell.setAttribute("aria-label", laneLabel(key, lanes) + ": " + $(".column-name", columns[index]).textContent);
          cards.forEach(function (card) { cell.appendChild(card); });
          board.appendChild(cell);
        });
      });
    };

    var apply = function () {
      var query = form.elements.q.value.trim().toLowerCase();
      var assignee = form.elements.assignee.value;
      var label = form.elements.label.value;
      var lanes = form.elements.lanes.value;
      var shown = 0, total = 0;
      clearLanes();
      var visible = columns.map(function (column, index) {
        var list = lists[index];
        list.textContent = "";
        var cards = original[index].filter(function (card) { return matches(card, query, assignee, label); });
        var hidden = 0;
        folded[index].forEach(function (card) {
          card.hidden = !matches(card, query, assignee, label);
          if (card.hidden) hidden += 1;
        });
        var all = original[index].length + folded[index].length;
        var seen = cards.length + folded[index].length - hidden;
        total += all;
        shown += seen;
        var count = $("[data-count]", column);
        if (count) count.textContent = (query || assignee || label) ? seen + " of " + all : String(all);
        if (!lanes) cards.forEach(function (card) { list.appendChild(card); });
        return cards;
      });
      if (lanes) drawLanes(visible, lanes);
      if (status) status.textContent = shown === total ? "" : "Showing " + shown + " of " + total + " tasks";
      keepInAddress();
      hint();
    };

    // A hint while columns are off-screen to the right.
    var more = document.createElement("p");
    more.className = "scroll-hint";
    more.setAttribute("aria-hidden", "true");
    more.textContent = "More columns to the right →";
    board.parentNode.insertBefore(more, board);
    // Scrolled to the end, the hint turns invisible but keeps its line, so nothing under it
    // moves while someone scrolls or clicks; it leaves only when nothing is off-screen at all.
    var hint = function () {
      var spare = board.scrollWidth - board.clientWidth;
      var left = spare - board.scrollLeft;
      more.hidden = spare <= 4;
      more.classList.toggle("at-end", left <= 4);
      board.classList.toggle("has-more", left > 4);
    };
    board.addEventListener("scroll", hint, { passive: true });
    window.addEventListener("resize", hint);

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    readAddress();
    apply();
  }

  // -- timelines -------------------------------------------------------------------------
  // On a narrow screen the label column gives way: the chart opens at its first day, and the
  // names drawn at the bars show instead (site.css).
  if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    $all(".chart-scroll").forEach(function (frame) {
      var chart = $("svg.gantt", frame);
      if (chart) frame.scrollLeft = Number(chart.getAttribute("data-labels")) || 0;
    });
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

// Runs before the page paints: applies the theme the reader chose, and marks that scripts run
// (so controls that need them are shown). Kept tiny; everything else is in site.js.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var chosen = window.localStorage.getItem("worktext-theme");
    if (chosen === "light" || chosen === "dark") root.setAttribute("data-theme", chosen);
  } catch (e) { /* storage can be unavailable (privacy settings); the system theme applies */ }
})();

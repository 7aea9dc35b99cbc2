/*
 * The broker's suggestions list (matching/_suggestions.html): keyboard shortcuts.
 *   j  the next candidate          k  the previous candidate
 *   p  propose the candidate that has focus (the same form as its "Voorstellen" button,
 *      so the same checks and the same confirmation message)
 * Keys do nothing while someone types in a field or holds Ctrl, Alt or Cmd. The help
 * line is hidden in the HTML and shown here, so it is only there when the keys work.
 * The list may arrive later by htmx, so everything is looked up when a key is pressed.
 */
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-shortcuts] > li"));
  }

  function isTyping(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function showHelp(root) {
    var lines = (root || document).querySelectorAll(".shortcut-help[hidden]");
    for (var i = 0; i < lines.length; i++) lines[i].hidden = false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (isTyping(event.target)) return;
    var key = event.key;
    if (key !== "j" && key !== "k" && key !== "p") return;
    var list = rows();
    if (!list.length) return;
    var current = -1;
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(document.activeElement)) current = i;
    }
    if (key === "p") {
      if (current < 0) return;
      var button = list[current].querySelector("form button[type=submit]");
      if (!button) return;
      event.preventDefault();
      button.click();
      return;
    }
    event.preventDefault();
    var next = current < 0 ? 0 : current + (key === "j" ? 1 : -1);
    next = Math.max(0, Math.min(list.length - 1, next));
    list[next].focus();
    list[next].scrollIntoView({ block: "nearest" });
  });

  document.addEventListener("DOMContentLoaded", function () {
    showHelp(document);
  });
  // htmx announces every piece of content it puts into the page.
  document.addEventListener("htmx:load", function (event) {
    showHelp(event.target);
  });
})();

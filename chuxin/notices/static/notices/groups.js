// Member groups: keep the newest message in view, answer a message, and tell a post where the list has got to
// (the poller's key), so the answer carries only what the page has not shown yet.
(function () {
  "use strict";
  function list() { return document.getElementById("messages"); }
  function toBottom() { var l = list(); if (l) { l.scrollTop = l.scrollHeight; } }
  document.addEventListener("DOMContentLoaded", toBottom);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id !== "older") { toBottom(); }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var poller = document.getElementById("poller");
    if (event.detail.elt && event.detail.elt.id === "composer" && poller) {
      event.detail.parameters.after = poller.getAttribute("data-last");
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cx-reply") : null;
    if (!button) { return; }
    var form = document.getElementById("composer");
    if (!form) { return; }
    form.querySelector("input[name=reply_to]").value = button.getAttribute("data-reply");
    var note = form.querySelector(".cx-replying");
    note.textContent = "↩ " + button.getAttribute("data-reply-name");
    note.classList.remove("d-none");
    form.querySelector("textarea").focus();
  });
})();

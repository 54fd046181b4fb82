// Small behaviours shared by every page. No framework: htmx does the requests.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-cx-toggle]");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  const children = toggle.closest("li").querySelector(":scope > .cx-children");
  if (children) children.classList.toggle("d-none", !open);
  const icon = toggle.querySelector("i");
  if (icon) icon.className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill";
});

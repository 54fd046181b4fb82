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

// One request per count: the side navigation's workbench count and the top bar's bell load by htmx; the phone's
// bottom bar shows copies of them ([data-cx-count="name"] -> [data-cx-copy="name"]), refreshed with them.
document.addEventListener("htmx:afterSwap", (event) => {
  const source = event.detail.target;
  const name = source && source.dataset ? source.dataset.cxCount : undefined;
  if (!name) return;
  document.querySelectorAll(`[data-cx-copy="${name}"]`).forEach((copy) => {
    copy.innerHTML = source.innerHTML;
    copy.querySelectorAll("[data-testid]").forEach((el) => el.removeAttribute("data-testid"));
  });
});

// A select marked data-cx-autosubmit sends its form when changed (a filter without a button). No inline handlers
// anywhere: the Content-Security-Policy allows scripts from this file only.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-cx-autosubmit]");
  if (select && select.form) select.form.submit();
});

// A form marked data-cx-confirm="question" is sent only once the person confirms.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-cx-confirm]");
  if (form && !window.confirm(form.dataset.cxConfirm)) event.preventDefault();
}, true);

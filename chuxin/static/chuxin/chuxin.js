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

// A select marked data-cx-picker="placeholder" becomes a filter box above a list of checkboxes: people find a name
// by typing instead of Ctrl-clicking through a long list (impossible on a phone). The select stays in the form,
// hidden, and carries the choice; the checkboxes have no name, so they are never sent themselves. A single select
// keeps one choice (ticking a name unticks the other). With data-cx-picker-url the select holds only the chosen
// people and the list asks that address (?q=) for the people matching what is typed (JSON: results [{id, label}],
// more), so an organization of 10,000 members sends a handful of names, not all of them.
function cxPicker(select) {
  if (select.dataset.cxPickerReady) return;
  select.dataset.cxPickerReady = "1";
  const key = select.id || select.name;
  const single = !select.multiple;
  const picker = document.createElement("div");
  picker.className = "cx-picker";
  picker.dataset.cxPickerFor = select.name;
  const filter = document.createElement("input");
  filter.type = "search";
  filter.id = `${key}-filter`;
  filter.className = "form-control form-control-sm mb-1";
  filter.placeholder = select.dataset.cxPicker;
  filter.autocomplete = "off";
  const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
  if (label) label.htmlFor = filter.id; // the field's label now names the box people type in
  const list = document.createElement("div");
  list.className = "cx-picker-list";
  list.setAttribute("role", "group");
  if (label) {
    label.id = label.id || `${key}-label`;
    list.setAttribute("aria-labelledby", label.id);
  }
  const note = document.createElement("div");
  note.className = "form-text cx-picker-note";
  note.setAttribute("role", "status");
  let serial = 0;
  const optionFor = (value, text) => {
    let option = Array.from(select.options).find((o) => o.value === String(value));
    if (!option) {
      option = new Option(text, value);
      select.add(option);
    }
    return option;
  };
  const addRow = (value, text, checked) => {
    if (list.querySelector(`input[value="${CSS.escape(String(value))}"]`)) return;
    const row = document.createElement("div");
    row.className = "form-check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.className = "form-check-input";
    box.id = `${key}-pick-${serial++}`;
    box.value = value;
    box.checked = checked;
    box.addEventListener("change", () => {
      const option = optionFor(value, text);
      if (single) {
        list.querySelectorAll("input[type=checkbox]").forEach((other) => { if (other !== box) other.checked = false; });
        Array.from(select.options).forEach((o) => { o.selected = false; });
        if (box.checked) option.selected = true;
        else select.value = "";
      } else {
        option.selected = box.checked;
      }
    });
    const text_ = document.createElement("label");
    text_.className = "form-check-label";
    text_.htmlFor = box.id;
    text_.textContent = text;
    row.append(box, text_);
    list.append(row);
  };
  Array.from(select.options).forEach((option) => {
    if (option.value) addRow(option.value, option.textContent, option.selected);
  });
  const url = select.dataset.cxPickerUrl;
  let timer = null;
  let asked = 0;
  const search = () => {
    const term = filter.value.trim();
    const mine = ++asked;
    fetch(`${url}?q=${encodeURIComponent(term)}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [], more: false }))
      .then((data) => {
        if (mine !== asked) return; // an older answer arriving after a newer one
        list.querySelectorAll(".form-check").forEach((row) => {
          if (!row.querySelector("input").checked) row.remove(); // the chosen stay, whatever is typed
        });
        data.results.forEach((person) => addRow(String(person.id), person.label, false));
        note.textContent = data.more ? select.dataset.cxPickerMore || "" : (data.results.length ? "" : select.dataset.cxPickerNone || "");
      });
  };
  filter.addEventListener("input", () => {
    if (url) {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
      return;
    }
    const term = filter.value.trim().toLowerCase();
    list.querySelectorAll(".form-check").forEach((row) => {
      row.hidden = Boolean(term) && !row.textContent.toLowerCase().includes(term);
    });
  });
  filter.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  picker.append(filter, list, note);
  select.hidden = true;
  select.insertAdjacentElement("afterend", picker);
  if (url) search(); // the first names at once: a branch's people fit in the first answer
}

// A date input marked data-cx-year="2026" warns, never refuses, when the date picked falls in another year: the
// message in data-cx-year-warning shows under the input (a task of this year's plan dated next year is worth a look).
function cxYearCheck(input) {
  let note = input.parentElement.querySelector(":scope > .cx-year-warning");
  const outside = Boolean(input.value) && input.value.slice(0, 4) !== input.dataset.cxYear;
  if (outside && !note) {
    note = document.createElement("div");
    note.className = "form-text text-warning-emphasis cx-year-warning";
    note.setAttribute("role", "status");
    note.textContent = input.dataset.cxYearWarning;
    input.insertAdjacentElement("afterend", note);
  }
  if (note) note.hidden = !outside;
}
["change", "input"].forEach((type) => document.addEventListener(type, (event) => {
  const input = event.target.closest && event.target.closest("input[data-cx-year]");
  if (input) cxYearCheck(input);
}));

function cxEnhance(root) {
  root.querySelectorAll("select[data-cx-picker]").forEach(cxPicker);
  root.querySelectorAll("input[data-cx-year]").forEach(cxYearCheck);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => cxEnhance(document));
} else {
  cxEnhance(document);
}
// Content htmx swaps in gets the same behaviours.
document.addEventListener("htmx:load", (event) => cxEnhance(event.detail.elt));

// A button marked data-cx-print prints the page; the print stylesheet (@media print in chuxin.css) does the rest.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-cx-print]")) window.print();
});

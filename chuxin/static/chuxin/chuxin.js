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

// One request for both counts: the top bar's bell loads by htmx (portal:badges), and its answer carries the side
// navigation's workbench count out of band; the phone's bottom bar shows copies of them
// ([data-cx-count="name"] -> [data-cx-copy="name"]), refreshed with them.
function cxCopyCount(event) {
  const source = event.detail.target;
  const name = source && source.dataset ? source.dataset.cxCount : undefined;
  if (!name) return;
  document.querySelectorAll(`[data-cx-copy="${name}"]`).forEach((copy) => {
    copy.innerHTML = source.innerHTML;
    copy.querySelectorAll("[data-testid]").forEach((el) => el.removeAttribute("data-testid"));
  });
}
document.addEventListener("htmx:afterSwap", cxCopyCount);
document.addEventListener("htmx:oobAfterSwap", cxCopyCount);
// Counts the page was drawn with (known without counting: no request for them) are copied at once.
document.querySelectorAll("[data-cx-count]").forEach((source) => {
  if (source.querySelector("[data-testid]")) cxCopyCount({ detail: { target: source } });
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

// Accessibility of live updates (docs/accessibility.md). One polite live region in the page frame (#cx-live) reads
// out what an htmx update did: the messages of an htmx answer (its HX-Trigger "cx-messages", also shown above the
// content) and any [data-cx-announce] in the content swapped in. Focus: after an update the person asked for, it
// stays on the control they used (found again in the new content), or moves to the first invalid field, to a
// [data-cx-focus] confirmation, or to the updated item; a refresh nobody asked for (a poll, "every 30s") never
// moves focus, and gives it back to the same control when the refresh replaced it.
function cxAnnounce(text) {
  const region = document.getElementById("cx-live");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 60);
}

function cxFocusKey(el) {
  const form = el.form || el.closest("form");
  return {
    id: el.id, tag: el.tagName, name: el.getAttribute("name"), value: el.getAttribute("value"),
    href: el.getAttribute("href"), action: form ? form.getAttribute("action") : null,
    testid: el.dataset ? el.dataset.testid : undefined,
  };
}

function cxFindFocus(key, root) {
  if (key.id) return document.getElementById(key.id);
  return Array.from((root || document).querySelectorAll(key.tag)).find((el) => {
    const form = el.form || el.closest("form");
    return el.getAttribute("name") === key.name && el.getAttribute("value") === key.value
      && el.getAttribute("href") === key.href && (form ? form.getAttribute("action") : null) === key.action
      && (el.dataset ? el.dataset.testid : undefined) === key.testid;
  }) || null;
}

const CX_PERSON_EVENTS = new Set(["click", "submit", "change", "input", "keyup", "keydown", "search"]);
document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  const target = event.detail.target;
  // Kept on the request itself (its xhr reaches afterSettle too), so two swaps at once (an update and the bell it
  // refreshes) each keep their own.
  if (!event.detail.xhr) return;
  event.detail.xhr.cxSwap = {
    target, targetId: target ? target.id : "",
    asked: Boolean(trigger && CX_PERSON_EVENTS.has(trigger.type)),
    key: active && active !== document.body && target && target.contains(active) ? cxFocusKey(active) : null,
  };
});

function cxFocus(el) {
  if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) el.tabIndex = -1;
  el.focus({preventScroll: false});
}

document.addEventListener("htmx:afterSettle", (event) => {
  const swap = event.detail.xhr && event.detail.xhr.cxSwap;
  if (!swap || swap.done) return; // once per swap, though htmx settles each new top-level element
  swap.done = true;
  const region = (swap.targetId && document.getElementById(swap.targetId))
    || (swap.target && swap.target.isConnected ? swap.target : null);
  if (!region || !region.matches) return;
  const said = [region].filter((el) => el.matches("[data-cx-announce]")).concat(Array.from(region.querySelectorAll("[data-cx-announce]")))
    .map((el) => el.dataset.cxAnnounce || el.textContent.trim()).filter(Boolean);
  const invalid = region.querySelectorAll("[aria-invalid=true]");
  if (swap.asked && invalid.length && !said.length) said.push(region.querySelector(".invalid-feedback, .alert-danger")?.textContent.trim() || "");
  cxAnnounce(said.join(" "));
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected;
  const same = swap.key ? cxFindFocus(swap.key, region) : null;
  if (!swap.asked) {
    if (lost && same) same.focus({preventScroll: true});
    return;
  }
  if (invalid.length) return cxFocus(invalid[0]);
  const confirmation = region.querySelector("[data-cx-focus]");
  if (confirmation) return cxFocus(confirmation);
  if (!lost) return;
  if (same) return same.focus();
  region.classList.add("cx-updated");
  cxFocus(region);
});

// Messages an htmx answer carries (core.middleware.HtmxMessagesMiddleware): shown above the content, read out.
document.body.addEventListener("cx-messages", (event) => {
  const found = Array.isArray(event.detail && event.detail.value) ? event.detail.value : (event.detail || []);
  const list = document.getElementById("cx-messages");
  const texts = [];
  (Array.isArray(found) ? found : []).forEach((message) => {
    texts.push(message.text);
    if (!list) return;
    const alert = document.createElement("div");
    alert.className = `alert alert-${message.level === "error" ? "danger" : message.level} alert-dismissible fade show`;
    alert.textContent = message.text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.dataset.bsDismiss = "alert";
    close.setAttribute("aria-label", list.dataset.closeLabel || "Close");
    alert.append(close);
    list.append(alert);
  });
  window.setTimeout(() => cxAnnounce(texts.join(" ")), 120);
});

// A form sent without htmx that came back with errors: the first invalid field takes focus (its error is tied to
// it by aria-describedby, so a screen reader reads both).
function cxFocusFirstInvalid() {
  const invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid && (!document.activeElement || document.activeElement === document.body)) invalid.focus();
}

// A table that scrolls sideways can be scrolled by keyboard: the scrolling box takes focus and is named after the
// table's caption or the heading above it.
function cxScrollRegions(root) {
  root.querySelectorAll(".table-responsive:not([tabindex])").forEach((box, index) => {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    const table = box.querySelector("table");
    const caption = table && table.caption ? table.caption.textContent.trim() : "";
    const section = box.closest("section, .cx-card, main");
    const heading = section && section.querySelector("h1, h2, h3, h4");
    const label = (table && table.getAttribute("aria-label")) || caption || (heading && heading.textContent.trim())
      || (document.querySelector("main h1") || {}).textContent || document.title;
    box.setAttribute("aria-label", label.trim());
    box.dataset.cxRegion = String(index);
  });
}
document.addEventListener("DOMContentLoaded", () => { cxScrollRegions(document); cxFocusFirstInvalid(); });
if (document.readyState !== "loading") { cxScrollRegions(document); cxFocusFirstInvalid(); }
document.addEventListener("htmx:load", (event) => cxScrollRegions(event.detail.elt));

// A select that searches on demand (chuxin.core.forms.SearchSelect, the organization pickers at thousands of
// organizations). Its search box shows only with JavaScript and has no name, so the form sends the select alone.
// htmx asks the box's hx-get (?q= added here, debounced) for matching <option>s; they replace the earlier
// results in the select, while the empty choice and the current one stay: nothing is chosen behind the person's
// back, they pick in the select (the phone's own list, or the arrow keys). Enter in the box moves to the select
// instead of sending the form. The note under the select (role=status) says how many were found.
function cxSearchSelect(root) {
  root.querySelectorAll("input[data-cx-search-select][hidden]").forEach((box) => {
    box.hidden = false;
    const label = box.parentElement.querySelector(`label[for="${CSS.escape(box.id)}"]`);
    if (label) label.hidden = false;
  });
}
const cxIsSearchBox = (el) => Boolean(el && el.matches && el.matches("input[data-cx-search-select]"));
document.addEventListener("htmx:configRequest", (event) => {
  const box = event.detail.elt;
  if (cxIsSearchBox(box)) event.detail.parameters.q = box.value.trim();
});
document.addEventListener("htmx:afterRequest", (event) => {
  const box = event.detail.elt;
  if (!cxIsSearchBox(box) || !event.detail.successful) return;
  const select = box.parentElement.querySelector("select");
  const answer = new DOMParser().parseFromString(`<select>${event.detail.xhr.responseText}</select>`, "text/html");
  const options = Array.from(answer.querySelectorAll("option"));
  const more = options.some((o) => o.hasAttribute("data-cx-more"));
  const found = options.filter((o) => !o.hasAttribute("data-cx-more"));
  Array.from(select.options).forEach((o) => { if (o.value && !o.selected) o.remove(); });
  const kept = new Set(Array.from(select.options).map((o) => o.value));
  found.forEach((o) => { if (!kept.has(o.value)) select.add(new Option(o.textContent, o.value)); });
  const note = document.getElementById(`${box.id}_note`);
  if (note) {
    const text = more ? box.dataset.cxMore : (found.length ? box.dataset.cxFound : box.dataset.cxNone);
    note.textContent = (text || "").replace("{count}", String(found.length));
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !cxIsSearchBox(event.target)) return;
  event.preventDefault(); // the box is not the form's: Enter goes on to the choices
  event.target.parentElement.querySelector("select").focus();
});
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => cxSearchSelect(document));
} else {
  cxSearchSelect(document);
}
document.addEventListener("htmx:load", (event) => cxSearchSelect(event.detail.elt));

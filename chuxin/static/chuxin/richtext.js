// The rich-text editor: pell (chuxin/static/vendor/pell) over every textarea marked data-cx-richtext.
// Progressive: the textarea stays the form's field (hidden once the editor is up) and receives the editor's HTML,
// limited to what the server's sanitizer keeps (chuxin/core/richtext.py: p br strong em ul ol li h3 h4 blockquote,
// no attributes). Without JavaScript the textarea works as before. The buttons' names come from the page
// (data-label-* attributes written by the template in the reader's language).
(function () {
  "use strict";
  const KEEP = new Set(["P", "BR", "STRONG", "EM", "UL", "OL", "LI", "H3", "H4", "BLOCKQUOTE"]);
  // What browsers' editing commands write, in the sanitizer's words.
  const RENAME = { B: "STRONG", I: "EM", DIV: "P", H1: "H3", H2: "H3", H5: "H4", H6: "H4" };
  const LOOKS_LIKE_HTML = /<\/?(p|br|ul|ol|li|h3|h4|blockquote|strong|em)\b/i;

  function cleanNode(node, doc) {
    const out = doc.createDocumentFragment();
    node.childNodes.forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) {
        out.appendChild(doc.createTextNode(child.nodeValue));
        return;
      }
      if (child.nodeType !== Node.ELEMENT_NODE || child.tagName === "SCRIPT" || child.tagName === "STYLE") return;
      const tag = RENAME[child.tagName] || child.tagName;
      const inner = cleanNode(child, doc);
      if (KEEP.has(tag)) {
        const element = doc.createElement(tag);  // a new element: no attributes, no styles carried over
        element.appendChild(inner);
        out.appendChild(element);
      } else {
        out.appendChild(inner);  // a span, a font, a link: its text stays
      }
    });
    return out;
  }

  function clean(html) {
    const doc = document.implementation.createHTMLDocument("");
    const box = doc.createElement("div");
    box.innerHTML = html;
    const result = doc.createElement("div");
    result.appendChild(cleanNode(box, doc));
    const text = result.textContent.trim();
    return text ? result.innerHTML : "";
  }

  function escapeText(text) {
    const box = document.createElement("div");
    box.textContent = text;
    return box.innerHTML;
  }

  // What the textarea holds (plain text with blank lines between paragraphs, or HTML) as the editor's HTML.
  function toHtml(value) {
    if (!value.trim()) return "";
    if (LOOKS_LIKE_HTML.test(value)) return clean(value);
    return value.replace(/\r\n/g, "\n").split(/\n\s*\n/).filter(function (p) { return p.trim(); })
      .map(function (p) { return "<p>" + escapeText(p.trim()).replace(/\n/g, "<br>") + "</p>"; }).join("");
  }

  const ACTIONS = [
    ["bold", "bold", "type-bold", function () { return window.pell.exec("bold"); }, "bold"],
    ["italic", "italic", "type-italic", function () { return window.pell.exec("italic"); }, "italic"],
    ["heading3", "heading", "type-h3", function () { return window.pell.exec("formatBlock", "<h3>"); }],
    ["heading4", "subheading", "type-h4", function () { return window.pell.exec("formatBlock", "<h4>"); }],
    ["ulist", "bullets", "list-ul", function () { return window.pell.exec("insertUnorderedList"); }],
    ["olist", "numbers", "list-ol", function () { return window.pell.exec("insertOrderedList"); }],
    ["quote", "quote", "quote", function () { return window.pell.exec("formatBlock", "<blockquote>"); }],
    ["paragraph", "paragraph", "paragraph", function () { return window.pell.exec("formatBlock", "<p>"); }],
  ];

  function mount(textarea) {
    if (!window.pell || textarea.dataset.cxRichtextReady) return;
    textarea.dataset.cxRichtextReady = "1";
    const labels = textarea.dataset;
    const holder = document.createElement("div");
    holder.className = "cx-richtext pell";
    textarea.insertAdjacentElement("afterend", holder);
    const editor = window.pell.init({
      element: holder,
      defaultParagraphSeparator: "p",
      onChange: function (html) { textarea.value = clean(html); },
      classes: { actionbar: "pell-actionbar cx-richtext-bar", button: "pell-button btn btn-sm btn-light",
                 content: "pell-content cx-richtext-content form-control", selected: "active" },
      actions: ACTIONS.map(function (a) {
        const label = labels["label" + a[1].charAt(0).toUpperCase() + a[1].slice(1)] || a[1];
        const action = { name: a[0], icon: '<i class="bi bi-' + a[2] + '" aria-hidden="true"></i>', title: label,
                         result: a[3] };
        if (a[4]) action.state = function () { return document.queryCommandState(a[4]); };
        return action;
      }),
    });
    const content = editor.content;
    content.innerHTML = toHtml(textarea.value);
    content.setAttribute("role", "textbox");
    content.setAttribute("aria-multiline", "true");
    content.dataset.testid = "richtext-" + textarea.name;
    const label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      content.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { content.focus(); });
    }
    holder.querySelectorAll(".pell-button").forEach(function (button) {
      button.setAttribute("aria-label", button.title);
    });
    const bar = holder.querySelector(".pell-actionbar");
    bar.setAttribute("role", "toolbar");
    if (labels.labelToolbar) bar.setAttribute("aria-label", labels.labelToolbar);
    // The textarea keeps what the server sent until the author changes something (plain text stays plain text).
    textarea.hidden = true;
    const form = textarea.form;
    if (form) form.addEventListener("submit", function () { textarea.value = clean(content.innerHTML); });
  }

  function mountAll(root) {
    (root || document).querySelectorAll("textarea[data-cx-richtext]").forEach(mount);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { mountAll(); });
  else mountAll();
  document.addEventListener("htmx:afterSwap", function (event) { mountAll(event.target); });
})();

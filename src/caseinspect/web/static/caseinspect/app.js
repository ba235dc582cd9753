// caseinspect: GOV.UK Frontend components, plus progressive enhancement of the case form.
// Without JavaScript every question shows with a hint saying when it applies, and the
// server applies the same rule (the core validator) when the form is saved.
import { initAll } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

function holds(condition, answers) {
  if (condition.item && answers[condition.item] !== condition.equals) return false;
  return (condition.all || []).every((sub) => holds(sub, answers));
}

function enhanceCaseForm(form) {
  const status = form.querySelector("[data-applies-status]");
  const questions = Array.from(form.querySelectorAll("[data-applies-if]"));
  const conditions = new Map(questions.map((q) => [q, JSON.parse(q.dataset.appliesIf)]));

  function answers() {
    const out = {};
    for (const input of form.querySelectorAll('input[type="radio"][name^="answer__"]:checked')) {
      if (!input.disabled) out[input.name.slice("answer__".length)] = input.value;
    }
    return out;
  }

  function update(announce) {
    const hidden = [];
    for (let pass = 0; pass < 10; pass += 1) { // conditions may chain
      let changed = false;
      const current = answers();
      for (const question of questions) {
        const show = holds(conditions.get(question), current);
        if (question.hidden === !show) continue;
        changed = true;
        question.hidden = !show;
        for (const input of question.querySelectorAll("input, textarea, select")) input.disabled = !show;
        if (!show) hidden.push(question.dataset.label);
      }
      if (!changed) break;
    }
    if (announce && status && hidden.length) {
      status.textContent = `${hidden.length} question${hidden.length > 1 ? "s" : ""} no longer appl${hidden.length > 1 ? "y" : "ies"} and ` +
        `${hidden.length > 1 ? "have" : "has"} been hidden: ${hidden.join(", ")}. Any answer to ${hidden.length > 1 ? "them" : "it"} will be removed when you save.`;
    } else if (announce && status) {
      status.textContent = "";
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("answer__")) update(true);
  });
  update(false);
}

for (const form of document.querySelectorAll("[data-case-form]")) enhanceCaseForm(form);

// Wide tables scroll on their own rather than the whole page (WCAG 1.4.10). While a table
// overflows, its scrolling box is a region named by the table's caption and takes keyboard
// focus, so it can be scrolled without a mouse (2.1.1); otherwise it is a plain box and
// no extra tab stop.
let captions = 0;
function enhanceTableScroll(scroller) {
  const caption = scroller.querySelector("table > caption");
  if (caption && !caption.id) {
    captions += 1;
    caption.id = `app-table-caption-${captions}`;
  }
  function update() {
    if (scroller.scrollWidth > scroller.clientWidth + 1) {
      scroller.setAttribute("role", "region");
      scroller.tabIndex = 0;
      if (caption) scroller.setAttribute("aria-labelledby", caption.id);
      else scroller.setAttribute("aria-label", "Table");
    } else if (document.activeElement !== scroller) {
      for (const name of ["role", "tabindex", "aria-labelledby", "aria-label"]) scroller.removeAttribute(name);
    }
  }
  update();
  if ("ResizeObserver" in window) new ResizeObserver(update).observe(scroller);
}

for (const table of document.querySelectorAll("table.govuk-table")) {
  if (table.parentElement.classList.contains("app-table-scroll")) continue;
  const scroller = document.createElement("div");
  scroller.className = "app-table-scroll";
  table.before(scroller);
  scroller.append(table);
}
for (const scroller of document.querySelectorAll(".app-table-scroll")) enhanceTableScroll(scroller);

// Uploads (case files up to 50 MB, eligible-case lists): show how much has been sent, then
// that the server is checking the file, instead of a page that seems to hang for a minute.
// Without JavaScript the form posts as usual.
function enhanceUpload(form) {
  const status = document.createElement("div");
  status.className = "govuk-inset-text app-upload-status";
  status.setAttribute("role", "status");
  status.hidden = true;
  const text = document.createElement("p");
  text.className = "govuk-body";
  const bar = document.createElement("progress");
  bar.className = "app-upload-progress";
  bar.max = 100;
  status.append(text, bar);
  form.after(status);
  form.addEventListener("submit", (event) => {
    const file = form.querySelector('input[type="file"]');
    if (!file || !file.files.length || !window.XMLHttpRequest) return;
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    const mb = (file.files[0].size / 1048576).toFixed(1);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((100 * e.loaded) / e.total);
      bar.value = pct;
      text.textContent = `Uploading ${file.files[0].name} (${mb} MB): ${pct}% sent.`;
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate: the server is reading and checking
      text.textContent = `Uploaded ${mb} MB. Checking every row against the framework: a large file takes a minute or two. Keep this page open.`;
    });
    xhr.addEventListener("load", () => {
      // Show the page the server answered with (the import's result, or the form with
      // every problem listed) at the address it came from, so its banner is not lost.
      const url = xhr.responseURL;
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (url && url !== window.location.href) history.replaceState(null, "", url);
    });
    xhr.addEventListener("error", () => {
      text.textContent = "The upload failed (the connection was lost). Try again.";
    });
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    status.hidden = false;
    text.textContent = `Uploading ${file.files[0].name} (${mb} MB)…`;
    xhr.send(data);
  });
}
for (const form of document.querySelectorAll('form[enctype="multipart/form-data"]')) enhanceUpload(form);

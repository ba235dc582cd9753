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

"""The case assessment form, generated from the framework.

:class:`CaseAssessmentForm` is a Django form whose fields come from the framework's
profile variables and items. The form checks the shape of what is posted (choices,
lengths); the framework's rules are applied once, by the core validator
(:func:`caseinspect.cases.validate_case`) inside the save action, so the form, the CSV
import and the API accept exactly the same cases. :meth:`add_problems` puts the
validator's problems back on the fields they name. :meth:`CaseAssessmentForm.sections` arranges the bound fields into
what the template draws: the case profile, the framework's sections (a standard's key
questions each followed by their prompts), and the practice note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django import forms

from ...errors import Problem
from ...framework import ANSWER_VALUES, PROFILE_ID_COLUMNS, Condition, Framework, Item
from ..actions.cases import PRACTICE_FIELDS, CaseInput

MAX_TEXT = 5000
# "na" is the inspector's explicit "Not applicable"; no choice at all is "not answered yet".
# Both are stored as no answer; the explicit mark is kept in Case.not_applicable.
NOT_APPLICABLE = "na"
ANSWER_CHOICES = [("yes", "Yes"), ("no", "No"), (NOT_APPLICABLE, "Not applicable")]

#: What the core validator's rules mean on this form, in the form's own words (its
#: messages name interchange-format columns, which nobody filling in the form sees).
FORM_MESSAGES = {
    "unanswered": "Answer this question (or choose Not applicable, where offered) before you submit",
    "rationale-required": "Give the reasons for your judgement before you submit",
    "practice-kind-missing": "Say whether the practice you describe is good or poor",
    "practice-note-missing": "Write the note, or choose ‘No example in this case’ above",
}


def answer_name(code: str) -> str:
    return f"answer__{code}"


def rationale_name(code: str) -> str:
    return f"rationale__{code}"


def profile_name(code: str) -> str:
    return f"profile__{code}"


@dataclass
class Question:
    item: Item
    field: forms.BoundField
    rationale: forms.BoundField | None
    applies_hint: str
    condition_json: str
    is_prompt: bool
    allow_na: bool
    applies: bool


@dataclass
class Block:
    title: str
    code: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class FormSection:
    code: str
    title: str
    hint: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    fields: list[forms.BoundField] = field(default_factory=list)  # profile/practice sections
    answered: int = 0
    applicable: int = 0
    has_errors: bool = False

    @property
    def status(self) -> str:
        if self.has_errors:
            return "Has errors"
        if self.applicable == 0:
            return (
                "Completed"
                if self.fields and any(f.value() for f in self.fields)
                else "Not started"
            )
        if self.answered == 0:
            return "Not started"
        return "Completed" if self.answered >= self.applicable else "In progress"


def _condition_dict(condition: Condition) -> dict:
    out: dict = {}
    if condition.item:
        out["item"], out["equals"] = condition.item, condition.equals
    if condition.all:
        out["all"] = [_condition_dict(c) for c in condition.all]
    return out


def describe_condition(condition: Condition, framework: Framework) -> str:
    parts = []
    if condition.item:
        item = framework.item(condition.item)
        parts.append(f"‘{item.label}’ is {str(condition.equals).capitalize()}")
    parts += [describe_condition(c, framework) for c in condition.all]
    return " and ".join(parts)


class CaseAssessmentForm(forms.Form):
    """One case's assessment. ``initial`` comes from :meth:`initial_for`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, framework: Framework, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework, self.case = framework, case
        for variable in framework.profile:
            if variable.code in PROFILE_ID_COLUMNS:
                continue
            self.fields[profile_name(variable.code)] = forms.ChoiceField(
                label=variable.label,
                required=False,
                choices=[("", "Not recorded")] + [(c, c) for c in variable.categories],
            )
        for item in framework.items:
            self.fields[answer_name(item.code)] = forms.ChoiceField(
                label=item.text, required=False, choices=ANSWER_CHOICES, widget=forms.RadioSelect
            )
            if item.rationale != "none":
                self.fields[rationale_name(item.code)] = forms.CharField(
                    label=f"Rationale for ‘{item.label}’"
                    + (
                        " (required if answered)" if item.rationale == "required" else " (optional)"
                    ),
                    required=False,
                    max_length=MAX_TEXT,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    strip=False,
                )
        self.fields["practice_kind"] = forms.ChoiceField(
            label="Is this an example of good or poor practice?",
            required=False,
            widget=forms.RadioSelect,
            choices=[
                ("good", "Good practice"),
                ("poor", "Poor practice"),
                ("", "No example in this case"),
            ],
        )
        self.fields["practice_note"] = forms.CharField(
            label="Describe the practice",
            required=False,
            max_length=MAX_TEXT,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        self.fields["practice_pseudonym"] = forms.CharField(
            label="Pseudonym used for the service user in the note", required=False, max_length=100
        )

    @staticmethod
    def initial_for(case) -> dict:
        initial = {
            "version": case.version,
            "practice_kind": case.practice_kind,
            "practice_note": case.practice_note,
            "practice_pseudonym": case.practice_pseudonym,
        }
        initial.update({profile_name(k): v for k, v in case.profile().items()})
        initial.update({answer_name(k): NOT_APPLICABLE for k in (case.not_applicable or [])})
        initial.update({answer_name(k): v for k, v in (case.answers or {}).items()})
        initial.update({rationale_name(k): v for k, v in (case.rationales or {}).items()})
        return initial

    # --- reading the posted values -------------------------------------------------------
    def case_input(self) -> CaseInput:
        data = self.cleaned_data
        fw = self.framework
        return CaseInput(
            # A select always posts a value; a profile field missing from the post is left as it is.
            profile={
                v.code: data.get(profile_name(v.code), "") or ""
                for v in fw.profile
                if v.code not in PROFILE_ID_COLUMNS and profile_name(v.code) in self.data
            },
            answers={
                i.code: answer
                for i in fw.items
                for answer in [data.get(answer_name(i.code), "") or ""]
                if answer != NOT_APPLICABLE
            },
            not_applicable=[
                i.code for i in fw.items if data.get(answer_name(i.code)) == NOT_APPLICABLE
            ],
            rationales={
                i.code: data.get(rationale_name(i.code), "") or ""
                for i in fw.items
                if i.rationale != "none"
            },
            practice={name: data.get(name, "") or "" for name in PRACTICE_FIELDS},
        )

    def add_problems(self, problems: list[Problem]) -> None:
        """Attach core-validator problems to the fields they name."""
        for problem in problems:
            name = self.field_for(problem.column)
            if problem.column == "practice_pseudonym":
                message = "A pseudonym is given: describe the practice too, or remove it"
            elif name == answer_name(problem.column or "") and problem.rule == "not-applicable":
                item = self.framework.item(problem.column or "")
                hint = (
                    describe_condition(item.applies_if, self.framework) if item.applies_if else ""
                )
                message = f"This question applies only when {hint}: remove the answer"
            else:
                message = FORM_MESSAGES.get(problem.rule, problem.message)
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)

    def field_for(self, column: str | None) -> str | None:
        if not column:
            return None
        if column.endswith("__rationale"):
            return rationale_name(column[: -len("__rationale")])
        if column in PRACTICE_FIELDS:
            return column
        if column in self.framework.item_codes:
            return answer_name(column)
        return profile_name(column)

    # --- arranging for the template --------------------------------------------------------
    def current_answers(self) -> dict[str, str]:
        return {i.code: (self[answer_name(i.code)].value() or "") for i in self.framework.items}

    def sections(self) -> list[FormSection]:
        fw = self.framework
        answers = self.current_answers()
        profile = FormSection(
            "profile",
            "Case profile",
            "The case's details, as recorded by the provider.",
            "section-profile",
            fields=[
                self[profile_name(v.code)] for v in fw.profile if v.code not in PROFILE_ID_COLUMNS
            ],
        )
        profile.has_errors = any(f.errors for f in profile.fields)
        out = [profile]
        standards = {s.code: s for s in fw.standards}
        for section in fw.sections:
            items = fw.items_in_section(section.code)
            form_section = FormSection(
                section.code,
                section.title,
                section.hint or "",
                "section-" + section.code.replace(".", "-"),
            )
            placed: set[str] = set()
            standard = standards.get(section.code)
            if standard is not None:
                if standard.statement:
                    form_section.hint = standard.statement
                for kq in standard.key_questions:
                    block = Block(fw.item(kq.item).label, kq.code)
                    for code in (kq.item, *kq.prompts):
                        if code in placed or fw.item(code).section != section.code:
                            continue
                        block.questions.append(
                            self._question(fw.item(code), answers, is_prompt=code != kq.item)
                        )
                        placed.add(code)
                    form_section.blocks.append(block)
            rest = [i for i in items if i.code not in placed]
            if rest:
                form_section.blocks.append(
                    Block("", "", [self._question(i, answers, is_prompt=False) for i in rest])
                )
            for block in form_section.blocks:
                for q in block.questions:
                    if q.applies:
                        form_section.applicable += 1
                        form_section.answered += bool(answers.get(q.item.code))
                    form_section.has_errors |= bool(
                        q.field.errors or (q.rationale is not None and q.rationale.errors)
                    )
            out.append(form_section)
        practice = FormSection(
            "practice",
            "Good or poor practice",
            "Describe any notable practice in this case. "
            "Never write a person's name: use the pseudonym.",
            "section-practice",
            fields=[self["practice_kind"], self["practice_note"], self["practice_pseudonym"]],
        )
        practice.has_errors = any(f.errors for f in practice.fields)
        out.append(practice)
        return out

    def _question(self, item: Item, answers: dict[str, str], *, is_prompt: bool) -> Question:
        cond = item.applies_if
        return Question(
            item=item,
            field=self[answer_name(item.code)],
            rationale=self[rationale_name(item.code)] if item.rationale != "none" else None,
            applies_hint=f"Answer only if {describe_condition(cond, self.framework)}."
            if cond
            else "",
            condition_json=json.dumps(_condition_dict(cond)) if cond else "",
            is_prompt=is_prompt,
            allow_na=item.not_applicable == "allowed",
            applies=cond.holds(answers) if cond else True,
        )

    def error_list(self) -> list[tuple[str, str]]:
        """``(anchor, message)`` pairs for the GOV.UK error summary, in form order."""
        out = [("", str(e)) for e in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                anchor = (
                    f"{name}-1"
                    if isinstance(self.fields[name].widget, forms.RadioSelect)
                    else f"id_{name}"
                )
                label = self.fields[name].label
                if name == "version":
                    anchor, label = "", "The form"
                    message = "it was opened too long ago: reload the page and try again"
                if name.startswith("rationale__"):
                    label = (
                        f"Rationale for ‘{self.framework.item(name[len('rationale__') :]).label}’"
                    )
                elif name.startswith("answer__"):
                    label = f"‘{self.framework.item(name[len('answer__') :]).label}’"
                out.append((anchor, f"{label}: {message}"))
        return out


if ANSWER_VALUES != ("yes", "no"):  # the radios above offer exactly these
    raise ImportError("the case form's radios assume the answers yes/no")

"""Excel import of questions into an organization's bank. Reading, limits, row and column errors, all-or-nothing
and the template come from chuxin.core.spreadsheet (as the member import); what is particular here: the columns,
the answer's notation ("A", "AC", "对"/"错", blanks separated by "|"), and each row's content checked by the same
function as the question form (grading.check_content). Nothing is written unless every row is valid; then one
transaction writes the questions and their first versions in bulk, with one audit entry."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import spreadsheet
from chuxin.core.access import Need, authorize
from chuxin.core.spreadsheet import Column, Deadline, ImportResult, Limits, Progress, Row, TableSpec

from . import grading
from .models import Difficulty, Question, QuestionKind, QuestionVersion

OPTION_KEYS = ("a", "b", "c", "d", "e", "f")
TRUE_WORDS = {"对", "正确", "是", "√", "true", "t", "yes", "y"}
FALSE_WORDS = {"错", "错误", "否", "×", "x", "false", "f", "no", "n"}
SPLIT = re.compile(r"[|｜;；]")

KIND_ALIASES = {
    QuestionKind.SINGLE: ("单选", "单选题", "单项选择题"),
    QuestionKind.MULTIPLE: ("多选", "多选题", "多项选择题"),
    QuestionKind.TRUE_FALSE: ("判断", "判断题", "是非题"),
    QuestionKind.FILL: ("填空", "填空题"),
}
DIFFICULTY_ALIASES = {"1": ("易", "简单", "容易"), "2": ("中", "中等", "一般"), "3": ("难", "困难", "较难")}


def _text(limit: int):
    def parse(value: Any) -> str:
        written = spreadsheet.text(value)
        if len(written) > limit:
            raise ValidationError(_("At most %(n)s characters.") % {"n": limit})
        if written[:1] in ("=", "+", "-", "@"):
            raise ValidationError(_("A cell may not start with =, +, - or @."))
        return written
    return parse


def _difficulty(value: Any) -> int:
    written = spreadsheet.normal_value(spreadsheet.text(value))
    for code, words in DIFFICULTY_ALIASES.items():
        labels = {spreadsheet.normal_value(w) for w in spreadsheet.in_each_language(Difficulty(int(code)).label)}
        if written == code or written in labels or written in words:
            return int(code)
    raise ValidationError(_("Write 易, 中 or 难 (or 1, 2, 3)."))


COLUMNS = (
    Column("kind", gettext_lazy("Type"), ("题型", "类型", "question type"), True,
           spreadsheet.choice_parser(QuestionKind, {k: v for k, v in KIND_ALIASES.items()}),
           choices=lambda: [str(label) for _v, label in QuestionKind.choices],
           help=gettext_lazy("单选 / 多选 / 判断 / 填空.")),
    Column("topic", gettext_lazy("Topic"), ("主题", "知识点", "分类"), True, _text(60),
           help=gettext_lazy("For example 党章, 组织生活, 党费.")),
    Column("text", gettext_lazy("Question"), ("题目", "题干", "试题"), True, _text(1000), width=50,
           help=gettext_lazy("The question; for a blank write ____ where it goes.")),
    *(Column(f"option_{k}", lazy(lambda k=k: _("Option %(letter)s") % {"letter": k.upper()}, str)(),
             (f"选项{k.upper()}", f"选项 {k.upper()}", k.upper()), False, _text(300),
             help=gettext_lazy("Choice questions: 2 to 6 options.")) for k in OPTION_KEYS),
    Column("answer", gettext_lazy("Answer"), ("答案", "正确答案", "标准答案"), True, _text(300),
           help=gettext_lazy("Letters for choices (A, AC); 对 or 错; the blank's answers separated by |.")),
    Column("explanation", gettext_lazy("Explanation"), ("解析", "答案解析", "说明"), False, _text(2000), width=40,
           help=gettext_lazy("Shown after the question is answered.")),
    Column("difficulty", gettext_lazy("Difficulty"), ("难度",), False, _difficulty, blank=2,
           help=gettext_lazy("易 / 中 / 难; empty: 中.")),
    Column("source", gettext_lazy("Source"), ("出处", "来源", "依据"), False, _text(200),
           help=gettext_lazy("Where the answer is written, e.g. 《中国共产党章程》第三十一条.")),
)

SPEC = TableSpec(
    COLUMNS, label_column="text",
    too_many_rows=gettext_lazy("The file has more than %(limit)s questions. Split it into smaller files."),
    no_rows=gettext_lazy("The file has a header row but no questions below it."),
)


def limits() -> Limits:
    return Limits.from_settings()


def parse_answer(kind: str, written: str, options: list[str]) -> list[Any]:
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        letters = [c for c in written.upper() if not c.isspace() and c not in ",，、"]
        if not letters or any(not ("A" <= c <= "F") for c in letters):
            raise ValidationError(_("Write the right options as letters, e.g. A or AC."))
        return [ord(c) - ord("A") for c in letters]
    if kind == QuestionKind.TRUE_FALSE:
        word = written.strip().lower()
        if word in TRUE_WORDS:
            return [grading.TRUE]
        if word in FALSE_WORDS:
            return [grading.FALSE]
        raise ValidationError(_("Write 对 or 错."))
    return [part.strip() for part in SPLIT.split(written) if part.strip()]


class QuestionRows:
    """The RowChecker of this import (chuxin.core.spreadsheet.RowChecker)."""

    def __init__(self, *, actor, organization):
        self.actor, self.organization = actor, organization
        self.ready: list[tuple[Question, QuestionVersion]] = []

    def check(self, rows: list[Row], deadline: Deadline, progress: Progress) -> None:
        for row in rows:
            deadline.check()
            if row.errors:
                continue
            v = row.values
            kind = v["kind"]
            options = [v.get(f"option_{k}", "") for k in OPTION_KEYS]
            while options and not options[-1]:
                options.pop()
            try:
                answer = parse_answer(kind, v["answer"], options)
                if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and "" in options:
                    raise ValidationError({"options": _("Leave no empty option between filled ones.")})
                options, answer = grading.check_content(kind, v["text"], options, answer)
            except ValidationError as error:
                messages = getattr(error, "message_dict", {"answer": error.messages})
                for field, texts in messages.items():
                    key = {"options": "option_a", "text": "text"}.get(field, "answer")
                    row.errors[key] = " ".join(texts)
                continue
            question = Question(organization=self.organization, organization_path=self.organization.path,
                                kind=kind, topic=v["topic"], difficulty=v.get("difficulty") or 2,
                                source=v.get("source", ""), created_by=self.actor)
            self.ready.append((question, QuestionVersion(text=v["text"], options=options, answer=answer,
                                                         explanation=v.get("explanation", ""))))

    def counts(self) -> tuple[int, int, int]:
        return len(self.ready), 0, 0

    def write(self) -> tuple[int, int, int]:
        questions = Question.objects.bulk_create([q for q, _v in self.ready], batch_size=500)
        versions = []
        for question, version in zip(questions, (v for _q, v in self.ready), strict=True):
            version.question = question
            versions.append(version)
        QuestionVersion.objects.bulk_create(versions, batch_size=500)
        for question, version in zip(questions, versions, strict=True):
            question.current = version
        Question.objects.bulk_update(questions, ["current"], batch_size=500)
        audit_record(actor=self.actor, action=AuditEntry.Action.IMPORT, target=self.organization,
                     organization=self.organization, changes={})
        return len(questions), 0, 0


def import_questions(*, actor, organization, upload) -> ImportResult:
    authorize(actor, organization, Need.MANAGE)
    return spreadsheet.run_import(upload=upload, spec=SPEC, limits=limits(),
                                  checker=lambda titles: QuestionRows(actor=actor, organization=organization))


def build_template() -> bytes:
    return spreadsheet.template_workbook(
        SPEC, title=_("Questions"), data_rows=1000,
        example=["单选", "党章", "党的最高领导机关是____。", "党的全国代表大会和它所产生的中央委员会", "中央政治局",
                 "中央书记处", "", "", "", "A", "《中国共产党章程》第十条。", "中", "《中国共产党章程》第十条"],
        instructions=[
            _("Fill in one question per row on the first sheet, from row 2. Keep the titles in row 1 as they are."),
            _("Choice questions need their options; the answer is the letters of the right options (A, AC)."),
            _("True/false: the answer is 对 or 错. Fill in the blank: the accepted answers separated by |."),
            _("Nothing is imported unless every row is correct; the page lists each problem with its row and column."),
        ])

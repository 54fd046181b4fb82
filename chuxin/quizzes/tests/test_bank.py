"""The question bank: the form, the Excel import (all or nothing, row and column errors) and its template."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chuxin.quizzes.models import Question, QuestionVersion

HEADER = ["题型", "主题", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "出处"]
GOOD = [
    ["单选", "党章", "党的最高领导机关是____。", "党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "",
     "A", "党章第十条", "中", "《中国共产党章程》第十条"],
    ["多选", "组织生活", "三会一课包括哪些？", "支部党员大会", "支部委员会会议", "党小组会", "党课", "ABCD", "", "易", ""],
    ["判断", "党费", "学生党员每月交纳党费0.2元。", "", "", "", "", "对", "", "", ""],
    ["填空", "学时", "党员每年集中学习培训一般不少于____学时。", "", "", "", "", "32|三十二", "", "难", ""],
]


def xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("questions.xlsx", buffer.getvalue())


def test_a_valid_file_imports_every_question_with_its_first_version(world, client_for):
    worker = client_for(world.worker)
    response = worker.post(reverse("quizzes:import"), {"organization": world.pc.pk, "file": xlsx([HEADER, *GOOD])})
    assert response.status_code == 302
    assert Question.objects.count() == 4 == QuestionVersion.objects.count()
    fill = Question.objects.get(kind="fill")
    assert fill.current.answer == ["32", "三十二"] and fill.difficulty == 3
    assert Question.objects.get(kind="multiple").current.answer == [0, 1, 2, 3]
    assert Question.objects.get(kind="true_false").current.answer == ["true"]


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(world, client_for):
    bad = [
        ["单选", "党章", "只有一个选项", "甲", "", "", "", "A", "", "", ""],
        ["问答", "党章", "题型不对", "", "", "", "", "x", "", "", ""],
        ["判断", "党章", "答案不对", "", "", "", "", "也许", "", "", ""],
        ["单选", "党章", "=HYPERLINK(\"x\")", "甲", "乙", "", "", "C", "", "", ""],
    ]
    page = client_for(world.worker).post(reverse("quizzes:import"), {
        "organization": world.pc.pk, "file": xlsx([HEADER, *GOOD, *bad])}).content.decode()
    assert not Question.objects.exists()
    for row in ("Row 6", "Row 7", "Row 8", "Row 9"):
        assert row in page
    assert "Write 对 or 错." in page and "Type" in page or "题型" in page


def test_a_file_that_is_no_workbook_or_too_big_is_refused_clearly(world, client_for):
    worker = client_for(world.worker)
    page = worker.post(reverse("quizzes:import"), {"organization": world.pc.pk, "file": SimpleUploadedFile(
        "questions.xlsx", b"not a zip at all")}).content.decode()
    assert "import-errors" in page and not Question.objects.exists()
    page = worker.post(reverse("quizzes:import"), {"organization": world.pc.pk, "file": SimpleUploadedFile(
        "questions.csv", b"a,b")}).content.decode()
    assert "Upload an Excel workbook" in page
    page = worker.post(reverse("quizzes:import"), {"organization": world.pc.pk, "file": SimpleUploadedFile(
        "big.xlsx", b"0" * (10 * 1024 * 1024 + 1))}).content.decode()
    assert "larger than 10 MB" in page


def test_a_bank_of_another_tree_cannot_be_imported_into(world, client_for):
    page = client_for(world.outsider).post(reverse("quizzes:import"), {
        "organization": world.b1.pk, "file": xlsx([HEADER, *GOOD])}).content.decode()
    assert "Select a valid choice" in page and not Question.objects.exists()


def test_the_template_reads_back_as_a_header(world, client_for):
    response = client_for(world.worker).get(reverse("quizzes:import-template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["Type", "Topic", "Question"]


def test_the_question_form_checks_the_answer_against_the_options(world, client_for):
    worker = client_for(world.worker)
    data = {"organization": world.pc.pk, "kind": "single", "topic": "党章", "text": "题目", "options": "甲\n乙",
            "answer": "C", "explanation": "", "source": "", "difficulty": "2"}
    page = worker.post(reverse("quizzes:question-create"), data).content.decode()
    assert "exactly one right option" in page and not Question.objects.exists()
    data["answer"] = "B"
    assert worker.post(reverse("quizzes:question-create"), data).status_code == 302
    assert Question.objects.get().current.answer == [1]


def test_the_bank_lists_the_banks_above_read_only(world, questions, client_for):
    page = client_for(world.secretary).get(reverse("quizzes:bank")).content.decode()
    assert "第0题" in page
    assert reverse("quizzes:question-edit", args=[questions[0].pk]) not in page  # PC's bank: the secretary reads it
    assert client_for(world.secretary).get(reverse("quizzes:question-edit", args=[questions[0].pk])).status_code == 404

"""Write an N-row member workbook that the Excel import (chuxin/members/importing.py) accepts as it is.

    .venv/bin/python bench/make_import_file.py --rows 10000 --out /tmp/chuxin-bench-import.xlsx \
        --orgs S-B000001,S-B000002 [--work-unit 规模测试第1集团公司] [--seed 7]

The titles are the Chinese ones people write (the import's aliases), the values are what a Party-affairs
office types: 男/女, 正式党员/预备党员, 本科, real date cells, citizen ID numbers in text cells. Every row is
valid and every number new: they come from the generator the seeds and tests share
(chuxin.members.citizen_id.fake), with area codes used by no seed (seed_demo, seed_scale, the tests). The
organizations must exist and be managed by the importer (bench/run.py passes the codes of branches made by
`manage.py seed_scale`).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from chuxin.members.citizen_id import fake  # noqa: E402  (no Django settings needed)

# The column titles, in the order of the import's template; each is one of importing.COLUMNS' aliases.
TITLES = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "手机号", "学历", "工作单位", "部门", "岗位",
          "入党日期", "转正日期", "党员类别", "状态", "党组织编码"]
AREAS = ("130102", "140105", "150102", "210102", "220102", "230102", "340102", "360102")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红文辉鹏飞宇婷雪梅晨阳欣怡子涵浩然思远海燕德胜玉立新"
EDUCATION = ["研究生", "本科", "本科", "本科", "大专", "中专", "高中", "初中"]
POSTS = ["职员", "工程师", "高级工程师", "主管", "经理", "技术员", "会计", "教师"]


def make_rows(count: int, org_codes: list[str], *, work_unit: str = "", seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    today = datetime.date.today()
    used: set[str] = set()
    rows = []
    for _i in range(count):
        male = rng.random() < 0.6
        born = datetime.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
        number = fake(rng, born, male, AREAS)
        while number in used:
            number = fake(rng, born, male, AREAS)
        used.add(number)
        joined = born.replace(year=born.year + rng.randint(18, 40))
        if joined > today - datetime.timedelta(days=30):
            joined = today - datetime.timedelta(days=rng.randint(30, 700))
        probationary = joined > today - datetime.timedelta(days=365)
        full_on = None if probationary else joined + datetime.timedelta(days=365)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        rows.append([
            name, "男" if male else "女", rng.choice(["汉族"] * 9 + ["回族", "满族", "壮族"]), born,
            number, f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            rng.choice(EDUCATION), work_unit, "", rng.choice(POSTS), joined, full_on,
            "预备党员" if probationary else "正式党员", "正常", rng.choice(org_codes),
        ])
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(TITLES)
    text_columns = {TITLES.index("公民身份号码"), TITLES.index("手机号"), TITLES.index("党组织编码")}
    for values in rows:
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif index in text_columns:
                cell.number_format = "@"  # as the template formats them, so Excel keeps every digit
            cells.append(cell)
        ws.append(cells)
    wb.save(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/chuxin-bench-import.xlsx"))
    parser.add_argument("--orgs", required=True, help="Comma-separated organization codes the rows are spread over.")
    parser.add_argument("--work-unit", default="", help="A work unit name the importer can see (optional).")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    codes = [code.strip() for code in args.orgs.split(",") if code.strip()]
    write_xlsx(args.out, make_rows(args.rows, codes, work_unit=args.work_unit, seed=args.seed))
    print(f"{args.rows} rows -> {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()

"""Generate a realistic teacher-training instance of any size, feasible by construction.

    python scripts/generate_instance.py --projects 100 --seed 1 --out instances/generated/m100.json
    python scripts/generate_instance.py --projects 30 --seed 7 --tight --plan /tmp/plan.json

What it draws, and from where
-----------------------------
A district (or, at a thousand projects, a city or province) of `8 + N/10` towns, about 30 % of
them urban streets (街道, 900–2,600 teachers) and the rest rural towns (镇/乡, 250–900), each with
teachers per audience in the proportions of the shipped instances (primary teachers the largest
group, senior-high and vocational teachers mostly in the urban towns, more principals per teacher
in the countryside); `5 + N/20` audiences (up to 11: kindergarten, primary, junior, senior,
leaders, then new hires, vocational, care staff, kindergarten heads, finance, special education);
`6 + N/6` venues (the teacher-training school's hall, classrooms, computer and recording rooms,
high-school halls, rural central schools' meeting rooms, one more in each rural 片区 without
one); the urban streets one 城区片区 and the rural towns up to four 片区 (`name_areas`); `15 + N/2`
trainers (teaching-research
staff, famous teachers, county trainers, university experts available in the school holidays),
each teaching one to three topics of one field.
Projects are drawn from the kinds of project the seed tables list (`KINDS`: subject training,
backbone and famous-teacher training, staged cultivation, principals' training, new-teacher
induction, sending teaching to the countryside 送教下乡, shadowing 跟岗, study tours, kindergarten,
ethics and class-teacher training, IT 2.0, PE and arts, civics, vocational, all-staff online
training …) with the mix of modes, headcounts (40 … 3000 or "all"), days, months, holiday rules,
phases and rural quotas those tables show; some 送教下乡 projects go to the trainees' 片区
(`delivery: to_area`) and some one-class staged projects are `spread` over their window.
The calendar is the year's: statutory holidays from
`chinese-calendar`, the winter break around the Spring Festival, the summer break from early
July, and exam and term-start blackouts.

How the instance is feasible by construction
--------------------------------------------
The generator schedules before it writes. After drawing the towns, venues and trainers it plants
the projects one by one, as a planner would: each session (and each phase of it) goes on days
its own calendar allows (months, working days, its holiday rule, its audiences' blackouts), in a
free venue large and equipped enough (rural if required), with free trainers who together cover
its topics, and with seats per town that meet the rural quota and keep every town under its
absence cap on those days. These are the rules `schedule validate` checks. A project whose
sessions do not all fit is drawn again. Then the rest of the instance is written around that plan:

- `months` contains every planted day; `preferred_months` are the months the project was drawn
  for; the holiday rule was drawn first and only days that keep it were tried;
- venues' and trainers' closed weeks are drawn among the days they are not booked; a trainer's
  `max_days` is at least the days they teach, their `available` windows contain every taught day;
- `after` links are added only between projects whose planted dates already keep them;
- session counts follow the formula of docs/format.md from the venues, which exist before any
  project is drawn, so the planted classes are exactly the classes the solver sees; a `to_area`
  project's classes are the solver's own split (`area_classes`), each planted in its 片区;
- a `spread` project's k-th phase is planted in the k-th group of its start days.

The planted plan is therefore a valid plan that keeps every project, mandatory or not: `--plan`
writes it as a solution file, and `schedule validate` accepts it.

Slack: every topic is taught by at least `trainers_per_session + 2` trainers, headcounts are at
most 60 % of the teachers of their audiences (less for one subject's or the PE teachers), a
trainer is planted for at most 30 days and their `max_days` is 5–20 days above what they teach
(at least 20), and a venue or trainer is closed on at most two weeks. `--tight` plants with less:
`4 + N/10` venues, `10 + N/3` trainers planted for up to 40 days with `max_days` at most 2 above,
an absence cap of 0.12 instead of 0.2 (0.1 instead of 0.15 in small rural towns), and two to five
closed weeks each. Its planted plan still fits; the greedy baseline may have to drop projects.

Determinism: one `random.Random(seed)` makes every draw in a fixed order, and nothing depends on
set order, hashing or the clock, so the same arguments give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import click
from chinese_calendar import constants as statutory
from chinese_calendar import get_holiday_detail

from scheduler.core.calendar import spread_groups

ALL = "all"
"""The headcount of a project that trains every teacher of its audiences."""
POLICY_RURAL_QUOTA = 0.2
"""The policy's rural quota, as in the shipped instances."""
POLICY_RURAL_WEIGHT = 1.5
"""The policy's tilt of the towns' fair shares towards rural teachers, as in the shipped
instances whose documents ask for it (Jian'an, Anshan: 向农村和一线教师倾斜)."""

# --- what the seed documents show -----------------------------------------------------------

AUDIENCES: list[tuple[str, str]] = [
    ("kg", "幼儿园教师"), ("pri", "小学教师"), ("jun", "初中教师"), ("sen", "高中教师"),
    ("lead", "中小学校长及管理干部"), ("new", "新入职教师"), ("voc", "中等职业学校教师"),
    ("care", "幼儿园保育员"), ("kgl", "幼儿园园长"), ("fin", "学校财务人员"),
    ("spec", "特殊教育学校教师"),
]
"""Audiences in the order they join as the instance grows: 5 core ones, then one per 20 projects."""

SHARES: dict[str, dict[str, float]] = {
    "urban": {"kg": 13, "pri": 34, "jun": 23, "sen": 15, "lead": 4, "new": 2, "voc": 6,
              "care": 4, "kgl": 1.5, "fin": 1.2, "spec": 1},
    "rural": {"kg": 12, "pri": 44, "jun": 30, "sen": 4, "lead": 7, "new": 2.5, "voc": 0,
              "care": 3, "kgl": 2.5, "fin": 1.5, "spec": 0},
}
"""Teachers per audience, in percent of a town's staff (Jian'an, Qianjiang and Anshan tables)."""

SCHOOL_AUDIENCES = ("kg", "pri", "jun", "sen", "voc")
"""Audiences with pupils: exams and the start of term black them out."""

SUBJECTS: dict[str, tuple[str, ...]] = {
    "pri": ("语文", "数学", "英语", "科学", "道德与法治", "音乐", "美术", "体育与健康", "信息科技"),
    "jun": ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治"),
    "sen": ("语文", "数学", "英语", "物理", "化学", "生物", "思想政治", "历史", "地理", "通用技术"),
}
"""Subjects by school level, for the subject-training names."""

FIELDS: dict[str, tuple[tuple[str, ...], float]] = {
    "学科教学": (("课程标准", "教学设计", "命题", "双减"), 4),
    "德育": (("师德", "班级管理", "心理健康", "新教师入职"), 2),
    "管理": (("学校管理", "党建", "师德"), 1.5),
    "学前": (("幼儿教育", "幼小衔接", "保育"), 1),
    "体艺": (("体育", "美育", "传统文化"), 1),
    "信息化": (("信息技术", "校本研修", "教学设计"), 1),
    "科研": (("科研", "名师工作室", "专业发展"), 1),
    "乡村": (("乡村教育", "教学设计", "心理健康"), 1),
    "职教": (("职业教育", "班级管理"), 0.5),
    "思政": (("思政", "党建"), 1),
    "特教": (("特殊教育", "心理健康"), 0.3),
    "财务": (("财务",), 0.3),
}
"""A trainer's field: the topics they may teach, and how common such trainers are."""


class Variant(NamedTuple):
    """One line of a plan table: its name (with {subject}, {year}, {season}), audiences and
    topics; `share` is the part of the audiences' teachers it can concern (one subject's
    teachers, the PE and arts teachers …); `quota` and `office` override the kind's."""

    name: str
    audiences: tuple[str, ...]
    topics: tuple[str, ...]
    share: float = 0.6
    quota: float | None = None
    office: str | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of project as the seed tables list it, with the ranges its fields are drawn from."""

    key: str
    weight: float
    variants: tuple[Variant, ...]
    modes: tuple[str, ...]
    headcount: tuple[int, int]
    """Log-uniform range; (0, 0) is "all"."""
    days: tuple[int, int]
    months: tuple[int, ...]
    trainers: tuple[int, int] = (1, 2)
    holiday: tuple[str, ...] = ("allowed",)
    category: str = "专项培训"
    office: str = "师训科"
    mandatory: float = 0.0
    quota: float | None = None
    venue_rural: str | None = None
    features: tuple[str, ...] = ()
    class_sizes: tuple[int, ...] = (100, 150, 200, 300)
    phases: tuple[int, int] = (1, 1)
    fixed_sessions: tuple[int, int] | None = None
    to_area: float = 0.0
    """The share of its rural-only projects held in each trainee's own 片区 (送教下乡)."""
    spread: float = 0.0
    """The share of its one-class staged projects spread over their window (a 全年 series)."""


TERM = (3, 4, 5, 6, 9, 10, 11, 12)
SUMMER = (7, 8)
K12 = ("pri", "jun", "sen")
STAFF = ("kg", "pri", "jun", "sen", "lead")
V = Variant
KINDS: tuple[Kind, ...] = (
    Kind("all-online", 3, (
        V("{year}年{season}全员教师在线培训", STAFF, ("师德", "专业发展")),
        V("{year}年{season}中小学教师网络研修（全员）", K12, ("专业发展", "课程标准")),
        V("中小学教师继续教育岗位培训（全员）", STAFF, ("专业发展", "师德")),
        V("师德师风专题网络学习（全员）", (*K12, "lead"), ("师德",))),
        ("online",), (0, 0), (2, 5), (2, 7, 8), (1, 2), ("required", "allowed"),
        "全员培训", "教师工作科", mandatory=1.0),
    Kind("subject", 24, (
        V("小学{subject}新课标新教材培训", ("pri",), ("课程标准", "教学设计"), 0.3),
        V("初中{subject}大单元教学设计研修", ("jun",), ("教学设计", "课程标准"), 0.3),
        V("高中{subject}新课程新教材新高考培训", ("sen",), ("课程标准", "命题"), 0.3),
        V("初中{subject}命题能力提升培训", ("jun",), ("命题", "课程标准"), 0.3),
        V("小学{subject}作业设计与减负提质交流", ("pri",), ("双减", "教学设计"), 0.3),
        V("义务教育{subject}课堂教学观摩研讨", ("pri", "jun"), ("教学设计", "课程标准"), 0.3),
        V("高三{subject}复习备考培训", ("sen",), ("命题", "课程标准"), 0.15)),
        ("offline", "offline", "blended"), (80, 2600), (1, 3), TERM, (1, 2),
        ("allowed", "forbidden"), "学科培训", "教研室"),
    Kind("backbone", 12, (
        V("骨干教师、学科带头人能力提升培训", K12, ("名师工作室", "教学设计", "科研"), 0.1),
        V("名师工作室主持人及成员研修", ("kg", *K12), ("名师工作室", "科研"), 0.05),
        V("乡村骨干教师培训", ("pri", "jun"), ("乡村教育", "教学设计"), 0.1, 0.8),
        V("卓越教师培养对象集中研修", K12, ("科研", "专业发展"), 0.05)),
        ("offline", "blended"), (40, 300), (2, 3), TERM, (2, 2), ("allowed", "forbidden"),
        "骨干培训", "教师工作科", quota=0.4, venue_rural="preferred"),
    Kind("staged", 3, (
        V("初中{subject}学科教师分阶段培育", ("jun",), ("教学设计", "课程标准"), 0.1),
        V("青年教师成长营（全年）", ("pri", "jun"), ("教学设计", "专业发展"), 0.05),
        V("名班主任培育工程（全年）", ("pri", "jun"), ("班级管理", "心理健康"), 0.05)),
        ("offline",), (30, 100), (1, 2), tuple(range(3, 13)), (1, 2), ("allowed",),
        "骨干培训", "教研室", phases=(2, 4), spread=0.6),
    Kind("leaders", 10, (
        V("中小学校长办学治校能力提升培训", ("lead",), ("学校管理",)),
        V("学校党组织书记培训", ("lead",), ("党建", "学校管理")),
        V("中层管理干部培训", ("lead",), ("学校管理",)),
        V("新任校长任职资格培训", ("lead",), ("学校管理", "师德"), 0.2),
        V("学校安全管理专题培训", ("lead",), ("学校管理",))),
        ("offline", "offline", "offsite"), (40, 150), (2, 5), tuple(range(3, 13)), (1, 2),
        ("allowed",), "干部培训", "组织科"),
    Kind("induction", 3, (
        V("新入职教师岗前培训", ("new",), ("新教师入职", "师德", "班级管理")),
        V("新教师入职集中培训", ("new",), ("新教师入职", "班级管理"))),
        ("offline", "blended"), (80, 500), (3, 5), (8,), (3, 3), ("required",),
        "新教师培训", "人事科", mandatory=1.0, class_sizes=(150, 250)),
    Kind("sending", 5, (
        V("乡村教师导师团送教下乡", ("pri", "jun"), ("乡村教育", "教学设计", "心理健康"), 0.3),
        V("城乡结对送教送培活动", ("pri",), ("乡村教育", "教学设计"), 0.3),
        V("名师工作室送教下乡", ("pri", "jun"), ("乡村教育", "名师工作室"), 0.3)),
        ("offline",), (200, 1000), (1, 2), (4, 5, 6, 9, 10, 11), (2, 3), ("forbidden",),
        "送教下乡", "教师工作科", mandatory=0.3, quota=1.0, venue_rural="required",
        fixed_sessions=(4, 8), to_area=0.6),
    Kind("shadowing", 6, (
        V("骨干班主任赴优质学校跟岗研修", ("pri", "jun"), ("班级管理",), 0.05),
        V("农村骨干教师跟岗学习", ("pri", "jun"), ("乡村教育",), 0.05, 1.0),
        V("薄弱学校校长跟岗培训", ("lead",), ("学校管理",), 0.3, 0.5),
        V("学前骨干教师赴先进地区跟岗实训", ("kg",), ("幼儿教育",), 0.1)),
        ("offsite",), (30, 100), (5, 7), TERM, (0, 0), ("forbidden",), "骨干培训", "教师工作科"),
    Kind("study-tour", 4, (
        V("名优教师赴教育先进地区研修（外地）", K12, ("名师工作室",), 0.05),
        V("校长访学高研班", ("lead",), ("学校管理",), 0.3),
        V("名校长论坛（参观、考察）", ("lead",), ("学校管理",), 0.3)),
        ("offsite",), (40, 100), (4, 6), (4, 5, 7, 8, 10), (0, 0), ("allowed",),
        "干部培训", "组织科"),
    Kind("kindergarten", 8, (
        V("幼儿园教师保教能力提升培训", ("kg",), ("幼儿教育",)),
        V("“幼小科学衔接”专题培训", ("kg", "kgl"), ("幼小衔接", "幼儿教育")),
        V("“安吉游戏”经验推广培训", ("kg",), ("幼儿教育",), 0.3),
        V("幼儿园保育员培训", ("care",), ("保育",)),
        V("乡镇中心园园长办园能力培训", ("kgl",), ("幼儿教育", "学校管理"), 0.6, 1.0)),
        ("offline", "blended", "online"), (60, 600), (1, 3), tuple(range(2, 13)), (1, 2),
        ("allowed",), "专项培训", "学前科", class_sizes=(100, 150, 200)),
    Kind("ethics", 8, (
        V("师德师风专题培训", K12, ("师德",), 0.2),
        V("班主任专业能力提升培训", ("pri", "jun"), ("班级管理", "心理健康"), 0.2),
        V("心理健康教育能力专项培训", K12, ("心理健康", "班级管理"), 0.1),
        V("家庭教育指导能力培训", ("pri", "jun"), ("心理健康", "班级管理"), 0.1)),
        ("offline", "blended"), (70, 600), (1, 2), TERM, (1, 2), ("allowed",),
        "专项培训", "德育科", mandatory=0.3),
    Kind("it", 4, (
        V("信息技术应用能力提升工程2.0集中培训", (*K12, "lead"), ("信息技术", "校本研修")),
        V("智慧课堂教学应用培训", ("pri", "jun"), ("信息技术", "教学设计"), 0.3)),
        ("blended", "online", "offline"), (200, 2200), (1, 3), (3, 4, 5, 6, 10, 11), (1, 2),
        ("allowed",), "全员培训", "电教馆", mandatory=0.3, features=("计算机",), class_sizes=(60,)),
    Kind("arts", 5, (
        V("体音美学科教师专业技能培训", K12, ("体育", "美育"), 0.12),
        V("体育中考改革与教学模式研究", ("jun",), ("体育",), 0.06),
        V("“双减”课后服务项目交流研讨", ("pri", "jun"), ("双减", "体育", "美育"), 0.12),
        V("中华优秀传统文化进校园经验交流", K12, ("传统文化", "美育"), 0.1)),
        ("offline", "blended"), (100, 2000), (1, 3), TERM + SUMMER, (1, 2),
        ("allowed", "forbidden"), "学科培训", "体卫艺科"),
    Kind("civics", 4, (
        V("思政课教师政策理论培训", K12, ("思政",), 0.1),
        V("大中小学思政一体化研讨", K12, ("思政", "党建"), 0.1),
        V("思政观摩课", K12, ("思政",), 0.1)),
        ("offline", "blended"), (100, 3000), (1, 2), TERM, (1, 2), ("allowed", "forbidden"),
        "专项培训", "宣传科", class_sizes=(200, 300, 500)),
    Kind("vocational", 3, (
        V("职业学校学期初集备", ("voc",), ("职业教育",)),
        V("职业学校班主任培训", ("voc",), ("班级管理", "职业教育"), 0.3),
        V("职业学校骨干教师综合素质培训", ("voc",), ("职业教育",), 0.2)),
        ("offline", "blended"), (60, 1500), (1, 3), TERM, (1, 2), ("allowed",),
        "学科培训", "高职成科", quota=0.0),
    Kind("special", 3, (
        V("学校财务人员培训", ("fin",), ("财务",)),
        V("特殊教育专项培训", ("spec",), ("特殊教育", "心理健康"), office="基础教育科"),
        V("入党积极分子培训", ("kg", *K12), ("党建",), 0.03, office="组织科")),
        ("offline",), (40, 200), (1, 3), TERM, (1, 1), ("allowed",), "专项培训", "计财科",
        class_sizes=(60, 80)),
    Kind("online", 5, (
        V("名优教师在线研修", K12, ("名师工作室", "专业发展"), 0.05),
        V("校长通识网络培训", ("lead",), ("学校管理", "师德")),
        V("{subject}学科网络教研", ("pri", "jun"), ("课程标准", "教学设计"), 0.3)),
        ("online",), (100, 3000), (1, 3), tuple(range(2, 13)), (1, 2), ("allowed",),
        "全员培训", "教师工作科"),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = ("建华", "秀梅", "国强", "丽娟", "志刚", "晓燕", "红", "海涛", "文博", "玉洁",
         "春燕", "立军", "雪", "振华", "美玲", "国栋", "丹", "明", "静", "敏", "勇", "磊",
         "艳", "霞", "丽华", "德胜", "冬梅", "佳", "淑芬", "宏伟", "学军", "启明", "晓兰",
         "春秀", "凤", "大勇", "玉梅", "成林", "凡华", "雨", "立平", "红英", "晓东", "雅琴",
         "立新", "志强", "秀云", "涛", "野", "欣")
PLACES = (("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("新", "xin"),
          ("平", "ping"), ("安", "an"), ("河", "he"), ("山", "shan"), ("石", "shi"),
          ("桥", "qiao"), ("林", "lin"), ("城", "cheng"), ("阳", "yang"), ("兴", "xing"),
          ("龙", "long"), ("泉", "quan"), ("宁", "ning"), ("丰", "feng"), ("马", "ma"),
          ("黄", "huang"), ("白", "bai"), ("高", "gao"), ("金", "jin"), ("永", "yong"),
          ("长", "chang"), ("清", "qing"), ("水", "shui"), ("花", "hua"), ("岭", "ling"),
          ("沟", "gou"), ("集", "ji"), ("店", "dian"), ("庄", "zhuang"), ("营", "ying"),
          ("湾", "wan"), ("坪", "ping"), ("溪", "xi"), ("坝", "ba"), ("堡", "pu"))
CN_NUMBERS = "一二三四五六七八九十"


# --- how much room the planted plan leaves -------------------------------------------------


@dataclass(frozen=True)
class Slack:
    """The sizes and limits the plan is planted with; `--tight` uses smaller ones."""

    venues: tuple[int, int]
    """venues = a + N // b"""
    trainers: tuple[int, int]
    """trainers = a + N // b"""
    absence_share: float
    small_town_share: float
    trainer_budget: int
    """Days a trainer may be planted with (their max_days is drawn at or above what they teach)."""
    spare_days: tuple[int, int]
    """max_days = days taught + a draw from this range (and at least 8)."""
    closed_weeks: tuple[int, int]
    """Weeks each venue and trainer is closed, drawn among the weeks they are free."""


DEFAULT = Slack(venues=(6, 6), trainers=(15, 2), absence_share=0.2, small_town_share=0.15,
                trainer_budget=30, spare_days=(5, 20), closed_weeks=(0, 2))
TIGHT = Slack(venues=(4, 10), trainers=(10, 3), absence_share=0.12, small_town_share=0.1,
              trainer_budget=40, spare_days=(0, 2), closed_weeks=(2, 5))


# --- the year ---------------------------------------------------------------------------------


def covered_years() -> tuple[int, int]:
    """The years whose statutory holidays `chinese-calendar` knows."""
    years = [day.year for day in statutory.holidays]
    return min(years), max(years)


class Year:
    """The days of the year, numbered from 0 (1 January): working days, holiday windows, school
    days and blackouts, computed as docs/format.md, Instance defines them."""

    def __init__(self, year: int):
        self.year = year
        self.first = dt.date(year, 1, 1)
        self.length = (dt.date(year + 1, 1, 1) - self.first).days
        self.dates = [self.first + dt.timedelta(days=day) for day in range(self.length)]
        self.working = [self._is_working(date) for date in self.dates]
        self.windows = self._holiday_windows()
        self.window_of = [next((index for index, (_, first, last) in enumerate(self.windows)
                                if first <= day <= last), None) for day in range(self.length)]
        self.school = [self.working[day] and self.window_of[day] is None
                       for day in range(self.length)]
        self.blackouts: list[tuple[str, int, int, tuple[str, ...]]] = []

    @staticmethod
    def _is_working(date: dt.date) -> bool:
        if date in statutory.workdays:
            return True
        return date.weekday() < 5 and date not in statutory.holidays

    def _holiday_windows(self) -> list[tuple[str, int, int]]:
        """寒假: from the Saturday nearest 16 days before the Spring Festival, 30 days (Henan 2024
        and Chongqing 2022 exactly); 暑假: the first Saturday from 6 July to 31 August."""
        festival = min(date for date in statutory.holidays if date.year == self.year
                       and date.month <= 2 and get_holiday_detail(date)[1] == "Spring Festival")
        anchor = self.day(festival) - 16
        saturday = min(anchor + shift for shift in range(-3, 4)
                       if self.dates[anchor + shift].weekday() == 5)
        winter = max(saturday, self.day(dt.date(self.year, 1, 13)))
        july = self.day(dt.date(self.year, 7, 6))
        summer = next(day for day in range(july, july + 7) if self.dates[day].weekday() == 5)
        return [("寒假", winter, winter + 29),
                ("暑假", summer, self.day(dt.date(self.year, 8, 31)))]

    def add_blackouts(self, rng: random.Random, audiences: list[str]) -> None:
        """End-of-term exams, the first week of each term, 高考 and 中考 (docs/format.md: days those
        audiences cannot train)."""
        school = [audience for audience in SCHOOL_AUDIENCES if audience in audiences]
        exams = [audience for audience in ("pri", "jun", "sen", "voc") if audience in audiences]
        (_, winter, winter_end), (_, summer, _) = self.windows
        zhongkao = self.day(dt.date(self.year, 6, rng.choice((13, 16, 20, 24))))
        september = self.day(dt.date(self.year, 9, 1))
        self.blackouts = [
            ("期末考试（第一学期）", winter - 5, winter - 1, tuple(exams)),
            ("春季开学", winter_end + 1, winter_end + 5, tuple(school)),
            ("高考", self.day(dt.date(self.year, 6, 7)), self.day(dt.date(self.year, 6, 10)),
             ("sen",)),
            ("中考", zhongkao, zhongkao + 2, ("jun",)),
            ("期末考试（第二学期）", summer - 5, summer - 1, tuple(exams)),
            ("秋季开学", september, september + 4, tuple(school)),
        ]
        self.blackouts = [blackout for blackout in self.blackouts if blackout[3]]

    def day(self, date: dt.date) -> int:
        return (date - self.first).days

    def iso(self, day: int) -> str:
        return self.dates[day].isoformat()

    def month(self, day: int) -> int:
        return self.dates[day].month

    def start_days(self, draft: Draft) -> list[int]:
        """Days on which a session of the project may start: every one of its days is a working
        day in its months, outside its audiences' blackouts, and keeps its holiday rule."""
        blocked = [False] * self.length
        for _, first, last, audiences in self.blackouts:
            if set(audiences) & set(draft.audiences):
                for day in range(first, last + 1):
                    blocked[day] = True
        months = set(draft.months)
        starts = []
        for start in range(self.length - draft.days + 1):
            days = range(start, start + draft.days)
            if all(self.working[day] and not blocked[day] and self.month(day) in months
                   for day in days) and self._keeps_holiday_rule(draft.holiday, days):
                starts.append(start)
        return starts

    def _keeps_holiday_rule(self, rule: str, days: range) -> bool:
        windows = [self.window_of[day] for day in days]
        if rule == "forbidden":
            return all(window is None for window in windows)
        if rule == "required":
            return windows[0] is not None and all(window == windows[0] for window in windows)
        return True

    def holiday_months(self) -> list[int]:
        """Months with working days inside a holiday window."""
        return sorted({self.month(day) for day in range(self.length)
                       if self.window_of[day] is not None and self.working[day]})


# --- the district -----------------------------------------------------------------------------


@dataclass
class Town:
    id: str
    name: str
    rural: bool
    teachers: dict[str, int]
    max_absence_share: float | None = None
    area: str = ""

    @property
    def total(self) -> int:
        return sum(self.teachers.values())

    def pool(self, audiences: tuple[str, ...]) -> int:
        return sum(self.teachers.get(audience, 0) for audience in audiences)


@dataclass
class Venue:
    id: str
    name: str
    town: str
    capacity: int
    features: list[str]
    cost_per_day: int
    rural: bool
    unavailable: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Trainer:
    id: str
    name: str
    topics: list[str]
    town: str | None
    fee_per_day: int
    available: list[tuple[int, int]] | None = None
    unavailable: list[tuple[int, int]] = field(default_factory=list)
    max_days: int = 0


@dataclass
class Draft:
    """A project being drawn; `key` orders the table, `id` is given once the table is sorted."""

    key: int
    kind: str
    name: str
    audiences: tuple[str, ...]
    headcount: int | str
    mode: str
    days: int
    months: list[int]
    preferred: list[int]
    holiday: str
    topics: list[str]
    trainers: int
    priority: int | str
    category: str
    office: str
    size: int = 0
    """Seats trained: the headcount, or the pool for "all"."""
    max_session_size: int | None = None
    sessions: int | None = None
    phases: int = 1
    min_gap_days: int = 0
    rural_quota: float | None = None
    venue_rural: str | None = None
    features: list[str] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    delivery: str = "central"
    spread: bool = False
    id: str = ""

    @property
    def uses_venue(self) -> bool:
        return self.mode in ("offline", "blended")

    @property
    def quota(self) -> float:
        """The rural quota that applies: the project's, else the policy's; none for "all"."""
        if self.headcount == ALL:
            return 0.0
        return self.rural_quota if self.rural_quota is not None else POLICY_RURAL_QUOTA

    @property
    def takes_teachers_away(self) -> bool:
        return self.mode != "online"


@dataclass
class Row:
    """One phase of one planted session."""

    project: int
    session: int
    phase: int
    start: int
    days: int
    venue: str | None
    trainers: list[str]
    seats: dict[str, int]


def draw_towns(rng: random.Random, count: int, audiences: list[str], slack: Slack) -> list[Town]:
    """`count` towns, about 30 % urban streets; teachers per audience from `SHARES` with noise."""
    urban = max(2, round(count * 0.3))
    names = _place_names(rng, count)
    towns = []
    for index, (name, pinyin) in enumerate(names):
        rural = index >= urban
        total = rng.randint(250, 900) if rural else rng.randint(900, 2600)
        shares = SHARES["rural" if rural else "urban"]
        teachers = {}
        for audience in audiences:
            share = shares[audience] * rng.uniform(0.8, 1.2)
            if audience == "sen" and rural and (total < 600 or rng.random() < 0.5):
                share = 0  # only some large rural towns have a senior high school
            if round(total * share / 100):
                teachers[audience] = round(total * share / 100)
        suffix = ("乡" if rng.random() < 0.3 else "镇") if rural else "街道"
        town = Town(pinyin, name + suffix, rural, teachers)
        if rural and town.total < 400 and rng.random() < 0.5:
            town.max_absence_share = slack.small_town_share
        towns.append(town)
    name_areas(towns)
    return towns


AREAS = ("东片区", "南片区", "西片区", "北片区")


def name_areas(towns: list[Town]) -> None:
    """The 片区 as the shipped plans group their towns: the urban streets one 城区片区, the
    rural towns in up to four 片区 of about three or more towns each, in town order."""
    rural = [town for town in towns if town.rural]
    count = max(1, min(len(AREAS), len(rural) // 3))
    for town in towns:
        town.area = "城区片区" if not town.rural else AREAS[rural.index(town) * count // len(rural)]


def _place_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Distinct two-character place names with pinyin ids (a number added where two names
    sound alike, 平/坪; numbered areas once the pairs run out)."""
    pairs = [(a, b) for a in PLACES for b in PLACES if a[0] != b[0]]
    rng.shuffle(pairs)
    names = [(a[0] + b[0], a[1] + b[1]) for a, b in pairs[:count]]
    names += [(f"第{index + 1}片区", f"area{index + 1}") for index in range(count - len(names))]
    seen: dict[str, int] = defaultdict(int)
    unique = []
    for name, pinyin in names:
        seen[pinyin] += 1
        unique.append((name, pinyin if seen[pinyin] == 1 else f"{pinyin}{seen[pinyin]}"))
    return unique


def draw_venues(rng: random.Random, count: int, towns: list[Town]) -> list[Venue]:
    """The teacher-training school's hall, classroom, computer and recording rooms, a high
    school's hall and a rural central school's hall first; then, in random towns, rural schools'
    meeting rooms (45 %), urban schools' halls (30 %), classrooms (15 %) and feature rooms."""
    urban = [town for town in towns if not town.rural]
    rural = [town for town in towns if town.rural]
    seat = urban[0]
    district = seat.name[:2] + "区"
    venues = [
        Venue("v001", f"{district}教师进修学校 报告厅", seat.id, 400, [], 0, False),
        Venue("v002", f"{district}教师进修学校 培训教室", seat.id, 120, [], 0, False),
        Venue("v003", f"{district}教师进修学校 计算机教室", seat.id, 60, ["计算机"], 0, False),
        Venue("v004", f"{district}教师进修学校 录播教室", seat.id, 60, ["录播"], 0, False),
        Venue("v005", f"{district}第一高级中学 学术报告厅", urban[1].id, 350, [], 1500, False),
        Venue("v006", f"{rural[0].name}中心学校 多功能厅", rural[0].id, 200, [], 800, True),
    ]
    names = {venue.name for venue in venues}
    while len(venues) < count:
        venue = _draw_venue(rng, f"v{len(venues) + 1:03d}", district, urban, rural)
        base, repeat = venue.name, 1
        while venue.name in names:
            repeat += 1
            venue.name = base.replace(" ", f"（{cn_number(repeat)}） ", 1)
        names.add(venue.name)
        venues.append(venue)
    return venues[:count] + area_rooms(venues[:count], towns, count)


def area_rooms(venues: list[Venue], towns: list[Town], count: int) -> list[Venue]:
    """A central school's meeting room in the first town of each rural 片区 that has no rural
    venue, so that training sent to the areas has a room in each."""
    towns_by_id = {town.id: town for town in towns}
    served = {towns_by_id[venue.town].area for venue in venues if venue.rural}
    rooms: list[Venue] = []
    for town in towns:
        if town.rural and town.area not in served:
            served.add(town.area)
            rooms.append(Venue(f"v{count + len(rooms) + 1:03d}", f"{town.name}中心学校 会议室",
                               town.id, 150, [], 500, True))
    return rooms


def _draw_venue(rng: random.Random, venue_id: str, district: str, urban: list[Town],
                rural: list[Town]) -> Venue:
    roll = rng.random()
    if roll < 0.45:
        town = rng.choice(rural)
        room = rng.choice(("中心学校 会议室", "中学 会议室", "中心学校 多功能厅"))
        return Venue(venue_id, f"{town.name}{room}", town.id, rng.choice((100, 120, 150, 200, 250)),
                     [], rng.choice((400, 500, 600, 800)), True)
    town = rng.choice(urban)
    if roll < 0.75:
        school = rng.choice(("第一中学", "实验中学", "第二高级中学", "实验小学", "职业教育中心"))
        return Venue(venue_id, f"{district}{school} 学术报告厅", town.id,
                     rng.choice((300, 350, 400, 500, 600)), [],
                     rng.choice((1000, 1200, 1500, 2000)), False)
    if roll < 0.9:
        return Venue(venue_id, f"{town.name}中心小学 多媒体教室", town.id,
                     rng.choice((80, 100, 120, 150)), [], rng.choice((0, 300, 500)), False)
    feature = rng.choice(("计算机", "录播"))
    room = "计算机教室" if feature == "计算机" else "录播教室"
    return Venue(venue_id, f"{district}实验学校 {room}", town.id, rng.choice((50, 60, 80)),
                 [feature], rng.choice((300, 500)), False)


def cn_number(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 105 → 一百零五, 120 → 一百二十 (up to 999)."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    if hundreds:
        tail = "" if rest == 0 else "零" + CN_NUMBERS[ones - 1] if tens == 0 else (
            CN_NUMBERS[tens - 1] + "十" + (CN_NUMBERS[ones - 1] if ones else ""))
        return CN_NUMBERS[hundreds - 1] + "百" + tail
    head = "" if tens == 0 else "十" if tens == 1 else CN_NUMBERS[tens - 1] + "十"
    return head + (CN_NUMBERS[ones - 1] if ones else "")


def draw_trainers(rng: random.Random, count: int, towns: list[Town], year: Year) -> list[Trainer]:
    """Teaching-research staff, famous teachers and county trainers (most), each with one to
    three topics of one field (`FIELDS`), and university experts (one in eight) who teach only
    in the school holidays and in one month of term."""
    fields = list(FIELDS)
    weights = [FIELDS[name][1] for name in fields]
    trainers = []
    for index in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        topics = FIELDS[rng.choices(fields, weights)[0]][0]
        own = rng.sample(topics, rng.randint(1, min(3, len(topics))))
        if rng.random() < 0.12:
            term_month = rng.choice(TERM)
            windows = [(first, last) for _, first, last in year.windows]
            windows.append((year.day(dt.date(year.year, term_month, 1)),
                            year.day(dt.date(year.year, term_month, 28))))
            trainers.append(Trainer(f"e{index + 1:03d}", f"{name}（师范大学教授）", own, None,
                                    rng.choice((2000, 2500, 3000)), sorted(windows)))
        else:
            town = rng.choice(towns)
            fee = rng.choice((500, 600, 800, 1000, 1200))
            trainers.append(Trainer(f"t{index + 1:03d}", name, own, town.id, fee))
    return trainers


# --- planting ---------------------------------------------------------------------------------


class Ledger:
    """What the planted plan has taken: venue and trainer days, each town's teachers away, and
    the share of each town's teachers of each audience in training on each day (a teacher is
    in one training a day)."""

    def __init__(self, year: Year, towns: list[Town], policy_share: float):
        self.year = year
        self.towns = {town.id: town for town in towns}
        self.training: dict[tuple[str, str], dict[int, Fraction]] = defaultdict(
            lambda: defaultdict(Fraction))
        self.venue_days: dict[str, set[int]] = defaultdict(set)
        self.trainer_days: dict[str, set[int]] = defaultdict(set)
        self.away: dict[str, list[int]] = {town.id: [0] * year.length for town in towns}
        self.caps = {town.id: _cap(town, policy_share) for town in towns}
        self.totals = {town.id: town.total for town in towns}

    def room(self, town: str, days: list[int]) -> int:
        """Seats the town can still send on all of these days (absence cap on school days)."""
        return min((self.caps[town] if self.year.school[day] else self.totals[town])
                   - self.away[town][day] for day in days)

    def teachers_room(self, town: str, days: list[int], draft: Draft) -> int:
        """Seats of the project the town's teachers can still fill on all of these days
        without being in two trainings at once: its pool times what is left of the busiest
        of its audiences."""
        pool = self.towns[town].pool(draft.audiences)
        busiest = max((self.training[town, audience][day] for audience in draft.audiences
                       for day in days), default=Fraction(0))
        return math.floor((1 - busiest) * pool)

    def venue_free(self, venue: str, days: range) -> bool:
        return not any(day in self.venue_days[venue] for day in days)

    def trainer_free(self, trainer: Trainer, days: range, budget: int) -> bool:
        taught = self.trainer_days[trainer.id]
        if len(taught) + len(days) > budget or any(day in taught for day in days):
            return False
        return trainer.available is None or any(
            first <= days[0] and days[-1] <= last for first, last in trainer.available)

    def book(self, row: Row, draft: Draft, sign: int = 1) -> None:
        """Take (sign 1) or give back (sign -1) a row's venue, trainers, absent teachers and
        its share of its towns' teachers."""
        days = range(row.start, row.start + row.days)
        for bookings, key in ([(self.venue_days, row.venue)] if row.venue else []) + \
                [(self.trainer_days, trainer) for trainer in row.trainers]:
            if sign > 0:
                bookings[key].update(days)
            else:
                bookings[key].difference_update(days)
        if draft.takes_teachers_away:
            for town, seats in row.seats.items():
                for day in days:
                    self.away[town][day] += sign * seats
        for town, seats in row.seats.items():
            share = Fraction(seats, self.towns[town].pool(draft.audiences))
            for audience in draft.audiences:
                for day in days:
                    self.training[town, audience][day] += sign * share


def _cap(town: Town, policy_share: float) -> int:
    share = town.max_absence_share if town.max_absence_share is not None else policy_share
    return math.floor(round(share * town.total, 9))


class Planter:
    """Places every session of a project as a planner would, or reports that it does not fit."""

    def __init__(self, rng: random.Random, year: Year, towns: list[Town], venues: list[Venue],
                 trainers: list[Trainer], slack: Slack):
        self.rng = rng
        self.year = year
        self.towns = towns
        self.venues = venues
        self.trainers = trainers
        self.slack = slack
        self.ledger = Ledger(year, towns, slack.absence_share)
        # What the project being planted may use, worked out once per project:
        self.qualified: list[Trainer] = []
        self.usable: list[Venue] = []
        self.pools: dict[str, int] = {}
        self.groups: list[set[int]] | None = None
        """A spread project's start days, one group per phase."""

    def plant(self, draft: Draft) -> list[Row] | None:
        """Rows for every session and phase of the project, booked in the ledger; None (and
        nothing booked) if one of them does not fit."""
        self.qualified = [trainer for trainer in self.trainers
                          if set(trainer.topics) & set(draft.topics)]
        self.usable = sorted(usable_venues(draft, self.venues), key=lambda venue: (
            draft.venue_rural == "preferred" and not venue.rural, venue.capacity))
        self.pools = {town.id: town.pool(draft.audiences) for town in self.towns}
        starts = self._ordered_starts(draft)
        classes = self._class_sizes(draft)
        if not starts or classes is None:
            return None
        self.groups = ([set(group) for group in spread_groups(self.year.start_days(draft),
                                                               draft.phases)]
                       if draft.spread else None)
        rows: list[Row] = []
        used: dict[str, int] = defaultdict(int)
        for number, (size, area) in enumerate(classes, start=1):
            session = self._plant_session(draft, number, size, starts, used, area)
            if session is None:
                for row in rows:
                    self.ledger.book(row, draft, -1)
                return None
            rows += session
            for town, seats in session[0].seats.items():
                used[town] += seats
        return rows

    def _class_sizes(self, draft: Draft) -> list[tuple[int, str | None]] | None:
        """Each class's size and, sent to the areas, its area (`area_classes`)."""
        if draft.delivery == "to_area":
            return area_classes(draft, self.towns, self.venues, self.year.year,
                                self.slack.absence_share)
        return [(size, None) for size in session_sizes(draft, self.venues)]

    def _ordered_starts(self, draft: Draft) -> list[int]:
        """Allowed start days, those in the preferred months first, each group shuffled."""
        starts = self.year.start_days(draft)
        preferred = [day for day in starts if self.year.month(day) in draft.preferred]
        others = [day for day in starts if self.year.month(day) not in draft.preferred]
        self.rng.shuffle(preferred)
        self.rng.shuffle(others)
        return preferred + others

    def _plant_session(self, draft: Draft, number: int, size: int, starts: list[int],
                       used: dict[str, int], area: str | None) -> list[Row] | None:
        """The phases of one session (in `area`, where it goes to one); phase 1 on the first
        start that fits, the later phases on the first fitting days after the gap, with the
        same seats; a spread project's phase k in its k-th group of start days."""
        for start in [day for day in starts if self._in_group(day, 1)][:120]:
            first = self._plant_phase(draft, number, 1, start, size, used, None, area)
            if first is None:
                continue
            rows = [first]
            for phase in range(2, draft.phases + 1):
                earliest = rows[-1].start + draft.days + draft.min_gap_days
                later = sorted(day for day in starts
                               if day >= earliest and self._in_group(day, phase))
                row = next((row for day in later[:60] if (row := self._plant_phase(
                    draft, number, phase, day, size, used, rows[0].seats, area)) is not None),
                    None)
                if row is None:
                    break
                rows.append(row)
            if len(rows) == draft.phases:
                return rows
            for row in rows:
                self.ledger.book(row, draft, -1)
        return None

    def _in_group(self, day: int, phase: int) -> bool:
        return self.groups is None or day in self.groups[phase - 1]

    def _plant_phase(self, draft: Draft, session: int, phase: int, start: int, size: int,
                     used: dict[str, int], seats: dict[str, int] | None,
                     area: str | None) -> Row | None:
        days = range(start, start + draft.days)
        venue = self._free_venue(draft, size, days, area)
        if draft.uses_venue and venue is None:
            return None
        trainers = self._free_trainers(draft, days)
        if trainers is None:
            return None
        if seats is None:
            seats = self._seats(draft, size, list(days), used, area)
        elif any(self.ledger.teachers_room(town, list(days), draft) < count
                 or (draft.takes_teachers_away and self.ledger.room(town, list(days)) < count)
                 for town, count in seats.items()):
            seats = None
        if seats is None:
            return None
        row = Row(draft.key, session, phase, start, draft.days, venue.id if venue else None,
                  [trainer.id for trainer in trainers], seats)
        self.ledger.book(row, draft)
        return row

    def _free_venue(self, draft: Draft, size: int, days: range,
                    area: str | None) -> Venue | None:
        """A free usable venue (in `area`, if given) that seats the session: the smallest that
        fits, rural first when the project prefers a rural venue."""
        if not draft.uses_venue:
            return None
        return next((venue for venue in self.usable if venue.capacity >= size
                     and (area is None or self.ledger.towns[venue.town].area == area)
                     and self.ledger.venue_free(venue.id, days)), None)

    def _free_trainers(self, draft: Draft, days: range) -> list[Trainer] | None:
        """`draft.trainers` distinct free trainers sharing a topic with it and covering all of
        its topics, drawn at random among the free ones."""
        if draft.trainers == 0:
            return []
        free = [trainer for trainer in self.qualified
                if self.ledger.trainer_free(trainer, days, self.slack.trainer_budget)]
        self.rng.shuffle(free)
        chosen: list[Trainer] = []
        for topic in draft.topics:
            if not any(topic in trainer.topics for trainer in chosen):
                teacher = next((t for t in free if topic in t.topics and t not in chosen), None)
                if teacher is None:
                    return None
                chosen.append(teacher)
        chosen += [trainer for trainer in free if trainer not in chosen][
            :draft.trainers - len(chosen)]
        return chosen if len(chosen) == draft.trainers else None

    def _seats(self, draft: Draft, size: int, days: list[int], used: dict[str, int],
               area: str | None) -> dict[str, int] | None:
        """Seats by town for one session (of the towns of `area`, if given): its share of the
        rural quota in rural towns first, then the rest in proportion to the pools, never above
        a town's unseated teachers of the audiences nor (for a session that takes teachers
        away) its room under the absence cap."""
        rooms = {}
        for town in self.towns:
            if area is not None and town.area != area:
                continue
            room = self.pools[town.id] - used[town.id]
            if draft.takes_teachers_away and room > 0:
                room = min(room, self.ledger.room(town.id, days))
            if room > 0:
                room = min(room, self.ledger.teachers_room(town.id, days, draft))
            if room > 0:
                rooms[town.id] = room
        weights = {town: self.pools[town] for town in rooms}
        rural_ids = [town.id for town in self.towns if town.rural and town.id in rooms]
        rural_seats = math.ceil(round(draft.quota * size, 9))
        rural = spread(rural_seats, {town: rooms[town] for town in rural_ids}, weights)
        if rural is None:
            return None
        rest_rooms = {town: room - rural.get(town, 0) for town, room in rooms.items()}
        rest = spread(size - rural_seats, rest_rooms, weights)
        if rest is None:
            return None
        seats = {town: rural.get(town, 0) + rest.get(town, 0) for town in rooms}
        return {town: count for town, count in seats.items() if count > 0}


def spread(total: int, rooms: dict[str, int], weights: dict[str, int]) -> dict[str, int] | None:
    """`total` seats over the keys of `rooms`, in proportion to `weights`, never above a room;
    None if the rooms hold fewer than `total`."""
    if sum(rooms.values()) < total:
        return None
    given = dict.fromkeys(rooms, 0)
    left = total
    while left > 0:
        open_keys = [key for key in rooms if given[key] < rooms[key]]
        weight = sum(max(weights[key], 1) for key in open_keys)
        step = {key: min(rooms[key] - given[key], left * max(weights[key], 1) // weight)
                for key in open_keys}
        if not any(step.values()):  # hand out the last seats one by one, largest weight first
            for key in sorted(open_keys, key=lambda key: -weights[key])[:left]:
                step[key] = 1
        for key, seats in step.items():
            given[key] += seats
            left -= seats
    return given


def area_classes(draft: Draft, towns: list[Town], venues: list[Venue], year: int,
                 absence_share: float) -> list[tuple[int, str | None]] | None:
    """A `to_area` project's classes as the solver splits them (`models.classes.class_areas`),
    each with its size and area: an area's classes share its part of the headcount as equally
    as may be. None where an area has no room, or a class would seat fewer than the least or
    more than the most."""
    from models import Instance
    from models.classes import class_areas
    from models.classes import usable_venues as usable
    from models.instance import proportional

    instance = Instance.model_validate(_draft_instance(draft, towns, venues, year,
                                                       absence_share))
    project = instance.projects[0]
    areas = class_areas(instance, project, usable(instance, project))
    if isinstance(areas, str):
        return None
    parts = instance.area_seats(project)
    seats = proportional({area: parts[area] for area in dict.fromkeys(areas)}, draft.size)
    classes: list[tuple[int, str | None]] = []
    for area, total in seats.items():
        count = areas.count(area)
        classes += [(total // count + (1 if index < total % count else 0), area)
                    for index in range(count)]
    least = instance.min_session_size(project, len(classes))
    most = project.max_session_size or draft.size
    return None if any(not least <= size <= most for size, _ in classes) else classes


def _draft_instance(draft: Draft, towns: list[Town], venues: list[Venue], year: int,
                    absence_share: float) -> dict[str, Any]:
    """An instance of the district with the one project being planted, for the solver's own
    split of it."""
    audiences = sorted({audience for town in towns for audience in town.teachers}
                       | set(draft.audiences))
    return {"schema": "training-instance/1", "name": draft.name, "year": year,
            "audiences": [{"id": audience, "name": audience} for audience in audiences],
            "towns": [_town_data(town) for town in towns],
            "venues": [_venue_data(venue, None) for venue in venues],
            "projects": [_project_data(replace(draft, id="draft", after=[]), {})],
            "policy": {"rural_quota": POLICY_RURAL_QUOTA, "rural_weight": POLICY_RURAL_WEIGHT,
                       "max_absence_share": absence_share}}


def usable_venues(draft: Draft, venues: list[Venue]) -> list[Venue]:
    """Venues with every feature the project needs, rural if it requires a rural venue."""
    return [venue for venue in venues if set(draft.features) <= set(venue.features)
            and (draft.venue_rural != "required" or venue.rural)]


def class_size(draft: Draft, venues: list[Venue]) -> int:
    """c of docs/format.md: the smaller of max_session_size and the largest usable venue (offline,
    blended), or max_session_size alone (online, offsite; none: the headcount)."""
    if draft.uses_venue:
        largest = max(venue.capacity for venue in usable_venues(draft, venues))
        return min(largest, draft.max_session_size or largest)
    return draft.max_session_size or draft.size


def session_sizes(draft: Draft, venues: list[Venue]) -> list[int]:
    """The classes of docs/format.md, Instance (fixed `sessions`, else ceil(headcount / c)), of
    near-equal sizes."""
    count = draft.sessions or math.ceil(draft.size / class_size(draft, venues))
    return [draft.size // count + (1 if index < draft.size % count else 0)
            for index in range(count)]


# --- drawing projects -------------------------------------------------------------------------


class Drafter:
    """Draws projects from `KINDS` that fit the district's audiences, pools and venues."""

    def __init__(self, rng: random.Random, year: Year, towns: list[Town], venues: list[Venue],
                 audiences: list[str]):
        self.rng = rng
        self.year = year
        self.towns = towns
        self.venues = venues
        self.audiences = audiences
        self.kinds = [kind for kind in KINDS if self._variants(kind)]

    def _variants(self, kind: Kind) -> list[Variant]:
        return [variant for variant in kind.variants
                if all(audience in self.audiences for audience in variant.audiences)]

    def draw(self, key: int) -> Draft:
        """A project of a random kind, with every field drawn; its name may repeat another's
        (`finish_names` numbers repeats once the table is in order)."""
        kind = self.rng.choices(self.kinds, weights=[kind.weight for kind in self.kinds])[0]
        variant = self.rng.choice(self._variants(kind))
        mode = self.rng.choice(kind.modes)
        holiday = self.rng.choice(kind.holiday)
        preferred = self._preferred_months(kind, holiday)
        draft = Draft(
            key=key, kind=kind.key, name=self._name(variant, preferred[0]),
            audiences=variant.audiences, headcount=self._headcount(kind, variant), mode=mode,
            days=self.rng.randint(*kind.days), months=self._months(kind, preferred),
            preferred=preferred, holiday=holiday, topics=self._topics(kind, variant),
            trainers=0, priority=self._priority(kind), category=kind.category,
            office=variant.office or kind.office)
        if kind.phases[1] > 1:  # a year-long project: no month is preferred
            draft.preferred = draft.months
        draft.size = draft.headcount if isinstance(draft.headcount, int) else self._pool(draft)
        draft.trainers = 0 if mode == "offsite" else max(
            len(draft.topics), self.rng.randint(*kind.trainers))
        self._classes(kind, draft)
        self._stages(kind, draft)
        self._rural(kind, variant, draft)
        self._delivery(kind, draft)
        return draft

    def _name(self, variant: Variant, month: int) -> str:
        season = "寒假" if month <= 2 else "暑期" if month in SUMMER else \
            "春季" if month <= 6 else "秋季"
        level = next((audience for audience in variant.audiences if audience in SUBJECTS), "pri")
        return variant.name.format(subject=self.rng.choice(SUBJECTS[level]),
                                   year=self.year.year, season=season)

    def _pool(self, draft: Draft) -> int:
        return sum(town.pool(draft.audiences) for town in self.towns)

    def _headcount(self, kind: Kind, variant: Variant) -> int | str:
        """"all" for the all-staff kinds; else log-uniform in the kind's range, at most the
        variant's share (≤ 60 %) of the teachers of its audiences, rounded as plans round."""
        if kind.headcount == (0, 0):
            return ALL
        pool = sum(town.pool(variant.audiences) for town in self.towns)
        low, high = kind.headcount
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        value = min(value, variant.share * pool, 0.6 * pool)
        step = 10 if value >= 100 else 5 if value >= 30 else 1
        return max(1, int(value // step * step))

    def _preferred_months(self, kind: Kind, holiday: str) -> list[int]:
        """One month (two, for 15 % of projects: "4月、5月"), kept in term for training that
        needs pupils and in the holidays for training that must be held in them."""
        if holiday == "required":
            months = [month for month in kind.months if month in self.year.holiday_months()]
        elif holiday == "forbidden":
            months = [month for month in kind.months if month not in SUMMER]
        else:
            months = list(kind.months)
        month = self.rng.choice(months or list(SUMMER))
        if self.rng.random() < 0.15 and month + 1 in months:
            return [month, month + 1]
        return [month]

    def _months(self, kind: Kind, preferred: list[int]) -> list[int]:
        """The preferred months and one either side (plans say the dates may move), or, for a
        fifth of projects, the preferred months alone; the whole window for staged ones."""
        if kind.phases[1] > 1:
            return list(kind.months)
        if self.rng.random() < 0.2:
            return list(preferred)
        return sorted({month + shift for month in preferred for shift in (-1, 0, 1)
                       if 1 <= month + shift <= 12})

    def _topics(self, kind: Kind, variant: Variant) -> list[str]:
        """The variant's first topic and, where sessions have room for more trainers, some of
        the others."""
        most = min(len(variant.topics), max(kind.trainers[1], 1))
        count = self.rng.randint(1, most)
        return [variant.topics[0], *self.rng.sample(variant.topics[1:], count - 1)]

    def _priority(self, kind: Kind) -> int | str:
        if self.rng.random() < kind.mandatory:
            return "mandatory"
        return self.rng.randint(3, 8)

    def _classes(self, kind: Kind, draft: Draft) -> None:
        """Class sizes: a max_session_size for large offline projects (and a few online and
        off-site ones), a fixed number of teams for sending teaching to the countryside, a
        feature requirement for computer-room training."""
        if kind.fixed_sessions is not None:
            draft.sessions = min(self.rng.randint(*kind.fixed_sessions), draft.size)
        if kind.features and draft.uses_venue and draft.size <= 360 and self.rng.random() < 0.7:
            draft.features = list(kind.features)
            draft.max_session_size = min(kind.class_sizes)
        elif draft.uses_venue:
            size = self.rng.choice(kind.class_sizes)
            if draft.size > size or self.rng.random() < 0.3:
                draft.max_session_size = size
        elif draft.mode == "offsite" and draft.size > 60:
            draft.max_session_size = 50
        if draft.uses_venue and not usable_venues(draft, self.venues):
            draft.features = []
        if draft.sessions is not None:
            draft.sessions = max(draft.sessions, math.ceil(draft.size / class_size(
                draft, self.venues)))

    def _stages(self, kind: Kind, draft: Draft) -> None:
        if kind.phases[1] > 1:
            draft.phases = self.rng.randint(*kind.phases)
            draft.min_gap_days = self.rng.choice((14, 21, 30, 45))

    def _rural(self, kind: Kind, variant: Variant, draft: Draft) -> None:
        """The variant's or kind's rural quota, else the policy's (senior-high projects
        0.05–0.1: their teachers are mostly urban), lowered until the rural towns hold the seats
        it asks for with room to spare; written only where it differs from the policy."""
        if draft.headcount == ALL:
            return
        quota = next((value for value in (variant.quota, kind.quota) if value is not None),
                     POLICY_RURAL_QUOTA)
        if draft.audiences == ("sen",):
            quota = self.rng.choice((0.05, 0.1))
        rural_pool = sum(town.pool(draft.audiences) for town in self.towns if town.rural)
        while quota > 0 and math.ceil(quota * draft.size) > 0.6 * rural_pool:
            quota = max(round(quota - 0.1, 2), 0.0)
        if kind.venue_rural and draft.uses_venue:
            draft.venue_rural = kind.venue_rural
        if quota != POLICY_RURAL_QUOTA:
            draft.rural_quota = quota

    def _delivery(self, kind: Kind, draft: Draft) -> None:
        """送教下乡 held in each trainee's own 片区, for some rural-only projects of a kind that
        goes out to the schools; a 全年 series of one class spread over its window."""
        rural_only = math.ceil(round(draft.quota * draft.size, 9)) >= draft.size
        if kind.to_area and draft.uses_venue and rural_only and self.rng.random() < kind.to_area:
            draft.delivery = "to_area"
        if kind.spread and len(session_sizes(draft, self.venues)) == 1 \
                and self.rng.random() < kind.spread:
            draft.spread = True


def cover_topics(rng: random.Random, draft: Draft, trainers: list[Trainer]) -> None:
    """Give topics to trainers until each of the project's topics is taught by at least
    `trainers_per_session + 2` of them: first to trainers of a field that has the topic, then
    to those with the fewest topics."""
    if draft.trainers == 0:
        return
    for topic in draft.topics:
        teaching = sum(1 for trainer in trainers if topic in trainer.topics)
        others = [trainer for trainer in trainers if topic not in trainer.topics]
        rng.shuffle(others)
        others.sort(key=lambda trainer: (not _in_field(topic, trainer.topics),
                                         len(trainer.topics)))
        for trainer in others[:max(0, draft.trainers + 2 - teaching)]:
            trainer.topics.append(topic)


def _in_field(topic: str, topics: list[str]) -> bool:
    """Whether some field holds the topic and all of `topics`."""
    return any(topic in field_topics and set(topics) <= set(field_topics)
               for field_topics, _ in FIELDS.values())


# --- the whole instance -----------------------------------------------------------------------


@dataclass
class Generated:
    """An instance (as JSON data) and the plan planted in it (rows keyed by project id)."""

    instance: dict[str, Any]
    rows: list[dict[str, Any]]


def generate(projects: int, seed: int, tight: bool = False, year: int = 2024) -> Generated:
    """Draw the district, plant `projects` projects in it, and write the instance around the
    planted plan (see the module docstring)."""
    rng = random.Random(seed)
    slack = TIGHT if tight else DEFAULT
    calendar = Year(year)
    audiences = [audience for audience, _ in AUDIENCES[:5 + projects // 20]]
    calendar.add_blackouts(rng, audiences)
    towns = draw_towns(rng, 8 + projects // 10, audiences, slack)
    venues = draw_venues(rng, slack.venues[0] + projects // slack.venues[1], towns)
    trainers = draw_trainers(rng, slack.trainers[0] + projects // slack.trainers[1], towns,
                             calendar)
    drafter = Drafter(rng, calendar, towns, venues, audiences)
    planter = Planter(rng, calendar, towns, venues, trainers, slack)
    drafts: list[Draft] = []
    rows: list[Row] = []
    while len(drafts) < projects:
        draft, planted = _draw_and_plant(rng, drafter, planter, trainers, len(drafts))
        drafts.append(draft)
        rows += planted
    table = sorted(drafts, key=lambda draft: (min(draft.preferred), draft.key))
    width = max(2, len(str(projects)))
    for number, draft in enumerate(table, start=1):
        draft.id = f"p{number:0{width}d}"
    finish_names(table)
    link_after(rng, table, rows)
    finish_trainers(rng, trainers, planter.ledger, calendar, slack)
    finish_venues(rng, venues, planter.ledger, calendar, slack)
    name = (f"生成实例 n{projects}-s{seed}{'-tight' if tight else ''}：{year}年教师培训计划"
            f"（项目、场地、专家、乡镇均为生成的示例数据）")
    instance = instance_data(name, calendar, audiences, towns, venues, trainers, table, slack)
    by_key = {draft.key: draft for draft in drafts}
    return Generated(instance, plan_rows(rows, by_key, calendar))


def _draw_and_plant(rng: random.Random, drafter: Drafter, planter: Planter,
                    trainers: list[Trainer], key: int) -> tuple[Draft, list[Row]]:
    """Draw projects until one can be planted whole (the pools are sized so that this is rare)."""
    for _ in range(200):
        draft = drafter.draw(key)
        cover_topics(rng, draft, trainers)
        planted = planter.plant(draft)
        if planted is not None:
            return draft, planted
    raise RuntimeError("no project fits any more: the district is full")  # pragma: no cover


def finish_names(table: list[Draft]) -> None:
    """Number the repeats of a name in table order: 第二期, 第三期 …"""
    seen: dict[str, int] = defaultdict(int)
    for draft in table:
        seen[draft.name] += 1
        repeat = seen[draft.name]
        if repeat > 1:
            draft.name = f"{draft.name}（第{cn_number(repeat)}期）"


def link_after(rng: random.Random, table: list[Draft], rows: list[Row]) -> None:
    """For about one project in twenty, an `after` link to an earlier project of a shared
    audience (induction before continuing education, a secretaries' course before the
    committee's) that its planted sessions already follow."""
    first = {draft.key: min(row.start for row in rows if row.project == draft.key)
             for draft in table}
    last = {draft.key: max(row.start + row.days - 1 for row in rows if row.project == draft.key)
            for draft in table}
    for index, draft in enumerate(table):
        if rng.random() >= 0.05:
            continue
        earlier = [other for other in table[:index]
                   if set(other.audiences) & set(draft.audiences)
                   and last[other.key] < first[draft.key]]
        if earlier:
            draft.after.append(rng.choice(earlier).key)


def finish_trainers(rng: random.Random, trainers: list[Trainer], ledger: Ledger,
                    calendar: Year, slack: Slack) -> None:
    """max_days at or above the days taught; closed weeks among the weeks a trainer is free."""
    for trainer in trainers:
        taught = ledger.trainer_days[trainer.id]
        spare = rng.randint(*slack.spare_days)
        floor = rng.choice((20, 30, 40)) if slack is DEFAULT else 8
        trainer.max_days = max(len(taught) + spare, floor)
        trainer.unavailable = free_weeks(rng, taught, calendar, rng.randint(*slack.closed_weeks))


def finish_venues(rng: random.Random, venues: list[Venue], ledger: Ledger, calendar: Year,
                  slack: Slack) -> None:
    for venue in venues:
        booked = ledger.venue_days[venue.id]
        venue.unavailable = free_weeks(rng, booked, calendar, rng.randint(*slack.closed_weeks))


def free_weeks(rng: random.Random, booked: set[int], calendar: Year,
               count: int) -> list[tuple[int, int]]:
    """`count` Monday–Friday weeks without a booked day, in date order."""
    mondays = [day for day in range(calendar.length - 4)
               if calendar.dates[day].weekday() == 0
               and not any(day + offset in booked for offset in range(5))]
    return sorted((monday, monday + 4) for monday in rng.sample(mondays, min(count, len(mondays))))


# --- writing ----------------------------------------------------------------------------------


def instance_data(name: str, calendar: Year, audiences: list[str], towns: list[Town],
                  venues: list[Venue], trainers: list[Trainer], table: list[Draft],
                  slack: Slack) -> dict[str, Any]:
    """The instance as docs/format.md, Instance writes it."""
    ids = {draft.key: draft.id for draft in table}
    names = dict(AUDIENCES)
    return {
        "schema": "training-instance/1",
        "name": name,
        "year": calendar.year,
        "calendar": {
            "public_holidays": "CN",
            "holiday_windows": [{"name": window, **_range(calendar, first, last)}
                                for window, first, last in calendar.windows],
            "blackouts": [{"name": blackout, **_range(calendar, first, last),
                           "audiences": list(groups)}
                          for blackout, first, last, groups in calendar.blackouts],
        },
        "audiences": [{"id": audience, "name": names[audience]} for audience in audiences],
        "towns": [_town_data(town) for town in towns],
        "venues": [_venue_data(venue, calendar) for venue in venues],
        "trainers": [_trainer_data(trainer, calendar) for trainer in trainers],
        "projects": [_project_data(draft, ids) for draft in table],
        "policy": {"rural_quota": POLICY_RURAL_QUOTA, "rural_weight": POLICY_RURAL_WEIGHT,
                   "max_absence_share": slack.absence_share, "weekdays_only": True},
    }


def _range(calendar: Year, first: int, last: int) -> dict[str, str]:
    return {"start": calendar.iso(first), "end": calendar.iso(last)}


def _town_data(town: Town) -> dict[str, Any]:
    data: dict[str, Any] = {"id": town.id, "name": town.name, "rural": town.rural,
                            "area": town.area, "teachers": town.teachers}
    if town.max_absence_share is not None:
        data["max_absence_share"] = town.max_absence_share
    return data


def _venue_data(venue: Venue, calendar: Year | None) -> dict[str, Any]:
    """A venue; its closed weeks where the calendar is given."""
    data: dict[str, Any] = {"id": venue.id, "name": venue.name, "town": venue.town,
                            "capacity": venue.capacity, "features": venue.features,
                            "cost_per_day": venue.cost_per_day}
    if calendar is not None:
        data["unavailable"] = [_range(calendar, *span) for span in venue.unavailable]
    return data


def _trainer_data(trainer: Trainer, calendar: Year) -> dict[str, Any]:
    data: dict[str, Any] = {"id": trainer.id, "name": trainer.name, "topics": trainer.topics}
    if trainer.town is not None:
        data["town"] = trainer.town
    data["unavailable"] = [_range(calendar, *span) for span in trainer.unavailable]
    if trainer.available is not None:
        data["available"] = [_range(calendar, *span) for span in trainer.available]
    data["max_days"] = trainer.max_days
    data["fee_per_day"] = trainer.fee_per_day
    return data


def _project_data(draft: Draft, ids: dict[int, str]) -> dict[str, Any]:
    """A project in the field order of the shipped instances, optional fields only when set."""
    data: dict[str, Any] = {"id": draft.id, "name": draft.name, "audiences": list(draft.audiences),
                            "headcount": draft.headcount, "mode": draft.mode, "days": draft.days}
    optional: dict[str, Any] = {
        "sessions": draft.sessions, "max_session_size": draft.max_session_size,
        "phases": draft.phases if draft.phases > 1 else None,
        "min_gap_days": draft.min_gap_days if draft.phases > 1 else None,
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    data["months"] = draft.months
    if draft.preferred != draft.months:
        data["preferred_months"] = draft.preferred
    data.update(holiday=draft.holiday, topics=draft.topics,
                trainers_per_session=draft.trainers)
    later: dict[str, Any] = {
        "rural_quota": draft.rural_quota, "venue_rural": draft.venue_rural,
        "venue_features": draft.features or None,
        "after": [ids[key] for key in draft.after] or None,
        "delivery": "to_area" if draft.delivery == "to_area" else None,
        "spread": True if draft.spread else None,
    }
    data.update({key: value for key, value in later.items() if value is not None})
    data.update(priority=draft.priority, category=draft.category, office=draft.office)
    return data


def plan_rows(rows: list[Row], drafts: dict[int, Draft], calendar: Year) -> list[dict[str, Any]]:
    """The planted plan as the `sessions` of a solution file, in date order."""
    data = [{"project": drafts[row.project].id, "session": row.session, "phase": row.phase,
             "start": calendar.iso(row.start), "end": calendar.iso(row.start + row.days - 1),
             "venue": row.venue, "trainers": row.trainers, "seats": row.seats} for row in rows]
    return sorted(data, key=lambda row: (row["start"], row["project"], row["session"],
                                         row["phase"]))


def planted_solution(generated: Generated) -> dict[str, Any]:
    """The planted plan as a solution file (docs/format.md, Solution), with its KPIs and
    objective."""
    from models import SessionPhase, parse_instance
    from scheduler.core.calendar import YearCalendar
    from scheduler.core.kpis import plan_kpis, weighted_objective

    instance = parse_instance(generated.instance)
    rows = [SessionPhase.model_validate(row) for row in generated.rows]
    kpis = plan_kpis(instance, YearCalendar(instance), rows, [])
    return {"schema": "training-solution/1", "instance": instance.name, "status": "FEASIBLE",
            "objective": weighted_objective(instance, kpis), "bound": None, "solve_seconds": 0.0,
            "kpis": kpis, "dropped": [], "sessions": generated.rows}


def format_json(value: Any, width: int = 120) -> str:
    """JSON as the shipped instances write it: two-space indents, and every object or list that
    fits in `width` columns on one line."""
    return _format(value, 0, 0, width) + "\n"


def _format(value: Any, indent: int, used: int, width: int) -> str:
    inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or not value or indent + used + len(inline) <= width:
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            prefix = json.dumps(key, ensure_ascii=False) + ": "
            items.append(pad + prefix + _format(item, indent + 2, len(prefix), width))
    else:
        items = [pad + _format(item, indent + 2, 0, width) for item in value]
    return "{[" [isinstance(value, list)] + "\n" + ",\n".join(items) + "\n" + " " * indent \
        + "}]"[isinstance(value, list)]


@click.command()
@click.option("--projects", "-n", type=click.IntRange(1, 5000), required=True,
              help="How many projects.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of every draw.")
@click.option("--tight", is_flag=True, help="Less slack: fewer venues and trainers, lower caps.")
@click.option("--year", type=int, default=2024, show_default=True,
              help="A year chinese-calendar covers.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Instance file to write (default: standard output).")
@click.option("--plan", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the planted plan as a solution file.")
def main(projects: int, seed: int, tight: bool, year: int, out: Path | None,
         plan: Path | None) -> None:
    """Write a realistic instance of PROJECTS projects that is feasible by construction."""
    first, last = covered_years()
    if not first <= year <= last:
        raise click.BadParameter(f"chinese-calendar covers {first}–{last}, not {year}",
                                 param_hint="--year")
    generated = generate(projects, seed, tight, year)
    text = format_json(generated.instance)
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    if plan is not None:
        plan.parent.mkdir(parents=True, exist_ok=True)
        plan.write_text(format_json(planted_solution(generated)), encoding="utf-8")
    click.echo(f"{projects} projects, {len(generated.rows)} session-phases, "
               f"{len(generated.instance['towns'])} towns, {len(generated.instance['venues'])} "
               f"venues, {len(generated.instance['trainers'])} trainers", err=True)


if __name__ == "__main__":
    main()

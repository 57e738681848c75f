"""The planner's workbook: its sheets and columns, each with its header in Chinese and English,
what it means, its default, and how a cell is read (`Kind`).

One table drives the template (`models.workbook.write`), the reader (`models.workbook.read`)
and the format's documentation, so a header cannot say one thing and the reader another.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a cell is read into the instance's JSON, and written back."""

    TEXT = "text"
    WHOLE = "whole"          # a whole number, 0 or more
    POSITIVE = "positive"    # a whole number, 1 or more
    NUMBER = "number"
    SHARE = "share"          # 0.3 or "30%"
    YES_NO = "yes/no"
    MONTHS = "months"
    HEADCOUNT = "headcount"
    PRIORITY = "priority"
    MODE = "mode"
    HOLIDAY = "holiday"
    VENUE_RURAL = "venue rural"
    DELIVERY = "delivery"
    WORDS = "words"          # several free words: topics, features
    DATE = "date"
    DATE_RANGES = "date ranges"
    AUDIENCES = "audiences"  # names (or ids) of audiences
    TOWN = "town"            # the name (or id) of a town
    PROJECTS = "projects"    # names (or ids) of projects
    HOURS = "hours"          # a number, or 培训对象:number pairs ("小学教师:72；初中教师:60")


REFERENCES = {Kind.AUDIENCES: "audiences", Kind.TOWN: "towns", Kind.PROJECTS: "projects"}
"""The section a referring column names items of."""


DERIVED = "按数据推算（关注次序）"
"""The default of a weight made from the data so that the order of concerns holds."""


@dataclass(frozen=True)
class Column:
    field: str
    kind: Kind
    zh: str
    en: str
    meaning_zh: str
    meaning_en: str
    default: str = ""
    """The default when the cell is left empty, in Chinese; "" when the cell must be filled;
    `DERIVED` where the default is made from the data (`models.concerns`)."""

    def default_text(self, lang: str) -> str:
        """The default as a comment or the documentation says it."""
        if self.default == DERIVED and lang == "en":
            return "derived from the data (order of concerns)"
        return self.default
    example: str = ""
    width: int = 12

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Sheet:
    section: str
    zh: str
    en: str
    purpose_zh: str
    purpose_en: str
    columns: tuple[Column, ...]
    id_prefix: str = ""
    """Ids derived for rows without one: the prefix and the row's number among the items."""

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


def _id(example: str) -> Column:
    return Column("id", Kind.TEXT, "编号", "Id",
                  "唯一编号（字母、数字、- _ .）；可不填，按行序自动编号",
                  "Unique id (letters, digits, - _ .); may be left empty: derived from the "
                  "row order", "自动编号", example, 9)


AUDIENCES = Sheet("audiences", "培训对象", "Audiences",
                  "教师的类别，如小学教师、初中教师；乡镇表按这些类别填教师数",
                  "Kinds of teachers, such as primary teachers; the towns sheet counts "
                  "teachers by them", (
                      _id("primary"),
                      Column("name", Kind.TEXT, "名称", "Name", "培训对象的名称",
                             "The audience's name", "", "小学教师", 18),
                  ), "a")

TOWNS = Sheet("towns", "乡镇", "Towns",
              "每个乡镇（街道）一行；每个培训对象一列，填该乡镇的教师数",
              "One row per town or street; one column per audience with its teachers", (
                  _id("hejie"),
                  Column("name", Kind.TEXT, "乡镇名称", "Town", "乡镇或街道的名称",
                         "The town's or street's name", "", "河街乡", 16),
                  Column("rural", Kind.YES_NO, "农村", "Rural", "是否农村乡镇（是/否）",
                         "Whether the town is rural (是 yes / 否 no)", "否", "是", 8),
                  Column("area", Kind.TEXT, "片区", "Area",
                         "所属县（市）区或片区，送教下乡按片区开班",
                         "The county or 片区 it belongs to: to_area classes meet by area",
                         "本乡镇", "", 10),
                  Column("max_absence_share", Kind.SHARE, "同时外出上限", "Most away at once",
                         "上课日同时外出培训的教师最多占比，如 20%",
                         "Most of the town's teachers away at once on a school day, e.g. 20%",
                         "按政策表", "20%", 12),
              ), "z")
TEACHERS_ZH = "该乡镇「{name}」的教师数；不填为 0"
TEACHERS_EN = 'Teachers of "{name}" in the town; empty is none'

VENUES = Sheet("venues", "场地", "Venues", "培训场地，每个一行",
               "Training venues, one per row", (
                   _id("v01"),
                   Column("name", Kind.TEXT, "场地名称", "Venue", "场地名称", "The venue's name",
                          "", "进修学校报告厅", 20),
                   Column("town", Kind.TOWN, "所在乡镇", "Town", "场地所在的乡镇（乡镇表中的名称）",
                          "The town it is in (a name from the towns sheet)", "", "河街乡", 14),
                   Column("capacity", Kind.POSITIVE, "容纳人数", "Capacity",
                          "一个班最多可容纳的人数",
                          "Most trainees a class in it may have", "", "200", 10),
                   Column("features", Kind.WORDS, "设施", "Features",
                          "设施，多个用顿号分隔，如 机房、实验室",
                          "Facilities, separated by 、 or commas, e.g. computers", "无", "机房",
                          14),
                   Column("cost_per_day", Kind.WHOLE, "每日费用", "Cost per day",
                          "每使用一天的费用（元）", "Yuan per day used", "0", "800", 10),
                   Column("unavailable", Kind.DATE_RANGES, "不可用日期", "Unavailable",
                          "不能使用的日期或日期段，如 2024-05-06—2024-05-10, 2024-06-01",
                          "Dates or ranges it cannot be used, e.g. 2024-05-06—2024-05-10",
                          "无", "2024-05-06—2024-05-10", 26),
               ), "v")

TRAINERS = Sheet("trainers", "专家", "Trainers", "授课专家，每人一行",
                 "Trainers, one per row", (
                     _id("t01"),
                     Column("name", Kind.TEXT, "姓名", "Name", "专家姓名", "The trainer's name",
                            "", "张老师", 12),
                     Column("topics", Kind.WORDS, "专题", "Topics",
                            "能讲授的专题，多个用顿号分隔",
                            "Topics the trainer teaches, separated by 、 or commas", "",
                            "师德、班主任", 18),
                     Column("town", Kind.TOWN, "所在乡镇", "Town", "专家所在乡镇（可不填）",
                            "The town the trainer lives in (optional)", "不限", "", 12),
                     Column("unavailable", Kind.DATE_RANGES, "不可用日期", "Unavailable",
                            "不能授课的日期或日期段", "Dates or ranges the trainer cannot teach",
                            "无", "2024-10-01—2024-10-31", 26),
                     Column("available", Kind.DATE_RANGES, "可用日期", "Available",
                            "只在这些日期可授课（不填为全年）",
                            "Teaches only on these dates (empty: all year)", "全年", "", 20),
                     Column("max_days", Kind.WHOLE, "全年最多天数", "Most days a year",
                            "一年最多授课天数", "Most days the trainer teaches in the year",
                            "", "30", 12),
                     Column("fee_per_day", Kind.WHOLE, "每日课酬", "Fee per day",
                            "每授课一天的课酬（元）", "Yuan per day taught", "0", "1000", 10),
                 ), "t")

PROJECTS = Sheet("projects", "项目", "Projects", "培训项目，每个一行",
                 "Training projects, one per row", (
                     _id("p01"),
                     Column("number", Kind.TEXT, "序号", "No.",
                            "公布的计划表中的序号；填写后计划表按它排序",
                            "The number in the published table; the plan table keeps its order",
                            "无", "1", 6),
                     Column("name", Kind.TEXT, "项目名称", "Project", "项目名称",
                            "The project's name", "", "新招聘教师岗前培训", 28),
                     Column("audiences", Kind.AUDIENCES, "培训对象", "Audiences",
                            "培训对象（培训对象表中的名称），多个用顿号分隔",
                            "Audiences (names from the audiences sheet), separated by 、",
                            "", "小学教师、初中教师", 18),
                     Column("headcount", Kind.HEADCOUNT, "参训人数", "Headcount",
                            "参训人数：数字、「约120人」或「全员」",
                            'Trainees: a number, "约120人", or "全员" (every teacher of its '
                            "audiences)", "", "120", 10),
                     Column("mode", Kind.MODE, "培训方式", "Mode",
                            "线下集中 / 混合式 / 线上研修 / 外出研修",
                            "offline / blended / online / offsite (线下集中 / 混合式 / 线上研修 "
                            "/ 外出研修)", "", "线下集中", 10),
                     Column("days", Kind.POSITIVE, "天数", "Days", "每个阶段的培训天数",
                            "Days of each phase", "", "3", 6),
                     Column("sessions", Kind.POSITIVE, "班数", "Classes",
                            "分几个班（不填则按场地容量自动分班）",
                            "Classes (empty: as many as the venues need)", "自动", "", 6),
                     Column("max_session_size", Kind.POSITIVE, "每班人数上限", "Class size",
                            "每个班最多人数", "Most trainees in a class", "按场地容量", "60", 10),
                     Column("min_session_size", Kind.POSITIVE, "每班人数下限", "Least class",
                            "每个班最少人数（不填则按政策表，再不填为平均班额的一半）",
                            "Fewest trainees in a class (empty: the policy's, else half the "
                            "mean class)", "按政策表", "", 10),
                     Column("phases", Kind.POSITIVE, "阶段数", "Phases",
                            "同一批学员分几个阶段参训（分阶段培育）",
                            "Times the same class meets in the year", "1", "1", 6),
                     Column("min_gap_days", Kind.WHOLE, "间隔天数", "Gap days",
                            "两个阶段之间至少间隔的天数", "Least days between two phases", "0",
                            "", 8),
                     Column("months", Kind.MONTHS, "月份", "Months",
                            "可安排的月份，如 3-12月、7—8月、4月、全年",
                            'Months it may run, e.g. "3-12月", "7—8月", "4月", "全年" (all year)',
                            "全年", "8月", 10),
                     Column("preferred_months", Kind.MONTHS, "首选月份", "Preferred months",
                            "最好安排的月份（须在可安排月份内）",
                            "Months it had best run (within its months)", "同月份", "", 10),
                     Column("holiday", Kind.HOLIDAY, "假期要求", "Holidays",
                            "假期内（只在寒暑假）/ 假期外（只在上课期间）/ 不限",
                            "假期内 (only in school holidays) / 假期外 (only in term) / 不限 "
                            "(either)", "不限", "假期内", 10),
                     Column("weekdays_only", Kind.YES_NO, "仅工作日", "Weekdays only",
                            "是否只在工作日上课（是/否）", "Whether it meets on working days only",
                            "按政策表", "", 8),
                     Column("topics", Kind.WORDS, "专题", "Topics",
                            "授课专家须能讲授的专题，多个用顿号分隔",
                            "Topics its trainers must teach, separated by 、", "", "岗前培训", 14),
                     Column("trainers_per_session", Kind.WHOLE, "授课专家人数", "Trainers",
                            "每个班需要的授课专家人数", "Trainers each class needs", "1", "2", 8),
                     Column("rural_quota", Kind.SHARE, "农村名额", "Rural quota",
                            "名额中至少给农村乡镇的比例，如 30%",
                            "Least share of its seats for rural towns, e.g. 30%", "按政策表",
                            "", 10),
                     Column("delivery", Kind.DELIVERY, "送教", "Delivery",
                            "送教到片区：每个班在学员所在片区的场地上课，专家下去",
                            "送教到片区 (to_area): each class meets in its trainees' own area; "
                            "集中到场 (central): trainees come to the venue", "集中到场", "", 10),
                     Column("spread", Kind.YES_NO, "分散安排", "Spread",
                            "是：各班次（各阶段）均匀分散在可排的日子里，如全年分阶段、巡回宣讲",
                            "Yes: its classes (phases) spread evenly over its allowed days", "否",
                            "", 8),
                     Column("venue_rural", Kind.VENUE_RURAL, "农村场地", "Rural venue",
                            "必须农村 / 优先农村（不填为不限）",
                            "必须农村 (required) / 优先农村 (preferred); empty: any venue", "不限",
                            "", 10),
                     Column("venue_features", Kind.WORDS, "场地要求", "Venue needs",
                            "场地须有的设施，多个用顿号分隔", "Facilities its venue must have",
                            "无", "", 12),
                     Column("after", Kind.PROJECTS, "前置项目", "After",
                            "须在这些项目之后开班（项目名称），多个用顿号分隔",
                            "Projects it must start after (names), separated by 、", "无", "", 16),
                     Column("hours", Kind.NUMBER, "学时", "Credit hours",
                            "每位学员从本项目获得的学时（不填为 天数×阶段数×每天学时）",
                            "Credit hours (学时) a trainee earns from the project (empty: days "
                            "× phases × hours per day)", "天数×阶段数×每天学时", "", 6),
                     Column("priority", Kind.PRIORITY, "优先级", "Priority",
                            "必须（一定要办）或 1-10（数字越大越重要）",
                            '"必须" (mandatory) or 1-10 (higher matters more)', "", "必须", 8),
                     Column("audience_text", Kind.TEXT, "培训对象（原文）", "Audience as published",
                            "计划表原文的培训对象，计划表照印（不填则印培训对象的名称）",
                            "培训对象 as the published table words it, printed as is (empty: "
                            "the audiences' names)", "无", "市优秀班主任", 16),
                     Column("mode_text", Kind.TEXT, "培训方式（原文）", "Mode as published",
                            "计划表原文的培训方式，计划表照印（不填则印培训方式）",
                            "培训方式 as the published table words it, printed as is (empty: "
                            "the mode's word)", "无", "线下（跟岗）", 12),
                     Column("months_text", Kind.TEXT, "月份（原文）", "Months as published",
                            "计划表原文的月份，计划表照印（不填则印第一个班的月份）",
                            "月份 as the published table words it, printed as is (empty: the "
                            "month of the first class)", "无", "3-12月", 10),
                     Column("category", Kind.TEXT, "类别", "Category", "项目类别",
                            "The project's category", "无", "新教师", 12),
                     Column("office", Kind.TEXT, "负责科室", "Office", "负责科室",
                            "The office in charge", "无", "教师科", 12),
                 ), "p")

CALENDAR = Sheet("calendar", "日历", "Calendar",
                 "寒暑假、停训期、自定的法定节假日和调休上班日，每段一行",
                 "School holidays, blackouts, own public holidays and make-up working days, "
                 "one per row", (
                     Column("type", Kind.TEXT, "类型", "Type",
                            "假期 / 停训 / 法定节假日 / 调休上班",
                            "假期 (school holiday) / 停训 (blackout) / 法定节假日 (public "
                            "holiday) / 调休上班 (make-up working day)", "", "假期", 12),
                     Column("name", Kind.TEXT, "名称", "Name", "名称，如 暑假、期末考试",
                            "Its name, e.g. summer holiday", "", "暑假", 14),
                     Column("start", Kind.DATE, "开始日期", "Start", "开始日期，如 2024-07-01",
                            "First day, e.g. 2024-07-01", "", "2024-07-01", 12),
                     Column("end", Kind.DATE, "结束日期", "End", "结束日期（含）",
                            "Last day (included)", "同开始日期", "2024-08-31", 12),
                     Column("audiences", Kind.AUDIENCES, "培训对象", "Audiences",
                            "停训：哪些培训对象停训（培训对象表中的名称）",
                            "For a blackout: the audiences it holds back", "", "", 18),
                 ))

SETTINGS = Sheet("settings", "政策与权重", "Policy and weights",
                 "计划名称、年份、全局政策与目标权重；不填取默认值",
                 "The plan's name and year, the policy and the objective's weights; empty "
                 "takes the default", (
                     Column("name", Kind.TEXT, "计划名称", "Plan name", "培训计划的名称",
                            "The plan's name", "", "许昌市建安区2024年教师培训", 40),
                     Column("year", Kind.WHOLE, "年份", "Year", "计划年份", "The plan's year", "",
                            "2024", 10),
                     Column("calendar.public_holidays", Kind.TEXT, "法定节假日", "Public holidays",
                            "国家规定（内置）或 按日历表（用日历表中的法定节假日与调休上班）",
                            "国家规定 (built in) or 按日历表 (the calendar sheet's own)",
                            "国家规定", "国家规定", 12),
                     Column("policy.rural_quota", Kind.SHARE, "农村名额", "Rural quota",
                            "每个项目名额中至少给农村乡镇的比例", "Least share of every project's "
                            "seats for rural towns", "0", "20%", 10),
                     Column("policy.rural_weight", Kind.NUMBER, "农村倾斜", "Rural weight",
                            "分配名额时一名农村教师相当于几名城区教师（1 为不倾斜）",
                            "How much more a rural teacher counts in each town's fair share "
                            "(1: no tilt)", "1", "1.5", 10),
                     Column("policy.max_absence_share", Kind.SHARE, "同时外出上限",
                            "Most away at once", "上课日每个乡镇同时外出培训的教师最多占比",
                            "Most of a town's teachers away at once on a school day", "100%",
                            "20%", 10),
                     Column("policy.weekdays_only", Kind.YES_NO, "仅工作日", "Weekdays only",
                            "培训是否只在工作日（是/否）", "Whether training meets on working "
                            "days only", "是", "是", 10),
                     Column("policy.min_session_size", Kind.POSITIVE, "每班人数下限",
                            "Least class", "每个班最少人数（不填则为各项目平均班额的一半）",
                            "Fewest trainees in a class (empty: half each project's mean "
                            "class)", "平均班额的一半", "", 10),
                     Column("policy.hours_per_day", Kind.NUMBER, "每天学时", "Hours per day",
                            "培训一天计多少学时（项目未填学时时用）",
                            "Credit hours a day of training earns (for projects without their "
                            "own)", "8", "8", 10),
                     Column("policy.required_hours", Kind.HOURS, "年度学时要求",
                            "Required hours",
                            "每位教师每年应获得的学时：一个数（所有培训对象），或按培训对象分别"
                            "填，如「小学教师:72；初中教师:60」（未列出的培训对象不设要求）；"
                            "不填为不设要求",
                            "Credit hours every teacher is to be offered a year: one number "
                            "(every audience), or per audience, e.g. \"小学教师:72；初中教师:60\" "
                            "(an audience left out has none); empty: no requirement", "不设要求",
                            "72", 10),
                     Column("objective.weights.dropped", Kind.WHOLE, "权重：撤销项目",
                            "Weight: dropped", "每撤销一个优先级点的代价",
                            "Cost per priority point dropped", DERIVED, "", 10),
                     Column("objective.weights.share", Kind.WHOLE, "权重：名额不足",
                            "Weight: share", "每个乡镇少于公平份额一个名额的代价",
                            "Cost per seat short of a town's fair share", DERIVED, "", 10),
                     Column("objective.weights.rural_venue", Kind.WHOLE, "权重：农村场地",
                            "Weight: rural venue", "优先农村的班在城区场地，每个名额的代价",
                            "Cost per seat of a rural-preferred class in an urban venue", DERIVED,
                            "", 10),
                     Column("objective.weights.preference", Kind.WHOLE, "权重：非首选月份",
                            "Weight: preference", "在首选月份之外的每一天的代价",
                            "Cost per day outside the preferred months", DERIVED, "", 10),
                     Column("objective.weights.balance", Kind.WHOLE, "权重：外出高峰",
                            "Weight: balance", "最忙上课日每多一名外出教师的代价",
                            "Cost per teacher away on the busiest school day", "20", "", 10),
                     Column("objective.weights.cost", Kind.WHOLE, "权重：费用", "Weight: cost",
                            "每元费用的代价", "Cost per yuan", "1", "", 10),
                     Column("objective.weights.hours", Kind.WHOLE, "权重：学时不足",
                            "Weight: hours", "距年度学时要求每缺一人·学时的代价",
                            "Cost per teacher-hour short of the required hours", "1", "", 10),
                     Column("objective.weights.moved", Kind.WHOLE, "权重：改期",
                            "Weight: moved", "调整计划时每个改期的班次阶段的代价",
                            "When re-planning: per class phase moved", DERIVED, "", 10),
                     Column("objective.weights.venue_changed", Kind.WHOLE, "权重：换场地",
                            "Weight: venue changed", "调整计划时每次换场地的代价",
                            "When re-planning: per venue changed", DERIVED, "", 10),
                     Column("objective.weights.trainer_changed", Kind.WHOLE, "权重：换专家",
                            "Weight: trainer changed", "调整计划时每换一名专家的代价",
                            "When re-planning: per trainer replaced", DERIVED, "", 10),
                 ))
"""One row per setting (设置 | 值 | 说明) rather than one column each."""
SETTING_HEADERS = {"zh": ("设置", "值", "说明"), "en": ("Setting", "Value", "Meaning")}

CALENDAR_TYPES = {"holiday_windows": ("假期", "school holiday"),
                  "blackouts": ("停训", "blackout"),
                  "public_holidays": ("法定节假日", "public holiday"),
                  "extra_workdays": ("调休上班", "make-up working day")}
OWN_PUBLIC_HOLIDAYS = ("按日历表", "own")

DATA_SHEETS = (PROJECTS, AUDIENCES, TOWNS, VENUES, TRAINERS, CALENDAR)
"""The sheets of items, one per row, in the workbook's order (after 说明)."""
GUIDE = ("说明", "Guide")
LISTS = "lists"
"""The hidden sheet the drop-downs take their choices from."""

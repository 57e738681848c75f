"""The fixed words of the Excel table and the report, in Chinese (the default) or English.

The Chinese word is the key: the writers label everything in Chinese and pass each label
through `word`, so a label missing from `ENGLISH` shows in Chinese rather than not at all.
Names from the instance (projects, venues, trainers, towns) are never translated.
"""

from __future__ import annotations

from models.instance import Instance

LANGUAGES = ("zh", "en")

ENGLISH = {
    # The plan table.
    "序号": "No.",
    "月份": "Month",
    "培训项目名称": "Project",
    "培训对象": "Trainees",
    "培训方式": "Mode",
    "参训人数": "Headcount",
    "培训时间": "Dates",
    "培训地点": "Place",
    "授课专家": "Trainers",
    "负责科室": "Office",
    "合计": "Total",
    # Sheet and section names.
    "培训计划": "Plan",
    "分班安排": "Classes",
    "场地": "Venues",
    "专家": "Trainers",
    "乡镇": "Towns",
    "指标": "KPIs",
    "农村名额": "Rural seats",
    "成本明细": "Cost by class",
    "学时": "Credit hours",
    "学时缺口（人·学时）": "Credit hours short (teacher-hours)",
    "专家异地授课（人天）": "Trainer-days away from home",
    "专家异地授课": "Trainer-days away from home",
    "人天": "trainer-days",
    "本计划提供学时（人均）": "Credit hours offered by this plan, per teacher",
    "学时要求": "Credit hours required",
    "缺口（人·学时）": "Short (teacher-hours)",
    "距学时要求的缺口": "Credit hours short of the requirement",
    "人·学时": "teacher-hours",
    "各乡镇学段本计划提供的学时": "Credit hours offered by this plan, by town and audience",
    "本计划提供的人均学时：最低 {lowest}，最高 {highest}":
        "Credit hours offered by this plan per teacher: lowest {lowest}, highest {highest}",
    "；{below} 个乡镇学段低于要求（共 {count} 个）":
        "; {below} of {count} town-audiences below the requirement",
    "班级": "Class",
    "全项目": "Whole project",
    "非首选月份天数": "Days outside preferred months",
    "费用（元）": "Cost (yuan)",
    "最忙日离岗人数": "Away on the busiest day",
    "未安排的优先级": "Priority dropped",
    "计入目标值": "Part of the objective",
    "原因": "Why",
    # Venues and trainers.
    "所在乡镇": "Town",
    "座位数": "Seats",
    "使用天数": "Days used",
    "使用日期": "Dates used",
    "授课天数": "Days taught",
    "年度上限": "Yearly limit",
    "专家费（元）": "Fees (yuan)",
    "授课日期": "Dates taught",
    # Towns.
    "类型": "Kind",
    "农村": "rural",
    "城区": "urban",
    "教师数": "Teachers",
    "参训人次": "Seats",
    "占全部名额": "Share of all seats",
    "最高同日离岗": "Peak absent on a school day",
    "离岗上限": "Absence cap",
    "农村合计": "Rural total",
    "农村占比": "Rural share",
    "农村学员": "Rural seats",
    "农村名额要求": "Rural quota",
    "全员（不设）": "all teachers (none)",
    "人均参训人次": "Seats per teacher",
    "人均线下参训人次": "In-person seats per teacher",
    "定额项目参训人次": "Seats in projects with a set headcount",
    "公平名额": "Fair share",
    "公平名额缺口": "Seats short of fair share",
    "其中农村名额所致": "of which forced by rural quotas",
    "片区": "Areas",
    "乡镇数": "Towns",
    "各片区": "By area",
    # KPIs.
    "数值": "Value",
    "单位": "Unit",
    "权重": "Weight",
    "计入目标": "In objective",
    "求解状态": "Status",
    "求解详情": "Solver's figures",
    "违反的规则": "Broken rules",
    "生成日期": "Made on",
    "未使用的场地": "Venues not used",
    "未授课的专家": "Trainers who do not teach",
    "目标值": "Objective",
    "下界": "Bound",
    "差距": "Gap",
    "已安排项目": "Projects scheduled",
    "班次": "Classes",
    "未安排项目的优先级": "Priority of dropped projects",
    "非首选月份的培训天数": "Days outside preferred months",
    "城区场地的农村优先名额": "Rural-preferred seats in urban venues",
    "场地与专家费用": "Venue and trainer cost",
    "最高同日离岗教师": "Most teachers away on one school day",
    "改期或取消的班次阶段": "Session-phases moved or cancelled",
    "更换场地的班次阶段": "Session-phases in another venue",
    "更换的专家": "Trainers replaced",
    "人次": "trainers",
    "分": "points",
    "天": "days",
    "人": "teachers",
    "元": "yuan",
    "个": "",
    # The report.
    "培训计划报告": "Training plan report",
    "关键指标": "Key figures",
    "甘特图": "Gantt chart",
    "计划表": "Plan table",
    "场地与专家每月使用天数": "Venue and trainer days by month",
    "场地使用天数": "Venue days",
    "专家授课天数": "Trainer days",
    "各乡镇参训名额与公平名额": "Seats and fair shares by town",
    "各项目农村学员与公平名额": "Rural seats and fair shares by project",
    "全部": "all",
    "未安排的项目": "Not scheduled",
    "鼠标停在色块上查看详情。": "Hover over a bar for its details.",
    "假期": "School holiday",
    "线下集中": "Offline",
    "混合式（线上+线下）": "Blended",
    "线上研修": "Online",
    "外出研修": "Off-site",
    "合计天数": "Total days",
    "名单外": "other",
    "没有安排任何项目": "No project is scheduled",
    # The comparison of scenarios.
    "方案比较": "Comparison of plans",
    "比较": "Comparison",
    "比较指标": "Measure",
    "项目变化": "Changes by project",
    "项目编号": "Project id",
    "没有项目变化": "No project changes in any scenario.",
    "与基准方案不同": "Differs from the base",
    # Sentences: str.format templates, filled in after translation (the names stay Chinese).
    "每位教师全年参训 {low}–{high} 人次：最少 {fewest}，最多 {most}":
        "Each teacher attends {low}–{high} trainings over the year: fewest in {fewest}, "
        "most in {most}",
    "每位教师全年参训 {value} 人次，各乡镇相同":
        "Each teacher attends {value} trainings over the year, alike in every town",
    "其中线下（线下集中、混合式）{low}–{high} 人次：最少 {fewest}，最多 {most}":
        "In person (offline, blended) {low}–{high}: fewest in {fewest}, most in {most}",
    "其中线下（线下集中、混合式）{value} 人次，各乡镇相同":
        "In person (offline, blended) {value}, alike in every town",
    "农村学员占全部名额 {all}，定额项目中占 {set}，其公平名额 {fair}（农村教师按 {weight} 倍计）；"
    "农村名额要求 ≥ {quota}":
        "Rural towns hold {all} of all seats and {set} of the seats in projects with a set "
        "headcount, against a fair share of {fair} (a rural teacher weighed {weight}×); "
        "rural quota ≥ {quota}",
}


def word(text: str, lang: str) -> str:
    """`text` in the language `lang` ("zh" or "en")."""
    return ENGLISH.get(text, text) if lang == "en" else text


PROVISIONAL = {
    "zh": "暂定：{year}年法定节假日按规则推算，调休尚未公布",
    "en": "Provisional: the {year} public holidays are computed by their rules; 调休 (make-up "
          "working days) not yet published",
}
"""What every output that shows dates says of a year planned before its holiday notice."""


def provisional_note(instance: Instance, lang: str) -> str | None:
    """The note on a plan made on provisional holidays (`scheduler.core.calendar
    .provisional_holidays`), in `lang`; None when the year's holidays are published or given."""
    from scheduler.core.calendar import provisional_holidays

    if provisional_holidays(instance) is None:
        return None
    return PROVISIONAL["en" if lang == "en" else "zh"].format(year=instance.year)

"""What the command line says, in the planner's language, and text laid out by display width.

`say(key, lang, **values)` gives one message of `MESSAGES` in English ("en") or Chinese ("zh"),
filled in with str.format; `term(text, lang)` gives a fixed word of a table (a measure, a kind
of change) in Chinese. A sentence the layers below make and the edges say
(`models.phrase.Phrase`: explain's findings, a rule a plan breaks, a bad cell) is said with
`said_all(items, lang)`; these functions, with `language()`, are the language switch, which
only the edges (the command line, the server, the writers) use. `language()` is the language a
command speaks when not told: the locale's, Chinese when LC_ALL, LC_MESSAGES or LANG (the
first one set) starts with "zh". Names from the instance are shown as they are. A terminal
shows a Chinese character two columns wide, so tables pad by `display_width`, not by len().
"""

from __future__ import annotations

import locale
import os
import unicodedata
from collections.abc import Mapping, Sequence

# The sentence type, also importable from here for the modules that long did so.
from models.phrase import Joined as Joined
from models.phrase import Named as Named
from models.phrase import Phrase, said
from models.phrase import phrase as phrase

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # Any command.
    "problems": ("{count} problem(s); nothing was written.", "{count} 处问题；没有写入任何文件。"),
    "wrote": ("wrote {files} to {folder}/", "已写入 {files}，在 {folder}/"),
    "files in folder": ("{folder}/ ({count} files)", "{folder}/（{count} 个文件）"),
    "out unwritable": ("--out: cannot write in {folder} ({reason})",
                       "--out：无法在 {folder} 中写入（{reason}）"),
    "file unwritable": ("--out: cannot write {file} ({reason}); each file in {folder} is the "
                        "earlier one or a whole new one",
                        "--out：无法写入 {file}（{reason}）；{folder} 中每个文件要么是原来的，"
                        "要么是完整的新文件"),
    "interrupted writing": ("interrupted while writing; the files in {folder} are the earlier "
                            "ones, as they were", "写入时被中断；{folder} 中的文件仍是原来的"),
    "bad lang": ("--lang: {value!r} is not a language; choose from zh, en",
                 "--lang：{value!r} 不是可选的语言；请选 zh 或 en"),
    "provisional holidays": (
        "note: {year}'s public holidays are not published yet; they are computed by their rules "
        "(元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆) and are provisional: the make-up working "
        "days (调休) are unknown until the State Council's notice, so the plan has none. Once it "
        "is out, give the year's holidays and make-up days as dates (calendar.public_holidays, "
        "extra_workdays)",
        "提醒：{year}年的放假安排尚未公布，法定节假日按规则推算（元旦、春节、清明、劳动节、端午、"
        "中秋、国庆），为暂定：国务院通知公布前调休上班日未知，计划中没有调休。通知公布后，请在"
        "日历中逐日填写法定节假日和调休上班日"),
    # check.
    "weights": ("objective weights (* given; the others made from the data so that no amount of "
                "a lower concern buys a unit of a higher one): {weights}",
                "目标权重（* 为填写的值；其余按数据推算，使低一级的关注再多也换不来高一级的"
                "一个单位）：{weights}"),
    # solve.
    "solving": ("{name}: {projects} projects, {venues} venues, {trainers} trainers; {how}",
                "{name}：{projects} 个项目，{venues} 个场地，{trainers} 位专家；{how}"),
    "by hand": ("by the hand method", "按手工排法"),
    "searching": ("searching up to {seconds:g} s", "最多搜索 {seconds:g} 秒"),
    "re-planning": (", re-planning against {baseline}", "，在 {baseline} 的基础上重新安排"),
    "progress": ("  {seconds:6.1f} s  best {best}  bound {bound}",
                 "  {seconds:6.1f} 秒  最好 {best}  下界 {bound}"),
    "none yet": ("none yet", "暂无"),
    "status": ("status {status} after {seconds:.1f} s{stopped}",
               "求解状态 {status}，用时 {seconds:.1f} 秒{stopped}"),
    "stopped by ctrl-c": (" (stopped by Ctrl-C)", "（已按 Ctrl-C 停止）"),
    "objective": ("  objective {objective:,}  {proof}", "  目标值 {objective:,}  {proof}"),
    "bound": ("bound {bound:,}  gap {gap:.2%}", "下界 {bound:,}  差距 {gap:.2%}"),
    "no bound": ("no bound", "没有下界"),
    "no bound because": ("no bound ({why})", "没有下界（{why}）"),
    "kpis": ("  dropped {dropped} · days outside preferred months {preference} · seats short of "
             "fair share {share}{forced} · rural-preferred seats in urban venues {rural_venue}",
             "  未安排项目的优先级 {dropped} · 非首选月份的培训天数 {preference} · 公平名额缺口 "
             "{share}{forced} · 城区场地的农村优先名额 {rural_venue}"),
    "forced": (" ({forced:,} of them forced by rural quotas)",
               "（其中 {forced:,} 由农村名额所致）"),
    "all forced": (" (all forced by rural quotas)", "（全部由农村名额所致）"),
    "cost": ("  cost {cost:,} yuan · peak absence {balance} teachers{away}",
             "  场地与专家费用 {cost:,} 元 · 最高同日离岗教师 {balance} 人{away}"),
    "away": (" · trainer-days away from home {away_days}", " · 专家异地授课 {away_days} 人天"),
    "hours short": ("  学时 short of the requirement {hours_short:,} teacher-hours · offered by "
                    "this plan per teacher: lowest {lowest}, highest {highest}",
                    "  距学时要求尚缺 {hours_short:,} 人·学时 · 本计划提供的人均学时：最低 "
                    "{lowest}，最高 {highest}"),
    "sessions": ("  {sessions} sessions of {projects} projects",
                 "  {projects} 个项目，共 {sessions} 个班"),
    "dropped": ("  dropped {id} ({name}): {reason}", "  未安排 {name}（{id}）：{reason}"),
    "dropped why": ("keeping it would break a rule or cost more than its priority",
                    "安排它会违反规则，或代价超过它的优先级"),
    "cannot schedule": ("  {id} ({name}) cannot be scheduled: {reason}",
                        "  {name}（{id}）无法安排：{reason}"),
    "infeasible": ("  no plan keeps every rule and every mandatory project",
                   "  没有方案能同时满足所有规则并安排所有必办项目"),
    "no plan in time": ("  no plan found in the time limit; try a longer --time-limit",
                        "  在时限内没有找到方案；请加长 --time-limit"),
    "pinned infeasible": ("  the held and pinned sessions leave no plan; pin fewer sessions, or "
                          "check what changed for the sessions already held",
                          "  已举办和固定的班次使计划无解；请少固定一些班次，或检查已举办的班次"
                          "有什么变化"),
    "replan needs baseline": ("--today and --pin re-plan an earlier plan: give it with "
                              "--baseline",
                              "--today 和 --pin 用于调整已有的方案：请用 --baseline 给出它"),
    "hand cannot replan": ("--baseline: the hand method cannot re-plan; use --method cp-sat",
                           "--baseline：手工排法不能重新安排；请用 --method cp-sat"),
    # The change list of a re-plan.
    "changes": ("  against the baseline: {moved} session-phase(s) moved, {venues} venue "
                "change(s), {trainers} trainer(s) replaced",
                "  与原方案相比：{moved} 个班次阶段改期，{venues} 个换了场地，"
                "{trainers} 位专家被替换"),
    "change": ("  {id} ({name}) 第{session}班 phase {phase} [{kinds}]: {before} → {after} "
               "({reason})",
               "  {name}（{id}）第{session}班 第{phase}阶段 [{kinds}]：{before} → {after}"
               "（{reason}）"),
    "more changes": ("  … and {count} more in changes.csv", "  … 另有 {count} 处，见 changes.csv"),
    # export and validate.
    "breaks": ("breaks: {rule}", "违反：{rule}"),
    "exported broken": ("the plan breaks {count} rule(s), listed first in the workbook and the "
                        "report", "方案违反 {count} 条规则，已列在工作簿和报告的最前面"),
    "replanned note": ("note: re-planned against {baseline}; give it with --baseline to check "
                       "held sessions and the stability KPIs",
                       "注意：此方案是在 {baseline} 的基础上重新安排的；用 --baseline 给出它，"
                       "才能检查已举办的班次和稳定性指标"),
    "not exported": ("{path}: the plan breaks {count} rule(s) of the instance; nothing is "
                     "exported from a plan that does not keep them (--allow-violations exports "
                     "it, every broken rule listed first)",
                     "{path}：方案违反计划的 {count} 条规则；不满足规则的方案不予导出（加 "
                     "--allow-violations 可以导出，违反的规则列在最前面）"),
    "violations": ("{count} violation(s) in {path}", "{path} 中有 {count} 处违反规则"),
    "valid": ("valid: {sessions} session-phases, {dropped} dropped, KPIs and objective match",
              "方案有效：{sessions} 个班次阶段，{dropped} 个项目未安排，指标与目标值一致"),
    "not a plan of": ("{solution}: not a valid plan of {base}: [{rule}] {message}{more}",
                      "{solution}：不是 {base} 的有效方案：[{rule}] {message}{more}"),
    "and more": (" (and {count} more)", "（另有 {count} 处）"),
    # compare.
    "comparing": ("comparing {base} with {count} scenario(s), {jobs} at a time, up to "
                  "{seconds:g} s each",
                  "比较 {base} 与 {count} 个情景，同时求解 {jobs} 个，每个最多 {seconds:g} 秒"),
    "compare stopped": ("{why}; solve the base on its own and give its plan with --base-solution",
                        "{why}；请单独求解基准方案，再用 --base-solution 给出它的方案"),
    "scenario without plan": ("some scenario has no plan: see its status above",
                              "有情景没有方案：见上表中的求解状态"),
    # sweep.
    "sweep needs dask": ("schedule sweep runs on Dask, which is not installed: pip install "
                         "'teacher-training-schedule[cluster]' ('.[cluster]' in the source folder)",
                         "schedule sweep 需要 Dask，尚未安装：pip install "
                         "'teacher-training-schedule[cluster]'（在源码目录中为 '.[cluster]'）"),
    "sweeping": ("sweeping {variants} variant(s) of {bases} base(s), up to {seconds:g} s of work "
                 "each, on {where}", "扫描 {bases} 个基础方案的 {variants} 个变体，每个最多 "
                 "{seconds:g} 秒计算量，在 {where} 上求解"),
    "this machine": ("this machine", "本机"),
    "no cluster": ("--scheduler: cannot reach {address} ({reason})",
                   "--scheduler：无法连接 {address}（{reason}）"),
    "sweep progress": ("[{bar}] {done}/{total} done, {running} running, {queued} queued · "
                       "{label}: {result} · best {best}",
                       "[{bar}] 已完成 {done}/{total}，{running} 个在算，{queued} 个排队 · "
                       "{label}：{result} · 最好 {best}"),
    "sweep done": ("{solved} of {total} variant(s) planned ({cached} from earlier runs); "
                   "{failed} without a plan", "{total} 个变体中 {solved} 个有方案（其中 {cached} "
                   "个沿用之前的结果）；{failed} 个没有方案"),
    "sweep without plan": ("some variants have no plan: see the reason column of sweep.csv",
                           "有变体没有方案：见 sweep.csv 的原因一列"),
    # template, import-table.
    "template written": ("wrote {path} ({what})", "已写入 {path}（{what}）"),
    "template empty": ("empty", "空白"),
    "template from": ("{count} projects from {source}", "来自 {source} 的 {count} 个项目"),
    "guessed": ("  guessed: {guess}", "  推测：{guess}"),
    "table imported": ("wrote {path}: {count} projects, {guesses} guessed value(s) in yellow; "
                       "fill in the towns, venues, trainers, days and priorities, then run "
                       "schedule check {path}",
                       "已写入 {path}：{count} 个项目，{guesses} 处推测的值标为黄色；请填写乡镇、"
                       "场地、专家、天数和优先级，然后运行 schedule check {path}"),
    "not xlsx": ("--out: {path} must end in .xlsx", "--out：{path} 必须以 .xlsx 结尾"),
    "exists": ("--out: {path} exists; choose another name, or add --force to replace it",
               "--out：{path} 已存在；请换一个名字，或加 --force 替换它"),
    # explain.
    "feasible": ("{instance}: the plan is feasible — every mandatory project fits with every "
                 "rule.", "{instance}：有可行方案——所有必办项目都能在所有规则下安排。"),
    "undecided": ("{instance}: could not decide in {seconds:.0f} s whether a plan exists; try a "
                  "longer time limit.",
                  "{instance}：在 {seconds:.0f} 秒内未能判断是否有方案；请加长时限。"),
    "projects cannot run": ("{instance} has no plan: {count} mandatory project(s) cannot run "
                            "at all.", "{instance} 没有方案：{count} 个必办项目根本无法安排。"),
    "no plan": ("{instance} has no plan.", "{instance} 没有方案。"),
    "fix each": ("Each of these must be fixed for a plan to exist.",
                 "这些问题都要解决，才能有方案。"),
    "fixed rules": ("The rules no planner's change reaches (seats, venue sizes, topics, public "
                    "holidays, blackouts) conflict by themselves.",
                    "计划人员改不到的规则（名额、场地容量、专题、法定节假日、禁排日期）本身相互冲突。"),
    "conflict": ("These {count} rules cannot all hold ({why}):",
                 "这 {count} 条规则不能同时满足（{why}）："),
    "conflict minimal": ("relaxing any one of them removes this conflict",
                         "放宽其中任何一条即可消除冲突"),
    "conflict not minimal": ("it may not be the smallest such set: the time limit stopped the "
                             "search for one", "不一定是最小的一组：时限到了，没有继续找"),
    "conflict short": ("These rules cannot all hold: {rules}.", "这些规则不能同时满足：{rules}。"),
    "optional dropped": ("Optional projects that cannot run, and will be dropped:",
                         "无法安排、将不予安排的非必办项目："),
    "explained in": ("Explained in {seconds:.1f} s{stopped}.",
                     "分析用时 {seconds:.1f} 秒{stopped}。"),
    "stopped at limit": (" (stopped at the time limit)", "（到时限停止）"),
    "best change": ("Best change that gives a plan: {change}.", "能得到方案的最佳修改：{change}。"),
    "no single change": ("No single change tried gave a plan.", "试过的单项修改都没有得到方案。"),
    "whole explanation": ("The whole explanation, with every change that works: explain.txt, "
                          "or schedule explain.",
                          "完整的分析和所有可行的修改：见 explain.txt，或运行 schedule explain。"),
    "what works": ("What would give a plan (each change tried, and the plan it gave checked):",
                   "能得到方案的修改（每项都试过，得到的方案已检查）："),
    "nothing works": ("No change tried gave a plan on its own.", "试过的修改单独都不能得到方案。"),
    "tried": ("Tried, but no plan came of it:", "试过但没有得到方案的修改："),
    "not enough": ("Relaxing one of these alone is not enough (another conflict remains):",
                   "只放宽其中一条还不够（还有别的冲突）："),
    "and more listed": ("  - and {count} more (explain.json)",
                        "  - 另有 {count} 条（见 explain.json）"),
    # why and alternatives.
    "objective part": ("{value:+,} to the objective", "计入目标值 {value:+,}"),
    "one class or a month": ("{target}: name one class (e.g. {example}), or give --month or "
                             "--venue to move all {count} of them",
                             "{target}：请指明一个班（如 {example}），或用 --month 或 --venue "
                             "移动全部 {count} 个班"),
    "now": ("{project} {classes} now: {place}", "{project} {classes} 现在：{place}"),
    "no alternative": ("  no other placement keeps every rule (or none was found in the time)",
                       "  没有其他满足全部规则的安排（或在时限内没有找到）"),
    "alternative change": ("   objective {change:+,} ({kpis})", "   目标值 {change:+,}（{kpis}）"),
    "no kpi change": ("no KPI changes", "指标不变"),
    "nothing else moves": ("   nothing else moves", "   其他安排都不变"),
    "also changes": ("   also changes: {changes}", "   同时改变：{changes}"),
    "and more changes": (" … and {count} more", " …… 另有 {count} 处"),
}

# Fixed words of the tables the command line prints or writes, in Chinese; names as they are.
TERMS = {
    # The comparison's measures (scheduler.analysis.compare).
    "status": "求解状态",
    "objective": "目标值",
    "gap": "差距",
    "kpi dropped": "未安排项目的优先级",
    "kpi preference": "非首选月份的培训天数",
    "kpi share": "公平名额缺口",
    "kpi rural_venue": "城区场地的农村优先名额",
    "kpi cost": "场地与专家费用（元）",
    "kpi balance": "最高同日离岗教师",
    "kpi hours_short": "距学时要求的缺口（人·学时）",
    "kpi away_days": "专家异地授课（人天）",
    "kpi moved": "改期或取消的班次阶段",
    "kpi venue_changed": "更换场地的班次阶段",
    "kpi trainer_changed": "更换的专家",
    "projects dropped": "未安排的项目",
    "sessions": "班数",
    "sessions moved against the base": "与基准相比改期的班",
    "rural share": "农村名额占比",
    "cost (yuan)": "费用（元）",
    "solve seconds": "求解用时（秒）",
    "measure": "比较指标",
    "none": "无",
    "base": "基准",
    "dropped": "未安排",
    # changes.csv and the change list (scheduler.core.diff).
    "project": "项目编号",
    "name": "培训项目名称",
    "session": "班",
    "phase": "阶段",
    "change": "变化",
    "before": "原安排",
    "after": "新安排",
    "why": "原因",
    "dates": "日期",
    "venue": "场地",
    "trainers": "专家",
    "cancelled": "取消",
    "new": "新增",
    # sweep.csv and its chart (scheduler.sweep).
    "base instance": "基础方案",
    "variant": "变体",
    "bound": "下界",
    "cpu seconds": "CPU 用时（秒）",
    "worker": "计算节点",
    "cached": "沿用已有结果",
    "reason": "未求解的原因",
}


def said_all(items: Sequence[Phrase | str], lang: str) -> list[str]:
    """Each sentence of `items` (an `InputError`'s problems, a list of reasons) in `lang`."""
    return [str(said(item, lang)) for item in items]


def say(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang`, filled in with `values` (a sentence among them said in
    `lang` too)."""
    english, chinese = MESSAGES[key]
    return (chinese if lang == "zh" else english).format(
        **{name: said(value, lang) for name, value in values.items()})


def term(text: str, lang: str) -> str:
    """A fixed word of a table in `lang`; a word without a translation shows as it is."""
    return TERMS.get(text, text) if lang == "zh" else text


def language(environ: Mapping[str, str] = os.environ) -> str:
    """The locale's language: "zh" when the first of LC_ALL, LC_MESSAGES and LANG that is set
    (as POSIX reads them) starts with "zh"; where none is set (Windows), the system locale's
    ("zh_CN", "Chinese (Simplified)_China"); else "en"."""
    setting = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                    if environ.get(name)), None)
    if setting is None:
        setting = locale.getlocale()[0] or ""
    return "zh" if setting.lower().startswith(("zh", "chinese")) else "en"


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for a wide (CJK) character, one for others."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1
               for character in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` filled with spaces to `width` columns, on the right ("<") or the left (">")."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "<" else fill + text


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned by display width, two spaces apart: the first column to the left, the
    others (figures) to the right."""
    lines = [list(header), *map(list, rows)]
    widths = [max(display_width(line[column]) for line in lines)
              for column in range(len(header))]
    return "\n".join(
        "  ".join(pad(cell, width, "<" if column == 0 else ">")
                  for column, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip()
        for line in lines)

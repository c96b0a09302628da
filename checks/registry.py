"""The one list of rules: id, severity, status, legal basis, rationale, fix, examples.

Ids are forever (CONTRACT.md): a renamed rule keeps its old id in `ALIASES`. `xxgk rules`
lists `RULES`; `xxgk rules show ID` prints `render_text(get(ID))`; the report's catalogue is
built from the same records (`catalogue()`).

Rules run in the order listed; `calendar.missing` is last because it reports the calendar
gaps the other rules met.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import categories, columns, links, regulations, site, timeliness
from .context import Context, Finding

SEVERITIES = ("error", "warning", "info")
STATUSES = ("stable", "preview")


@dataclass(frozen=True)
class Basis:
    document: str  # e.g. 《中华人民共和国政府信息公开条例》（国务院令第711号）
    article: str  # e.g. 第二十六条
    confirmed: bool = True  # False where DOMAIN.md marks the source UNCONFIRMED


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    status: str
    since: str
    family: str
    title_zh: str
    summary: str  # What it checks (one paragraph)
    basis: tuple[Basis, ...]  # Why it matters: the legal basis
    rationale: str  # Why it matters: in plain words
    fix: str  # How the webmaster fixes it
    bad: str  # Example that fires
    good: str  # Example that does not
    options: tuple[str, ...] = ()  # profile keys the rule reads
    func: Callable[[Context], Iterable[Finding]] = field(default=lambda ctx: (), repr=False, compare=False)

    @property
    def doc(self) -> str:
        return render_text(self)


_TIAOLI = "《中华人民共和国政府信息公开条例》（国务院令第711号）"
_47 = "《政府网站发展指引》（国办发〔2017〕47号）"
_19 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
_2015 = "全国政府网站普查评分表（2015）"
_61 = "《关于规范政府信息公开平台有关事项的通知》（国办公开办函〔2019〕61号）"

RULES: list[Rule] = [
    Rule(
        id="link.broken", severity="error", status="stable", since="0.1.0", family="links",
        title_zh="链接不可用",
        summary="A link on a crawled page (a, img, script, link, iframe, attachments) does not lead to a working "
                "resource: HTTP 4xx/5xx after GET, DNS/connection/TLS failure, no answer within the timeout, a "
                "redirect loop or too many redirects, or a soft 404 (a 200 error page, or a deep link redirected "
                "to the home page). One finding per (page, link target); blocked targets are link.blocked.",
        basis=(Basis(_19, "扣分指标：链接不可用（首页链接单独计）"), Basis(_2015, "链接可用性")),
        rationale="A dead link withholds the information it promises; inspections deduct points for every one, "
                  "home-page links more heavily.",
        fix="Correct or remove the link; when a page moved, link its new address (or keep a 301 from the old one); "
            "re-upload missing attachments.",
        bad='<a href="/xxgk/2019/t20190301_1.html">关于…的通知</a> → HTTP 404',
        good='<a href="/xxgk/2024/t20240301_9.html">关于…的通知</a> → HTTP 200 with the document',
        options=("links.timeout", "links.max_redirects", "links.soft404_title_patterns", "links.blocked_statuses"),
        func=links.check_link_broken,
    ),
    Rule(
        id="link.redirect", severity="info", status="stable", since="0.1.0", family="links",
        title_zh="链接经重定向",
        summary="A link works, but only through a 301/302 redirect: the page should link the final address.",
        basis=(Basis(_47, "网站设计与运维：链接应指向有效地址", confirmed=False),),
        rationale="Redirect chains break when the old address is retired; linking the final address is cheaper "
                  "for visitors and survives site migrations. Not scored.",
        fix="Replace the link with the final URL shown in the evidence.",
        bad='<a href="http://www.example.gov.cn/zwgk/">政务公开</a> → 301 → https://www.example.gov.cn/zwgk/',
        good='<a href="https://www.example.gov.cn/zwgk/">政务公开</a> → 200',
        options=("links.max_redirects",),
        func=links.check_link_redirect,
    ),
    Rule(
        id="link.blocked", severity="info", status="stable", since="0.1.0", family="links",
        title_zh="链接被访问防护拦截（未判断）",
        summary="A link target answered with bot protection (403/412/429/503/521 or a JavaScript challenge) even "
                "after retries: it could not be judged, and is never counted as broken.",
        basis=(Basis(_19, "链接不可用按访问者所见计分", confirmed=False),),
        rationale="A browser usually gets through a WAF that stops a crawler; calling such links broken would "
                  "discredit the report, so they are listed for a manual check instead.",
        fix="Open the link in a browser; if it works, nothing to fix (optionally allow the audit's User-Agent); "
            "if it fails, treat it as a broken link.",
        bad="https://www.example.gov.cn/col/col123/ → 412 with a cookie challenge",
        good="https://www.example.gov.cn/col/col123/ → 200",
        options=("links.blocked_statuses", "links.blocked_patterns", "links.blocked_retries"),
        func=links.check_link_blocked,
    ),
    Rule(
        id="doc.untimely", severity="error", status="stable", since="0.1.0", family="timeliness",
        title_zh="信息公开不及时",
        summary="A document in a disclosure-platform column shows a 发布日期 later than the Nth working day after "
                "its 成文日期 (N from the profile: 10 by default, 20 in `national`). The formation day is not "
                "counted; the Nth working day itself is on time; statutory holidays and 调休 make-up days count "
                "as announced. Documents without a visible 成文日期 are not judged.",
        basis=(Basis(_TIAOLI, "第二十六条：自该政府信息形成或者变更之日起20个工作日内予以公开"),
               Basis("省级政务公开工作方案（地方口径）", "10个工作日内公开", confirmed=False)),
        rationale="Information that is disclosed late cannot be used when it matters; Art. 26 sets the outer "
                  "limit and many local plans a shorter one.",
        fix="Publish documents within the limit; where the 发布日期 shown is wrong (e.g. the date of a later "
            "edit), show the first publication date.",
        bad="成文日期 2026-02-12, 发布日期 2026-03-05 (the 10th working day after is 2026-03-04)",
        good="成文日期 2026-02-12, 发布日期 2026-03-04",
        options=("timeliness.working_days", "timeliness.holiday_file", "timeliness.list_date_counts"),
        func=timeliness.check_doc_untimely,
    ),
    Rule(
        id="doc.date_missing", severity="warning", status="stable", since="0.1.0", family="timeliness",
        title_zh="文件未标注发布日期",
        summary="A document in a disclosure-platform column shows no publication date anywhere a reader or a "
                "machine can see it: not in its metadata table, not in a 发布时间 line, not in a PubDate meta "
                "tag. A date in any one of these places is enough; dates in comments or attributes do not count.",
        basis=(Basis(_2015, "未注明信息发布时间的视为不更新"), Basis(_47, "网页元数据：PubDate 为必选项")),
        rationale="Without a publication date nobody can tell whether the information is current or was "
                  "published on time; inspections treat undated items as never updated.",
        fix="Show 发布日期 in the document's metadata table or under its title, and fill the PubDate meta tag.",
        bad="<table><tr><td>发布日期：</td><td></td></tr></table> and no PubDate meta",
        good='<td>发布日期：</td><td>2024-03-05</td> or <meta name="PubDate" content="2024-03-05 09:00">',
        options=("timeliness.list_date_counts",),
        func=timeliness.check_doc_date_missing,
    ),
    Rule(
        id="reg.validity_missing", severity="warning", status="stable", since="0.1.0", family="regulations",
        title_zh="规范性文件未标注有效性",
        summary="A 规章 / 规范性文件 (known by its column class, a 令第N号 or 规〔YYYY〕N号 style 文号, or its "
                "title) has no 有效性-type field (有效性, 时效性, 效力状态, ...) and no title marker such as "
                "【已失效】. Empty fields count as missing.",
        basis=(Basis(_47, "四(一)：文件资料发生修改、废止、失效等情况，应在已发布的原文件上作出明确标注"),
               Basis("国办公开办函〔2021〕33号", "规章集中公开并动态更新", confirmed=False)),
        rationale="Readers must be able to tell whether a rule still binds them; an unmarked document is read "
                  "as in force.",
        fix="Add a 有效性 field (现行有效 / 已失效 / 已废止 / 已修改) to every 规章 and 规范性文件 and keep it up to date.",
        bad="《某市物业管理办法》 (某府规〔2019〕3号) with no 有效性 field",
        good="《某市物业管理办法》 … 有效性：现行有效",
        options=("regulations.column_patterns", "regulations.column_url_patterns", "regulations.docno_patterns",
                 "regulations.title_patterns"),
        func=regulations.check_reg_validity_missing,
    ),
    Rule(
        id="reg.stale", severity="error", status="stable", since="0.1.0", family="regulations",
        title_zh="已失效文件仍标注有效",
        summary="A 规章 / 规范性文件 is presented as in force (marked 有效/现行有效, or unmarked) although its "
                "validity period ended before the audit date (有效期至…; 有效期N年 from 施行, else 成文, ending the "
                "day before the anniversary), or a later document on the same site repealed or declared it "
                "invalid (matched by 文号, else by normalised title and date; a newer same-title version and the "
                "decision itself are never flagged), or the repealed registry lists it.",
        basis=(Basis(_47, "四(一)：修改、废止、失效应在原文件上明确标注"),
               Basis("国家规章库（中国政府网）", "现行有效规章目录", confirmed=False)),
        rationale="A repealed or expired rule shown as valid misleads citizens and businesses into following "
                  "(or enforcing) rules that no longer apply.",
        fix="Mark the document 已失效 / 已废止 (with the date and the repealing decision), or publish the "
            "extension decision if its validity was extended.",
        bad="有效性：现行有效 … 本办法自2018年1月1日起施行，有效期5年 (audited 2024)",
        good="有效性：已失效（2022年12月31日有效期届满）",
        options=("regulations.repeal_title_patterns", "regulations.repeal_patterns", "regulations.repealed_file",
                 "regulations.in_force_patterns", "regulations.out_patterns"),
        func=regulations.check_reg_stale,
    ),
    Rule(
        id="category.missing", severity="error", status="stable", since="0.1.0", family="categories",
        title_zh="缺少法定公开栏目",
        summary="A mandatory disclosure category of the profile (the platform's four parts, Art. 20 items and "
                "those the profile adds) matches no column of the disclosure platform by canonical name or "
                "synonym. A stub redirecting to another platform or a column noting 本单位无此项职能 counts as "
                "present; a present but empty column is column.empty instead.",
        basis=(Basis(_TIAOLI, "第二十条、第二十一条（主动公开的内容）"), Basis(_61, "平台四部分：指南、制度、法定主动公开内容、年报")),
        rationale="The platform's fixed structure is how citizens find statutory information; a missing "
                  "category means the information is not disclosed or cannot be found.",
        fix="Add the column under the platform with its canonical name (or a recognised synonym); if the organ "
            "has no such function, keep the column with a 本单位无此项职能 note.",
        bad="政务公开 › 法定主动公开内容 has 机构职能, 政策文件 but no 财政预决算",
        good="政务公开 › 法定主动公开内容 › 财政预决算 (or 部门预决算)",
        options=("categories.mandatory", "categories.max_name_length", "platform.url_patterns",
                 "platform.name_patterns"),
        func=categories.check_category_missing,
    ),
    Rule(
        id="column.empty", severity="warning", status="stable", since="0.1.0", family="columns",
        title_zh="空白栏目",
        summary="A list column has no entries once datastore records and script pagers are parsed (a list "
                "showing 暂无信息 is empty). Parent columns that only show sub-columns, single-page columns, "
                "redirect stubs and unrendered SPA lists are not judged; a 本单位无此项职能 note explains the "
                "column and is not reported unless the profile asks.",
        basis=(Basis(_19, "单项否决：空白栏目数量≥5"), Basis(_2015, "基本信息：栏目无内容的须备注说明")),
        rationale="Empty columns promise information that is not there; five or more fail an inspection.",
        fix="Publish the column's content, remove the column, or add a note explaining why it is empty "
            "(本单位无此项职能).",
        bad="政策解读 list page showing 暂无信息",
        good="政策解读 with dated entries, or 行政强制 showing 本单位无此项职能",
        options=("columns.explained_note_patterns", "columns.report_explained"),
        func=columns.check_column_empty,
    ),
    Rule(
        id="column.stale", severity="error", status="stable", since="0.1.0", family="columns",
        title_zh="栏目不更新",
        summary="A classed column's newest dated entry (the maximum date, not the first row) is older than its "
                "class allows on the audit date: 动态/要闻 14 days, 通知公告/政策文件 6 months, 人事/规划计划 "
                "12 months (calendar months; exactly on the limit is fine). Unclassed columns are not judged.",
        basis=(Basis(_19, "单项否决：栏目不更新；扣分：政策文件一级栏目6个月未更新"),
               Basis(_2015, "基本信息：人事、规划计划类12个月", confirmed=False)),
        rationale="Stale news and notice columns suggest an abandoned site; inspections veto at 5 stale "
                  "columns and deduct for stale policy columns.",
        fix="Publish current information in the column, or merge/remove columns that no longer receive any.",
        bad="工作动态, newest entry 2024-05-01, audited 2024-05-16 (15 days)",
        good="工作动态, newest entry 2024-05-02, audited 2024-05-16 (exactly 14 days)",
        options=("column_classes", "columns.undated_is_stale"),
        func=columns.check_column_stale,
    ),
    Rule(
        id="home.stale", severity="error", status="stable", since="0.1.0", family="site",
        title_zh="首页不更新",
        summary="Nothing reachable from the home page (its own lists, documents it links, the newest entry of "
                "columns it links) is newer than the profile's limit (14 days).",
        basis=(Basis(_19, "单项否决：首页不更新（2周内无更新）"),),
        rationale="A home page without news for two weeks fails an inspection outright.",
        fix="Keep the home page's news and notice blocks current.",
        bad="Newest item reachable from the home page: 2024-05-01, audited 2024-05-20",
        good="Newest item: 2024-05-18",
        options=("site.home_max_age_days",),
        func=site.check_home_stale,
    ),
    Rule(
        id="site.identity_missing", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="网站标识信息缺失",
        summary="The home page footer lacks the 网站标识码, the ICP 备案 number, the 公安机关备案号 or the "
                "党政机关网站标识 (as required by the profile), or shows one in an unexpected format.",
        basis=(Basis(_47, "网站开办与标识：网站标识码、ICP备案、公安备案", confirmed=False),
               Basis("中央编办 党政机关网站标识管理规定", "标识放置于网站所有页面底部中间", confirmed=False)),
        rationale="The footer identifies the site as an official government site and lets visitors verify it.",
        fix="Show 网站标识码, ICP备案号 (linked to beian.miit.gov.cn), 公网安备 number (linked to beian.gov.cn) "
            "and the 党政机关 badge at the bottom of every page.",
        bad="Footer: 主办单位：某市人民政府办公室 (nothing else)",
        good="Footer: 网站标识码：1400000045 | 晋ICP备05001234号 | 晋公网安备 14010502000123号 | 党政机关 badge",
        options=("site.identity_required", "site.site_id_code_pattern", "site.icp_pattern",
                 "site.police_record_pattern"),
        func=site.check_site_identity_missing,
    ),
    Rule(
        id="meta.missing", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="网页元数据缺失",
        summary="A page lacks required meta tags for its kind: site tags on every page (SiteName, SiteDomain, "
                "SiteIDCode), column tags on list pages, ArticleTitle/PubDate/ContentSource on documents. "
                "Names are compared case-insensitively; empty content is missing.",
        basis=(Basis(_47, "附件：网页设计规范（元数据必选项）"),),
        rationale="Standard metadata lets the national search and inspection tools index and date the pages.",
        fix="Add the missing <meta name=... content=...> tags to the page template.",
        bad='<meta name="SiteName" content="某市人民政府"> only',
        good='<meta name="SiteName" …><meta name="SiteDomain" …><meta name="SiteIDCode" …>'
             '<meta name="ArticleTitle" …><meta name="PubDate" content="2024-03-05 09:00">…',
        options=("meta.document_required", "meta.list_required", "meta.home_required"),
        func=site.check_meta_missing,
    ),
    Rule(
        id="annual_report.missing", severity="error", status="stable", since="0.1.0", family="site",
        title_zh="未公布政府信息公开工作年度报告",
        summary="After the deadline (03-31 for a local government's own report, 01-31 for departments; "
                "profile), no 政府信息公开工作年度报告 for the previous year is found on the site "
                "(documents, list entries or link texts).",
        basis=(Basis(_TIAOLI, "第四十九条：每年1月31日前（部门）/3月31日前（政府）公布年度报告"),
               Basis("国办公开办函〔2021〕30号", "年度报告格式")),
        rationale="The annual report is the statutory account of a year's disclosure work.",
        fix="Publish the report in the platform's 年报 column before the deadline.",
        bad="Audited 2025-04-10: no 2024年政府信息公开工作年度报告",
        good="2024年政府信息公开工作年度报告 published 2025-03-20",
        options=("annual_report.deadline", "annual_report.title_patterns", "annual_report.column_patterns"),
        func=site.check_annual_report_missing,
    ),
    Rule(
        id="annual_report.late", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="年度报告公布逾期",
        summary="The previous year's annual report is on the site, but its earliest publication date is after "
                "the deadline.",
        basis=(Basis(_TIAOLI, "第四十九条"),),
        rationale="A late report breaks the statutory schedule the public relies on.",
        fix="Publish future reports before the deadline; make sure the page shows the real first publication date.",
        bad="2024年度报告 published 2025-04-02 (deadline 2025-03-31)",
        good="Published 2025-03-31",
        options=("annual_report.deadline", "annual_report.title_patterns"),
        func=site.check_annual_report_late,
    ),
    Rule(
        id="annual_report.incomplete", severity="warning", status="preview", since="0.1.0", family="site",
        title_zh="年度报告内容不全",
        summary="An annual report published as a page (not only an attachment) lacks a part Art. 50 requires: "
                "主动公开, 收到和处理申请, 行政复议和行政诉讼, 存在的主要问题及改进, 其他需要报告的事项.",
        basis=(Basis(_TIAOLI, "第五十条（年度报告应当包括的内容）"), Basis("国办公开办函〔2021〕30号", "年度报告格式")),
        rationale="A report without the statutory parts does not account for the year's work.",
        fix="Follow the 〔2021〕30号 template: all six sections with their tables.",
        bad="Report text with 主动公开 and 依申请 tables but no 行政复议、行政诉讼 section",
        good="Report with 一、总体情况 … 六、其他需要报告的事项",
        options=("annual_report.sections", "annual_report.min_body_chars", "annual_report.sections_since_year"),
        func=site.check_annual_report_incomplete,
    ),
    Rule(
        id="interaction.unanswered", severity="error", status="preview", since="0.1.0", family="site",
        title_zh="留言超期未答复",
        summary="A 政务咨询 message from the last 12 months shown on the site has no reply after 3 months "
                "(status 未回复/办理中, or no reply time/text). 在线访谈, 调查征集, 网上信访 and 纪检举报 are "
                "excluded. Judged only where the site lists messages as pages.",
        basis=(Basis(_19, "单项否决：互动回应差（政务咨询类留言超过3个月未回复）"),),
        rationale="Unanswered consultations over three months fail an inspection outright.",
        fix="Answer or close the messages; publish the replies.",
        bad="留言时间 2024-01-05, 办理状态：未回复, audited 2024-05-01",
        good="留言时间 2024-01-05, 回复时间 2024-01-12",
        options=("interaction.column_patterns", "interaction.exclude_patterns", "interaction.max_age_months",
                 "interaction.window_months"),
        func=site.check_interaction_unanswered,
    ),
    Rule(
        id="interpretation.late", severity="warning", status="preview", since="0.1.0", family="site",
        title_zh="政策解读发布不及时",
        summary="A 政策解读 linked to the policy document it explains was published later than the Nth working "
                "day after the document (N = 3 by default).",
        basis=(Basis("国办发〔2016〕19号（据地方目录转引）", "政策解读应在文件公开后3个工作日内发布", confirmed=False),),
        rationale="Interpretations help the public understand a policy when it is issued; a late one misses "
                  "that moment.",
        fix="Publish the interpretation together with the document, and link them both ways.",
        bad="文件 2024-03-01 (Fri), 解读 2024-03-08 (the 3rd working day after is 03-06)",
        good="解读 2024-03-06",
        options=("interpretation.working_days", "interpretation.title_patterns",
                 "interpretation.link_text_patterns"),
        func=site.check_interpretation_late,
    ),
    Rule(
        id="calendar.missing", severity="info", status="stable", since="0.1.0", family="timeliness",
        title_zh="缺少节假日安排（未判断）",
        summary="A working-day deadline needed a year that neither chinesecalendar nor the holiday file "
                "covers; the documents concerned were not judged (no Monday-Friday guess). One finding per year.",
        basis=(Basis("国务院办公厅年度节假日安排通知", "法定节假日与调休工作日"),),
        rationale="Counting working days without the year's holiday notice would give wrong answers around "
                  "Spring Festival and National Day.",
        fix="Add the year's holidays and make-up working days to the holiday file (profile key "
            "timeliness.holiday_file) or upgrade chinesecalendar, then run `xxgk check` again.",
        bad="A 2027 document audited with chinesecalendar 1.11 and no holiday file",
        good='holiday file: [2027] holidays = ["2027-01-01", …] workdays = [...]',
        options=("timeliness.holiday_file",),
        func=site.check_calendar_missing,
    ),
]

# Old ids -> current ids (ids are forever; none renamed yet).
ALIASES: dict[str, str] = {}

_BY_ID = {r.id: r for r in RULES}


def get(rule_id: str) -> Rule | None:
    return _BY_ID.get(ALIASES.get(rule_id, rule_id))


def render_text(rule: Rule) -> str:
    """One rule as Markdown-ish text (`xxgk rules show ID`, the report's catalogue)."""
    lines = [
        f"# {rule.id} — {rule.title_zh}",
        "",
        f"severity: {rule.severity} · status: {rule.status} · since: {rule.since} · family: {rule.family}",
        "",
        "## What it checks",
        rule.summary,
        "",
        "## Why it matters (legal basis)",
    ]
    for b in rule.basis:
        lines.append(f"- {b.document} {b.article}" + ("" if b.confirmed else "（出处未经核实 UNCONFIRMED）"))
    lines += [rule.rationale, "", "## Example", f"Fires: {rule.bad}", f"Fine:  {rule.good}", "",
              "## How to fix", rule.fix, "", "## Profile options"]
    lines += [f"- `{o}`" for o in rule.options] or ["(none)"]
    return "\n".join(lines) + "\n"


render_rule = render_text


def catalogue() -> list[dict]:
    """Every rule as a plain dict (for `xxgk rules` and the report's catalogue page)."""
    return [
        {"id": r.id, "severity": r.severity, "status": r.status, "since": r.since, "family": r.family,
         "title_zh": r.title_zh, "summary": r.summary,
         "basis": [{"document": b.document, "article": b.article, "confirmed": b.confirmed} for b in r.basis],
         "rationale": r.rationale, "fix": r.fix, "bad": r.bad, "good": r.good, "options": list(r.options)}
        for r in RULES
    ]

"""The one list of rules: id, severity, status, legal basis, rationale, fix, examples.

Every text a reader sees (title, summary, basis, rationale, fix, examples) is Chinese, in the
register of a 政务公开 inspector: the report and `xxgk rules show` are for Chinese inspectors
and webmasters. `summary_en` is a one-line English gloss for developers, shown last.

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
SEVERITY_ZH = {"error": "严重", "warning": "警告", "info": "提示"}
STATUS_ZH = {"stable": "正式", "preview": "试行"}


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
    summary: str  # 检查内容 (What it checks), Chinese
    basis: tuple[Basis, ...]  # 法律依据 (Why it matters: the legal basis)
    rationale: str  # 为什么重要 (Why it matters, in plain words), Chinese
    fix: str  # 整改方法 (How the webmaster fixes it: concrete steps ①②③), Chinese
    bad: str  # 不合格示例 (Example that fires), Chinese
    good: str  # 合格示例 (Example that does not), Chinese
    options: tuple[str, ...] = ()  # profile keys the rule reads
    summary_en: str = ""  # English one-liner, secondary (shown last)
    func: Callable[[Context], Iterable[Finding]] = field(default=lambda ctx: (), repr=False, compare=False)

    @property
    def doc(self) -> str:
        return render_text(self)


_TIAOLI = "《中华人民共和国政府信息公开条例》（国务院令第711号）"
_47 = "《政府网站发展指引》（国办发〔2017〕47号）"
_19 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
_2015 = "《全国政府网站普查评分表》（2015年）"
_61 = "《关于规范政府信息公开平台有关事项的通知》（国办公开办函〔2019〕61号）"
_30 = "国办公开办函〔2021〕30号（政府信息公开工作年度报告格式）"

RULES: list[Rule] = [
    Rule(
        id="link.broken", severity="error", status="stable", since="0.1.0", family="links",
        title_zh="链接不可用",
        summary="检查巡检所抓取页面上的各类链接（超链接、图片、脚本、样式表、内嵌框架及附件）能否正常打开。"
                "有下列情形之一的，判定为链接不可用：以 GET 请求复核后仍返回 HTTP 4xx/5xx 状态码；域名无法解析、"
                "连接被拒绝或被重置、TLS 证书错误；超过时限（默认 15 秒）无响应；重定向循环或重定向次数过多；"
                "“软 404”，即返回 200 但页面内容为“页面不存在”等错误提示，或深层链接被跳转至首页。"
                "同一页面上指向同一地址的链接只计一条；被访问防护拦截、无法判断的地址另列为“链接被访问防护拦截”，"
                "不计为不可用。",
        basis=(Basis(_19, "扣分指标：链接不可用（首页链接单独计算）"), Basis(_2015, "网站可用性：链接可用性")),
        rationale="链接不可用，公众就无法获取链接所指向的信息、附件或服务。19号将“链接不可用”列为扣分指标，"
                  "首页上的不可用链接单独计算、扣分更重；2015 年全国政府网站普查也将“链接可用性”列为考察点。"
                  "错链、断链较多，还会被认为网站疏于日常维护。",
        fix="①按本报告列出的“所在页面”和“页面元素”（链接文字）找到对应链接；②目标页面已迁移的，将链接改为新地址，"
            "或在原地址设置 301 永久重定向；③附件丢失的，重新上传原附件并核对文件名（中文文件名注意编码）；"
            "④内容已撤下且无替代页面的，删除该链接；⑤页头、页脚、导航等模板中的链接，在模板中修改一次即可；"
            "⑥整改后重新巡检，确认链接返回正常。",
        bad="首页“政策解读”链接 <a href=\"/xxgk/2019/t20190301_1.html\"> 返回 HTTP 404（页面不存在）",
        good="该链接改为文件现地址 /xxgk/2024/t20240301_9.html，返回 HTTP 200 并正常显示正文",
        options=("links.timeout", "links.max_redirects", "links.soft404_title_patterns", "links.blocked_statuses"),
        summary_en="A link on a crawled page does not lead to a working resource (4xx/5xx after GET, network or "
                   "TLS failure, timeout, redirect loop, soft 404); blocked targets are link.blocked.",
        func=links.check_link_broken,
    ),
    Rule(
        id="link.redirect", severity="info", status="stable", since="0.1.0", family="links",
        title_zh="链接经重定向",
        summary="链接能够打开，但需经 301/302 等重定向才能到达最终地址。本规则仅作提示，不扣分。",
        basis=(Basis(_47, "网站设计与运维：链接应指向有效地址", confirmed=False),),
        rationale="旧地址一旦停用，重定向随之失效，链接就会变成错链；网站改版、迁移（如由 http 改为 https）后"
                  "遗留的旧链接尤为常见。直接链接最终地址，可减少跳转、避免日后失效。",
        fix="①查看证据中的重定向链（chain）和最终地址（final_url）；②在内容管理系统中将链接地址替换为最终地址；"
            "③导航、页脚等模板中的链接在模板中统一替换。",
        bad="<a href=\"http://www.example.gov.cn/zwgk/\">政务公开</a> 经 301 跳转至 https://www.example.gov.cn/zwgk/",
        good="<a href=\"https://www.example.gov.cn/zwgk/\">政务公开</a> 直接返回 HTTP 200",
        options=("links.max_redirects",),
        summary_en="A link works only through a redirect: link the final address. Not scored.",
        func=links.check_link_redirect,
    ),
    Rule(
        id="link.blocked", severity="info", status="stable", since="0.1.0", family="links",
        title_zh="链接被访问防护拦截（未判断）",
        summary="链接目标经多次重试后仍返回访问防护响应（HTTP 403、412、429、503、521 或 JavaScript 验证页），"
                "本次巡检无法判断其是否可用。此类链接不计为“链接不可用”，单独列出供人工核查，不扣分。",
        basis=(Basis(_19, "扣分指标：链接不可用（以公众实际访问结果为准）", confirmed=False),),
        rationale="网站防火墙（WAF）常会拦截自动巡检程序，而公众使用浏览器可以正常打开。若将此类链接一律判为"
                  "不可用，会造成误报、影响报告的可信度；若一律视为正常，又可能掩盖真实的错链。故单独列出，"
                  "由人工在浏览器中逐一确认。",
        fix="①用浏览器逐一打开所列链接；②能正常打开的，无需整改（可请网站运维将巡检程序的 User-Agent 或来源地址"
            "加入白名单，便于今后自动检查）；③浏览器中也打不开的，按“链接不可用”整改。",
        bad="https://www.example.gov.cn/col/col123/ 返回 HTTP 412 和 Cookie 验证脚本",
        good="https://www.example.gov.cn/col/col123/ 返回 HTTP 200，正常显示栏目页",
        options=("links.blocked_statuses", "links.blocked_patterns", "links.blocked_retries"),
        summary_en="A link target answered with bot protection even after retries: not judged, never broken.",
        func=links.check_link_blocked,
    ),
    Rule(
        id="doc.untimely", severity="error", status="stable", since="0.1.0", family="timeliness",
        title_zh="信息公开不及时",
        summary="检查政府信息公开平台栏目中的文件：发布日期晚于成文日期后第 N 个工作日的，判定为公开不及时。"
                "N 取自配置：默认 10 个工作日（地方通行要求），national 配置为《条例》规定的 20 个工作日。"
                "成文当日不计入（次日起算），第 N 个工作日当天发布仍属按时；工作日按国务院办公厅当年节假日安排"
                "计算，调休上班日计为工作日。页面未显示成文日期的文件不作判断；发布日期早于成文日期的视为数据错误，"
                "不作判断。",
        basis=(Basis(_TIAOLI, "第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开"),
               Basis("地方政务公开工作要点、实施方案（地方口径）", "自形成之日起10个工作日内公开", confirmed=False)),
        rationale="政府信息的价值在于及时。《条例》第二十六条规定了 20 个工作日的法定上限，不少地方要求 10 个"
                  "工作日内公开。超期公开，公众就不能在政策出台、事项办理时及时知悉和利用相关信息。",
        fix="①建立文件印发后的公开流程：文件成文后由承办科室同步提出公开属性意见，经审核后在时限内发布；"
            "②对所列文件，核实页面显示的“发布日期”是否为首次公开日期，如因后期修改、栏目迁移导致日期被改写，"
            "应恢复为首次发布日期；③不得为规避检查改动发布日期（伪造发稿日期属19号单项否决情形）；"
            "④确属超期公开的，记入整改台账，今后严格按时限发布。",
        bad="成文日期 2026-02-12，发布日期 2026-03-05（成文后第 10 个工作日为 2026-03-04，已超期）",
        good="成文日期 2026-02-12，发布日期 2026-03-04（第 10 个工作日当天发布，属按时公开）",
        options=("timeliness.working_days", "timeliness.holiday_file", "timeliness.list_date_counts"),
        summary_en="A disclosed document's 发布日期 is later than the Nth working day after its 成文日期.",
        func=timeliness.check_doc_untimely,
    ),
    Rule(
        id="doc.date_missing", severity="warning", status="stable", since="0.1.0", family="timeliness",
        title_zh="文件未标注发布日期",
        summary="政府信息公开平台栏目中的文件页面，在元数据表（发布日期、公开日期、发布时间等）、标题下方的发布"
                "时间行和 PubDate 元数据中均找不到发布日期。任一处有日期即可；写在 HTML 注释、图片 alt 属性等"
                "访问者看不到之处的日期不予认可。",
        basis=(Basis(_2015, "注：未注明信息发布时间的视为不更新"),
               Basis(_47, "附件《政府网站网页设计规范》：PubDate（发布日期）为必选元数据"),
               Basis(_19, "单项否决注：未注明信息发布时间的视为不更新", confirmed=False)),
        rationale="没有发布日期，公众无法判断信息是否现行、是否按时公开，检查人员也无法核实。普查评分表明确"
                  "“未注明信息发布时间的视为不更新”，所在栏目可能因此被认定为不更新。",
        fix="①在文件页模板的元数据表中显示“发布日期”，并确保该字段从内容管理系统正确取值、不为空；"
            "②在标题下方显示“发布时间：YYYY-MM-DD”；③在页面 <head> 中填写 <meta name=\"PubDate\" "
            "content=\"YYYY-MM-DD HH:MM\">；④对已发布的无日期文件，按实际首次发布日期补填，不得填写虚构日期。",
        bad="元数据表中 <td>发布日期：</td><td></td> 为空，页面无发布时间行，也无 PubDate 元数据",
        good="元数据表中 <td>发布日期：</td><td>2024-03-05</td>，或页面有 <meta name=\"PubDate\" content=\"2024-03-05 09:00\">",
        options=("timeliness.list_date_counts",),
        summary_en="A disclosed document shows no publication date in its metadata table, a 发布时间 line or PubDate.",
        func=timeliness.check_doc_date_missing,
    ),
    Rule(
        id="reg.validity_missing", severity="warning", status="stable", since="0.1.0", family="regulations",
        title_zh="规范性文件未标注有效性",
        summary="检查规章和行政规范性文件（依据所在栏目、“令第N号”“×规〔YYYY〕N号”等文号格式或标题识别）"
                "是否标注有效性：页面既无“有效性”“时效性”“效力状态”等字段，标题中也无“【已失效】”“【已废止】”"
                "等标识的，判定为未标注。字段存在但内容为空，或仅写在 HTML 注释中的，同样视为未标注。",
        basis=(Basis(_47, "四（一）：如相关文件资料发生修改、废止、失效等情况，应及时公开，并在已发布的原文件上作出明确标注"),
               Basis("国办公开办函〔2021〕33号", "规章集中公开并动态更新", confirmed=False)),
        rationale="规章、规范性文件直接涉及公民、法人和其他组织的权利义务。未标注有效性，公众会默认其现行有效，"
                  "可能依据已失效的文件办事。47号要求文件修改、废止、失效时在原文件上作出明确标注，"
                  "国办公开办函〔2021〕33号要求规章集中公开并动态更新。",
        fix="①在规章、规范性文件的元数据表中增加“有效性”字段，取值为“现行有效”“已修改”“已废止”“已失效”之一；"
            "②对照本机关规范性文件清理结果，逐件补填；③文件修改、废止或有效期届满时，同步更新该字段，"
            "并注明日期和依据文件；④也可在标题前加注“【已失效】”“【已废止】”等标识。",
        bad="《某市物业管理办法》（某府规〔2019〕3号）页面无“有效性”字段，标题也无失效标识",
        good="《某市物业管理办法》（某府规〔2019〕3号）元数据表中注明“有效性：现行有效”",
        options=("regulations.column_patterns", "regulations.column_url_patterns", "regulations.docno_patterns",
                 "regulations.title_patterns"),
        summary_en="A 规章 / 规范性文件 has no 有效性-type field and no title marker such as 【已失效】.",
        func=regulations.check_reg_validity_missing,
    ),
    Rule(
        id="reg.stale", severity="error", status="stable", since="0.1.0", family="regulations",
        title_zh="已失效文件仍标注有效",
        summary="规章或规范性文件在页面上显示为有效（标注“有效”“现行有效”，或未作任何标注），但有下列情形之一："
                "①有效期已届满（按“有效期至……”，或“有效期N年”自施行日期起算，无施行日期的自成文日期起算，"
                "至届满周年前一日止）；②本网站后来发布的文件已将其废止或宣布失效（按文号匹配，无文号时按规范化"
                "标题及日期匹配；同名新版本和废止决定本身不计）；③已列入废止、失效文件目录。",
        basis=(Basis(_47, "四（一）：文件资料发生修改、废止、失效等情况，应在已发布的原文件上作出明确标注"),
               Basis("国家规章库（中国政府网）", "现行有效规章目录", confirmed=False)),
        rationale="已废止或已失效的文件仍显示为有效，会误导公众和基层执法人员继续适用，损害政府公信力，"
                  "还可能引发行政争议。",
        fix="①核实证据中列出的依据（有效期条款、废止决定原文或目录条目）；②在原文件页面将有效性改为“已废止”"
            "或“已失效”，注明失效日期和废止决定的名称、文号，并链接该决定；③如已决定延长有效期，应同时公开"
            "延期决定，并在原文件上注明；④定期对照规范性文件清理结果全面核查。",
        bad="有效性：现行有效；正文“本办法自2018年1月1日起施行，有效期5年”（巡检基准日为 2024 年，已届满）",
        good="有效性：已失效（2022年12月31日有效期届满）",
        options=("regulations.repeal_title_patterns", "regulations.repeal_patterns", "regulations.repealed_file",
                 "regulations.in_force_patterns", "regulations.out_patterns"),
        summary_en="A document shown as in force has expired, was repealed by a later document on the site, or is "
                   "listed as repealed.",
        func=regulations.check_reg_stale,
    ),
    Rule(
        id="category.missing", severity="error", status="stable", since="0.1.0", family="categories",
        title_zh="缺少法定公开栏目",
        summary="对照配置中列出的法定公开类目——61号规定的平台四部分（政府信息公开指南、政府信息公开制度、"
                "法定主动公开内容、政府信息公开工作年度报告）、《条例》第二十条规定的主动公开内容，以及第二十一条"
                "规定设区的市级、县级人民政府及其部门应增加的内容——按标准名称及同义词在政府信息公开平台中查找"
                "栏目，均未找到的判定为缺少。跳转至其他专门平台的栏目，或注明“本单位无此项职能”的栏目，视为已设置；"
                "栏目存在但无内容的，按“空白栏目”处理。",
        basis=(Basis(_TIAOLI, "第二十条、第二十一条（行政机关应当主动公开的政府信息）"),
               Basis(_61, "平台统一设置政府信息公开指南、政府信息公开制度、法定主动公开内容、政府信息公开工作年度报告")),
        rationale="《条例》第二十条、第二十一条列明了行政机关应当主动公开的政府信息；61号要求政府信息公开平台"
                  "统一名称、统一格式，设置指南、制度、法定主动公开内容和年报四部分。缺少法定栏目，意味着相关信息"
                  "未公开，或公众无从查找。",
        fix="①在政府信息公开平台“法定主动公开内容”下按标准名称增设所缺栏目（如“财政预决算”，也可使用"
            "“部门预决算”等通用名称）；②将已分散发布在其他栏目的相关信息归集到该栏目；③本机关确无该项职能的，"
            "保留栏目并注明“本单位无此项职能”；④相关信息在上级统一平台集中公开的，设置跳转链接。",
        bad="政务公开 › 法定主动公开内容 下设“机构职能”“政策文件”，但无“财政预决算”类栏目",
        good="政务公开 › 法定主动公开内容 › 财政预决算（或“部门预决算”）",
        options=("categories.mandatory", "categories.max_name_length", "platform.url_patterns",
                 "platform.name_patterns"),
        summary_en="A mandatory disclosure category matches no column of the platform by name or synonym.",
        func=categories.check_category_missing,
    ),
    Rule(
        id="column.empty", severity="warning", status="stable", since="0.1.0", family="columns",
        title_zh="空白栏目",
        summary="列表类栏目在解析数据记录（含大汉 datastore 记录）和脚本分页后仍没有任何信息条目的，判定为空白"
                "栏目；列表仅显示“暂无信息”的同样视为空白。只显示下级栏目的父栏目、单页栏目、跳转至其他平台的"
                "栏目，以及需脚本渲染才显示内容的列表，不作判断。栏目注明“本单位无此项职能”等说明的，视为已说明，"
                "默认不报告（配置可改为按“提示”报告）。",
        basis=(Basis(_19, "单项否决：栏目不更新（空白栏目数量超过（含）5个）"),
               Basis(_2015, "基本信息：栏目无内容的应备注说明")),
        rationale="空白栏目有名无实，公众点开却得不到信息。19号规定空白栏目数量超过（含）5个的即单项否决，"
                  "网站直接判定为不合格。",
        fix="①有相关信息的，及时补充发布；②长期没有信息来源的栏目，予以撤并或删除；③因本单位无此项职能等原因"
            "确无信息的，在栏目页面上注明说明（如“本单位无此项职能”），不要只显示“暂无信息”。",
        bad="“政策解读”栏目列表页只显示“暂无信息”",
        good="“政策解读”栏目列有带日期的解读文章；或“行政强制”栏目注明“本单位无此项职能”",
        options=("columns.explained_note_patterns", "columns.report_explained"),
        summary_en="A list column has no entries once datastore records and script pagers are parsed.",
        func=columns.check_column_empty,
    ),
    Rule(
        id="column.stale", severity="error", status="stable", since="0.1.0", family="columns",
        title_zh="栏目不更新",
        summary="按配置的栏目类别，检查栏目中最新一条信息的日期距巡检基准日是否超过更新时限：动态、要闻类 14 天；"
                "通知公告、政策文件类 6 个月；人事、规划计划类 12 个月（按自然月计算，恰好到期当天仍属及时）。"
                "最新日期取全部条目中的最大日期，而非列表第一行，以免置顶信息干扰。未归入任何类别的栏目不作判断。",
        basis=(Basis(_19, "单项否决：栏目不更新；扣分指标：政策文件类一级栏目6个月未更新"),
               Basis(_2015, "基本信息：人事、规划计划类信息12个月未更新", confirmed=False)),
        rationale="19号规定：监测时间点前 2 周内的动态、要闻类栏目，以及前 6 个月内的通知公告、政策文件类栏目，"
                  "累计超过（含）5 个未更新的，单项否决；网站中应更新但长期未更新的栏目超过（含）10 个的，同样"
                  "单项否决。栏目长期不更新，表明网站疏于维护，公众得不到最新信息。",
        fix="①落实栏目责任人和更新周期：动态、要闻类栏目至少每两周更新，通知公告、政策文件类栏目至少每半年有"
            "新内容；②确已无信息来源的栏目，予以撤并，不保留“僵尸栏目”；③核对列表页日期显示是否正确，"
            "不得为规避检查改动日期。",
        bad="“工作动态”最新信息日期为 2024-05-01，巡检基准日 2024-05-16（已 15 天未更新）",
        good="“工作动态”最新信息日期为 2024-05-02，巡检基准日 2024-05-16（恰好 14 天，仍属及时）",
        options=("column_classes", "columns.undated_is_stale"),
        summary_en="A classed column's newest dated entry is older than its class allows (14 days, 6 or 12 months).",
        func=columns.check_column_stale,
    ),
    Rule(
        id="home.stale", severity="error", status="stable", since="0.1.0", family="site",
        title_zh="首页不更新",
        summary="从首页可到达的信息（首页自身的信息列表、首页链接的文章，以及首页链接的栏目中最新的条目）中，"
                "最新日期距巡检基准日超过配置天数（默认 14 天）的，判定为首页不更新。",
        basis=(Basis(_19, "单项否决：首页不更新（监测2周，首页栏目无信息更新）"),),
        rationale="首页是网站的门面，两周无更新表明网站疏于维护。19号将其列为单项否决指标，一经发现即判定"
                  "网站不合格。",
        fix="①确保首页“要闻”“工作动态”“通知公告”等信息区块与栏目联动，新信息发布后自动出现在首页；"
            "②安排专人每周至少更新一次首页信息；③首页仅为栏目导航入口的，确保各二级页面栏目按时更新。",
        bad="首页可到达的最新信息日期为 2024-05-01，巡检基准日 2024-05-20（19 天无更新）",
        good="首页可到达的最新信息日期为 2024-05-18（2 天前）",
        options=("site.home_max_age_days",),
        summary_en="Nothing reachable from the home page is newer than the limit (14 days).",
        func=site.check_home_stale,
    ),
    Rule(
        id="site.identity_missing", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="网站标识信息缺失",
        summary="检查首页底部是否按配置展示网站标识码、ICP 备案编号、公安机关备案号和党政机关网站标识，"
                "以及格式是否正确（如网站标识码为“bm”加 8 位数字，或 10 位数字）。",
        basis=(Basis(_47, "网站开办与标识：网站标识码、ICP备案编号、公安机关备案号", confirmed=False),
               Basis("中央编办《党政机关网站标识管理规定》", "标识放置于网站所有页面底部中间位置", confirmed=False)),
        rationale="这些标识表明网站的政府网站身份，公众可据以核验网站真伪、防范假冒政府网站，应在网站所有页面"
                  "底部统一展示。",
        fix="①在网站公共页脚模板中加入“网站标识码：××××××××××”；②加入 ICP 备案编号，并链接至 "
            "https://beian.miit.gov.cn；③加入公安机关备案号（“×公网安备××××××××××××××号”），并链接至全国"
            "互联网安全管理服务平台（beian.gov.cn）；④在页面底部中间位置放置党政机关网站标识；"
            "⑤修改模板后抽查各类页面，确认均已生效。",
        bad="页脚仅有“主办单位：某市人民政府办公室”",
        good="页脚：网站标识码：1400000045 | 晋ICP备05001234号 | 晋公网安备 14010502000123号 | 党政机关网站标识",
        options=("site.identity_required", "site.site_id_code_pattern", "site.icp_pattern",
                 "site.police_record_pattern"),
        summary_en="The home page footer lacks the site ID code, ICP number, police record number or badge.",
        func=site.check_site_identity_missing,
    ),
    Rule(
        id="meta.missing", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="网页元数据缺失",
        summary="按页面类型检查《政府网站网页设计规范》要求的必选元数据（<meta name=… content=…>）：各类页面"
                "须有 SiteName、SiteDomain、SiteIDCode；栏目页须有 ColumnName、ColumnDescription、ColumnKeywords、"
                "ColumnType；文章页须有 ArticleTitle、PubDate、ContentSource。名称不区分大小写，content 为空视为"
                "缺失；各类页面的必选项以配置为准。",
        basis=(Basis(_47, "附件《政府网站网页设计规范》：网页元数据必选项"),),
        rationale="规范的网页元数据便于全国政府网站统一检索和监测平台识别网站、栏目和文章及其发布时间；缺失会"
                  "影响信息被检索，也影响更新情况的准确统计。",
        fix="①在内容管理系统的首页、栏目页、文章页模板 <head> 中，按规范加入所缺的 <meta> 标签；②content 取值"
            "绑定系统字段（如 PubDate 取文章发布时间，格式“YYYY-MM-DD HH:MM”）；③发布后抽查页面源代码，确认"
            "标签存在且不为空。",
        bad="文章页 <head> 中仅有 <meta name=\"SiteName\" content=\"某市人民政府\">",
        good="文章页 <head> 中有 SiteName、SiteDomain、SiteIDCode、ArticleTitle、ContentSource 及 "
             "<meta name=\"PubDate\" content=\"2024-03-05 09:00\">",
        options=("meta.document_required", "meta.list_required", "meta.home_required"),
        summary_en="A page lacks the meta tags its kind requires (47号 网页设计规范).",
        func=site.check_meta_missing,
    ),
    Rule(
        id="annual_report.missing", severity="error", status="stable", since="0.1.0", family="site",
        title_zh="未公布政府信息公开工作年度报告",
        summary="巡检基准日已过公布期限（地方人民政府本级年报为次年 3 月 31 日，政府部门为次年 1 月 31 日，以配置"
                "为准），但在网站的文件、栏目列表和链接文字中均未找到上一年度的政府信息公开工作年度报告。已公布"
                "更晚年度报告的，视为年报连续公开，不报告。",
        basis=(Basis(_TIAOLI, "第四十九条：县级以上人民政府部门每年1月31日前、县级以上地方人民政府每年3月31日前公布上一年度年度报告"),
               Basis(_30, "年度报告格式")),
        rationale="年度报告是行政机关向社会报告一年来政府信息公开工作情况的法定方式，《条例》第四十九条规定了"
                  "公布期限。未按期公布，属于未履行法定公开义务。",
        fix="①按国办公开办函〔2021〕30号规定的格式编制上一年度年报；②在政府信息公开平台“政府信息公开工作年度"
            "报告”栏目中发布，标题写明年度（如“××市人民政府2024年政府信息公开工作年度报告”）；③政府部门在"
            "1 月 31 日前、本级人民政府在 3 月 31 日前公布。",
        bad="巡检基准日 2025-04-10，网站上找不到“2024年政府信息公开工作年度报告”",
        good="“2024年政府信息公开工作年度报告”于 2025-03-20 在年报栏目发布",
        options=("annual_report.deadline", "annual_report.title_patterns", "annual_report.column_patterns"),
        summary_en="After the deadline, no annual disclosure report for the previous year is found on the site.",
        func=site.check_annual_report_missing,
    ),
    Rule(
        id="annual_report.late", severity="warning", status="stable", since="0.1.0", family="site",
        title_zh="年度报告公布逾期",
        summary="网站上已有上一年度政府信息公开工作年度报告，但其最早的发布日期晚于公布期限。",
        basis=(Basis(_TIAOLI, "第四十九条（年度报告公布期限）"),),
        rationale="《条例》第四十九条规定了年度报告的公布期限，逾期公布同样属于未按规定履行公开义务。",
        fix="①今后提前安排年报的编制和审核，确保在期限前公布；②核实页面显示的是首次发布日期，如因修改后重新"
            "发布导致日期后移，应恢复首次发布日期。",
        bad="2024年度报告于 2025-04-02 发布（公布期限为 2025-03-31）",
        good="2024年度报告于 2025-03-31 发布",
        options=("annual_report.deadline", "annual_report.title_patterns"),
        summary_en="The previous year's annual report was first published after the deadline.",
        func=site.check_annual_report_late,
    ),
    Rule(
        id="annual_report.incomplete", severity="warning", status="preview", since="0.1.0", family="site",
        title_zh="年度报告内容不全",
        summary="以网页形式（而非仅提供附件）发布的年度报告，正文缺少《条例》第五十条规定的内容：主动公开政府"
                "信息的情况；收到和处理政府信息公开申请的情况；因政府信息公开工作被申请行政复议、提起行政诉讼的"
                "情况；政府信息公开工作存在的主要问题及改进情况；其他需要报告的事项。正文过短（仅为附件下载说明）"
                "的不作判断。",
        basis=(Basis(_TIAOLI, "第五十条（年度报告应当包括的内容）"), Basis(_30, "年度报告格式")),
        rationale="缺少法定内容的年度报告不能完整反映全年政府信息公开工作，公众也无法据以监督。",
        fix="①按国办公开办函〔2021〕30号格式编写，包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理"
            "政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；"
            "六、其他需要报告的事项；②各表格项目按格式填写，无数据的填“0”，不得删减。",
        bad="年报正文有主动公开、依申请公开两张表，但没有“行政复议、行政诉讼”部分",
        good="年报包含“一、总体情况”至“六、其他需要报告的事项”全部六个部分",
        options=("annual_report.sections", "annual_report.min_body_chars", "annual_report.sections_since_year"),
        summary_en="An annual report published as a page lacks a part Art. 50 requires.",
        func=site.check_annual_report_incomplete,
    ),
    Rule(
        id="interaction.unanswered", severity="error", status="preview", since="0.1.0", family="site",
        title_zh="留言超期未答复",
        summary="在网站以页面形式列出的政务咨询类留言中，查找巡检基准日前 12 个月内提交、超过 3 个月仍未答复的"
                "留言（办理状态为“未回复”“办理中”等，或无答复时间、答复内容）。在线访谈、调查征集、网上信访、"
                "纪检举报类栏目不在检查范围。",
        basis=(Basis(_19, "单项否决：互动回应差（监测时间点前1年内，政务咨询类栏目存在超过3个月未回应的留言）"),),
        rationale="19号规定，监测时间点前 1 年内，政务咨询类栏目中存在超过 3 个月未答复留言的，即单项否决，"
                  "网站直接判定为不合格。留言长期不答复，也使互动渠道流于形式。",
        fix="①逐条清理所列留言，尽快答复或按程序办结；②公开答复内容和答复时间；③建立留言办理时限和督办机制，"
            "按本地规定时限答复，复杂问题先告知办理进度；④对重复、无实质内容等无效留言按规则标注处理，不长期"
            "挂“办理中”。",
        bad="留言时间 2024-01-05，办理状态“未回复”，巡检基准日 2024-05-01",
        good="留言时间 2024-01-05，回复时间 2024-01-12，并公开答复内容",
        options=("interaction.column_patterns", "interaction.exclude_patterns", "interaction.max_age_months",
                 "interaction.window_months"),
        summary_en="A 政务咨询 message from the last 12 months has no reply after 3 months.",
        func=site.check_interaction_unanswered,
    ),
    Rule(
        id="interpretation.late", severity="warning", status="preview", since="0.1.0", family="site",
        title_zh="政策解读发布不及时",
        summary="对相互关联的政策文件和政策解读（按标题，或“相关解读”“政策原文”等链接文字关联），检查解读的发布"
                "日期是否晚于文件发布后第 N 个工作日（默认 N=3）。",
        basis=(Basis("国办发〔2016〕19号（据地方公开目录转引）", "政策解读应在文件公开后3个工作日内发布", confirmed=False),),
        rationale="政策解读应与政策文件同步起草、同步审签、同步发布，帮助公众在政策出台时准确理解；解读滞后，"
                  "就失去了第一时间释疑解惑、引导预期的作用。",
        fix="①将解读方案与政策文件一并报审，文件公开时同步发布解读；②在文件页面和解读页面相互添加链接"
            "（“相关解读”“政策原文”）；③确需后续解读的，不晚于文件公开后第 3 个工作日发布。",
        bad="文件 2024-03-01（星期五）发布，解读 2024-03-08 发布（第 3 个工作日为 2024-03-06，已超期）",
        good="解读与文件同日发布，或不晚于 2024-03-06 发布",
        options=("interpretation.working_days", "interpretation.title_patterns",
                 "interpretation.link_text_patterns"),
        summary_en="A 政策解读 was published later than the Nth working day after the document it explains.",
        func=site.check_interpretation_late,
    ),
    Rule(
        id="calendar.missing", severity="info", status="stable", since="0.1.0", family="timeliness",
        title_zh="缺少节假日安排（未判断）",
        summary="计算工作日期限时，所需年份既不在 chinesecalendar 节假日库的覆盖范围内，也未在节假日文件中提供，"
                "相关文件的时效未作判断（不按周一至周五推测）。每个年份报告一条。",
        basis=(Basis("《国务院办公厅关于××××年部分节假日安排的通知》（如2025年：国办发明电〔2024〕12号）",
                     "法定节假日放假日期与调休上班日期"),),
        rationale="不依据当年节假日安排计算工作日，会在春节、国庆等长假及调休前后算错期限，造成误报或漏报。",
        fix="①在节假日文件（配置项 timeliness.holiday_file）中，按国务院办公厅当年通知补充该年的放假日期"
            "（holidays）和调休上班日期（workdays）；②或将 chinesecalendar 升级到覆盖该年份的版本；"
            "③重新运行 xxgk check。",
        bad="检查 2027 年的文件时，chinesecalendar 1.11 不含 2027 年，且未提供节假日文件",
        good="节假日文件含 [2027] holidays = [\"2027-01-01\", …] 与 workdays = [...]",
        options=("timeliness.holiday_file",),
        summary_en="A working-day deadline needed a year no holiday calendar covers; not judged.",
        func=site.check_calendar_missing,
    ),
]

# Old ids -> current ids (ids are forever; none renamed yet).
ALIASES: dict[str, str] = {}

_BY_ID = {r.id: r for r in RULES}


def get(rule_id: str) -> Rule | None:
    return _BY_ID.get(ALIASES.get(rule_id, rule_id))


def basis_line(b: Basis) -> str:
    return f"{b.document} {b.article}" + ("" if b.confirmed else "（出处未经核实）")


def render_text(rule: Rule) -> str:
    """One rule as Markdown-ish text (`xxgk rules show ID`), Chinese first; the English gloss last."""
    lines = [
        f"# {rule.id} — {rule.title_zh}",
        "",
        f"严重程度：{SEVERITY_ZH.get(rule.severity, rule.severity)}（{rule.severity}）· "
        f"状态：{STATUS_ZH.get(rule.status, rule.status)}（{rule.status}）· 自版本：{rule.since} · 类别：{rule.family}",
        "",
        "## 检查内容（What it checks）",
        rule.summary,
        "",
        "## 为什么重要（Why it matters）",
        "法律依据：",
    ]
    lines += [f"- {basis_line(b)}" for b in rule.basis]
    lines += [rule.rationale, "", "## 示例（Example）", f"不合格：{rule.bad}", f"合格：{rule.good}", "",
              "## 整改方法（How to fix）", rule.fix, "", "## 配置项（Profile options）"]
    lines += [f"- `{o}`" for o in rule.options] or ["（无）"]
    if rule.summary_en:
        lines += ["", "## English summary", rule.summary_en]
    return "\n".join(lines) + "\n"


render_rule = render_text


def catalogue() -> list[dict]:
    """Every rule as a plain dict (for `xxgk rules` and the report's catalogue page)."""
    return [
        {"id": r.id, "severity": r.severity, "status": r.status, "since": r.since, "family": r.family,
         "title_zh": r.title_zh, "summary": r.summary, "summary_en": r.summary_en,
         "basis": [{"document": b.document, "article": b.article, "confirmed": b.confirmed} for b in r.basis],
         "rationale": r.rationale, "fix": r.fix, "bad": r.bad, "good": r.good, "options": list(r.options)}
        for r in RULES
    ]

"""Seeded text for the sample portal: titles and paragraphs of a fictional 示例市.

Every function takes a ``random.Random`` so the output depends only on the seed. Titles are
made unique by the caller (``Titles``); no clock is read anywhere.
"""

from __future__ import annotations

import random

CITY = "示例市"
GOV = "示例市人民政府"
GOV_OFFICE = "示例市人民政府办公室"

DEPTS = [
    "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局", "市民政局",
    "市司法局", "市财政局", "市人力资源和社会保障局", "市自然资源和规划局", "市生态环境局",
    "市住房和城乡建设局", "市交通运输局", "市水利局", "市农业农村局", "市商务局", "市文化广电旅游局",
    "市卫生健康委员会", "市应急管理局", "市市场监督管理局", "市统计局", "市医疗保障局", "市数据局",
]
COUNTIES = ["东城区", "西湖区", "南山区", "北岭县", "清河县", "云台县", "鄚家坝镇", "临江经济开发区"]
TOPICS = [
    "安全生产", "城市更新", "乡村振兴", "优化营商环境", "招商引资", "防汛抗旱", "大气污染防治",
    "文明城市创建", "数字政府建设", "冬季供暖保障", "重点项目建设", "消防安全", "食品安全",
    "义务教育", "基层医疗卫生", "稳就业", "养老服务", "老旧小区改造", "农村人居环境整治",
    "耕地保护", "森林防火", "物价监测", "政务服务", "科技创新", "河湖长制", "社会救助",
    "民营经济发展", "消费品以旧换新", "粮食安全", "文旅融合", "交通运输安全", "城乡供水",
]
LEADERS = ["市长", "常务副市长", "副市长", "市委副书记"]
MEETINGS = ["推进会", "专题会议", "工作调度会", "座谈会", "现场观摩会", "部署会"]
ACTIONS = ["专项整治", "集中检查", "宣传月活动", "攻坚行动", "百日行动", "督导检查"]
SOURCES = ["示例日报", "市政府办公室", "示例广播电视台", "市融媒体中心"]
NAMES = ["王建国", "李卫东", "张晓明", "刘志强", "陈海燕", "杨光", "赵立新", "黄文华", "周涛", "吴敏", "徐鹏", "孙丽"]

NEWS_PATTERNS = [
    "{leader}调研{topic}工作",
    "{city}召开{topic}{meeting}",
    "{dept}开展{topic}{action}",
    "{county}{topic}工作取得新进展",
    "{city}{topic}工作综述",
    "{leader}主持召开{topic}{meeting}",
    "{dept}部署{topic}重点任务",
    "{county}扎实推进{topic}",
]
NOTICE_PATTERNS = [
    "关于开展{year}年度{topic}{action}的通知",
    "{dept}关于{topic}有关事项的公告",
    "关于征求《{city}{topic}实施方案（征求意见稿）》意见的公告",
    "{dept}关于做好{topic}工作的通知",
    "关于{year}年{topic}项目申报工作的通知",
]
POLICY_PATTERNS = [
    "{gov_office}关于印发{city}{topic}工作方案的通知",
    "{gov}关于加快推进{topic}的实施意见",
    "{gov_office}关于做好{year}年{topic}工作的通知",
    "{gov}关于进一步加强{topic}工作的意见",
    "{gov_office}关于印发{city}{topic}三年行动计划（{year}—{year2}年）的通知",
    "{dept}关于{topic}有关工作的通知",
]
REG_PATTERNS = [
    "{city}{topic}管理办法",
    "{city}{topic}实施细则",
    "{city}{topic}若干规定",
    "{city}{topic}专项资金管理办法",
    "{city}{topic}工作规程",
]
JD_PATTERNS = [
    "《{city}{topic}工作方案》政策解读",
    "一图读懂《关于加快推进{topic}的实施意见》",
    "《{city}{topic}管理办法》解读",
]
GENERIC_PATTERNS = [
    "{dept}{year}年{topic}工作情况",
    "{city}{year}年{topic}信息公开",
    "{dept}关于{topic}有关情况的公示",
    "{county}{topic}工作进展情况",
]

PARAGRAPHS = [
    "近日，{dept}围绕{topic}工作，组织相关单位深入一线开展调研，详细了解工作推进情况和存在的困难问题，"
    "现场研究解决措施。",
    "会议强调，要深入贯彻落实党中央、国务院决策部署和省委、省政府工作要求，把{topic}作为当前一项重要任务，"
    "压紧压实各方责任，确保各项措施落到实处。",
    "据了解，今年以来，{city}坚持问题导向和目标导向，统筹推进{topic}各项工作，累计完成投资{n1}亿元，"
    "惠及群众{n2}万人次，工作成效持续显现。",
    "{county}结合实际，细化工作方案，建立周调度、月通报工作机制，对{topic}重点任务实行清单化管理、"
    "项目化推进，确保按期完成年度目标。",
    "下一步，{dept}将继续加强统筹协调和督促指导，完善长效机制，推动{topic}工作不断取得新成效，"
    "为全市经济社会高质量发展提供有力保障。",
    "各县（区）人民政府、市政府各部门要高度重视，明确分管领导和具体责任人，于规定时间内将工作进展情况"
    "报送{dept}。联系电话：0999-{n3}。",
    "此次活动共出动检查人员{n2}人次，检查生产经营单位{n4}家，发现并督促整改问题隐患{n1}处，"
    "有力推动了{topic}各项要求落实落地。",
]
REG_ARTICLES = [
    "第一条　为了规范{topic}工作，保障公民、法人和其他组织的合法权益，根据有关法律、法规和规章，"
    "结合本市实际，制定本办法。",
    "第二条　本办法适用于本市行政区域内{topic}及其监督管理活动。",
    "第三条　市人民政府有关部门按照各自职责，做好{topic}相关工作。县（区）人民政府负责本辖区内的"
    "组织实施工作。",
    "第四条　{dept}应当建立健全工作制度，依法公开办理依据、条件、程序和结果，接受社会监督。",
    "第五条　违反本办法规定的，由有关部门依照相关法律、法规予以处理；构成犯罪的，依法追究刑事责任。",
]


def fill(rng: random.Random, pattern: str, topic: str | None = None, year: int = 2026) -> str:
    return pattern.format(
        city=CITY, gov=GOV, gov_office=GOV_OFFICE, dept=rng.choice(DEPTS), county=rng.choice(COUNTIES),
        topic=topic or rng.choice(TOPICS), leader=rng.choice(LEADERS), meeting=rng.choice(MEETINGS),
        action=rng.choice(ACTIONS), name=rng.choice(NAMES), year=year, year2=year + 2,
        n1=rng.randint(3, 96), n2=rng.randint(120, 9800), n3=rng.randint(2000000, 8999999),
        n4=rng.randint(20, 900),
    )


def paragraphs(rng: random.Random, topic: str, count: int) -> list[str]:
    picks = rng.sample(PARAGRAPHS, k=min(count, len(PARAGRAPHS)))
    return [fill(rng, p, topic) for p in picks]


def reg_articles(rng: random.Random, topic: str) -> list[str]:
    return [fill(rng, p, topic) for p in REG_ARTICLES]


class Titles:
    """Hands out unique titles from a pattern list (duplicates get another draw)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def reserve(self, title: str) -> str:
        self.seen.add(title)
        return title

    def make(self, patterns: list[str], year: int) -> tuple[str, str]:
        for _ in range(200):
            topic = self.rng.choice(TOPICS)
            title = fill(self.rng, self.rng.choice(patterns), topic, year)
            if title not in self.seen:
                self.seen.add(title)
                return title, topic
        raise RuntimeError("title space exhausted")  # pragma: no cover

"""Deterministic generator of realistic citizen comments on the demo plans.

Comments are assembled from plan-specific topics (what the clause is about,
reasons to like or fear it, suggestions, questions) and shared sentence
frames, so a few hundred of them read like different people. Each plan also
gets one copy-paste campaign (a form letter sent ~30 times with light edits),
and about 5 % of comments are written in traditional characters.

`load_plan` reads the bundled plan texts; nothing here touches the database.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from worker.analysis.clauses import flatten, split_clauses

__all__ = [
    "PLAN_DIR",
    "PLAN_KEYS",
    "DemoComment",
    "DemoPlan",
    "generate_comments",
    "load_plan",
]

PLAN_DIR = Path(__file__).resolve().parent / "plans"
PLAN_KEYS = ("fangguanfu", "jiceng_jianfu", "yiwangtongban")

STANCES = ("support", "oppose", "suggest", "question")
TRADITIONAL_SHARE = 0.05
WHOLE_PLAN_SHARE = 0.25
MAX_CAMPAIGN = 30


@dataclass(frozen=True)
class DemoPlan:
    key: str
    title: str
    department: str
    summary: str
    body: str


@dataclass(frozen=True)
class DemoComment:
    """One generated comment; `clause_number` None means the comment is on the whole plan."""

    clause_number: str | None
    text: str
    pseudonym: str
    stance: str
    days_ago: int
    campaign: bool = False


def load_plan(key: str) -> DemoPlan:
    """A bundled demo plan: body from `plans/<key>.txt`, metadata from `plans/<key>.json`."""
    if key not in PLAN_KEYS:
        raise KeyError(f"unknown demo plan {key!r}; expected one of {PLAN_KEYS}")
    meta = json.loads((PLAN_DIR / f"{key}.json").read_text(encoding="utf-8"))
    body = (PLAN_DIR / f"{key}.txt").read_text(encoding="utf-8")
    return DemoPlan(key, meta["title"], meta["department"], meta["summary"], body)


# --------------------------------------------------------------------------- topic data


@dataclass(frozen=True)
class _Topic:
    anchors: tuple[str, ...]  # clause keys or numbers in the plan this topic belongs to
    subj: str  # how a citizen names the measure
    ref: str  # how a citizen cites the clause in a whole-plan comment
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    tips: tuple[str, ...]
    asks: tuple[str, ...]


@dataclass(frozen=True)
class _PlanVoice:
    topics: tuple[_Topic, ...]
    contexts: tuple[str, ...]  # who is speaking
    general: _Topic  # whole-plan remarks
    campaign: str  # the form letter
    campaign_anchor: str
    roles: tuple[str, ...] = field(default=())


_FANGGUANFU = _PlanVoice(
    topics=(
        _Topic(
            ("2.1.1",),
            "企业开办一日办结",
            "方案第二部分（一）第1条",
            (
                "去年我注册公司前前后后跑了四趟，刻章和领发票还得分开排队，能整合成一个环节真是解决了大问题。",
                "免费发公章和税务UKey对小微企业来说能省下好几百块钱。",
                "一表填报能少填很多重复信息。",
            ),
            (
                "一日办结的前提是材料齐全，但窗口经常临时要求补材料，这个时限怎么算？",
                "担心为了追求一日办结，窗口把难办的件先劝退不受理，数字好看了企业反而更难。",
                "银行开户没写进来，开完执照还是要在银行等一周。",
            ),
            (
                "建议把银行开户预约也纳入一网办理，不然企业开办还是卡在最后一步。",
                "建议公布每个环节的实际办理时长，接受企业监督。",
                "建议在园区设立企业开办自助专区，晚上和周末也能办。",
            ),
            (
                "一个工作日是从提交申请算还是从材料审核通过算？",
                "个体工商户注册是否也适用一日办结？",
            ),
        ),
        _Topic(
            ("2.1.2",),
            "“证照分离”改革全覆盖",
            "第二部分（一）2",
            (
                "告知承诺制对我们做小生意的很友好，先营业再补核查，不耽误开门。",
                "清单之外不得限制进入，这句话写得很硬气。",
            ),
            (
                "审批改备案以后，出了问题谁来负责？消费者权益怎么保障？",
                "有些许可改成告知承诺后事后核查跟不上，容易让不合规的经营者钻空子。",
            ),
            (
                "建议把四类管理方式对应的事项清单作为附件一并公开征求意见。",
                "建议对告知承诺的企业明确核查时限，别让企业一直悬着。",
            ),
            (
                "食品经营许可属于哪一类？餐饮店能不能承诺即入？",
                "清单什么时候公布？",
            ),
        ),
        _Topic(
            ("2.1.3",),
            "简易注销",
            "第二部分（一）第3条",
            (
                "公告期从45天缩到20天，对想体面退出的小老板是实打实的帮助。",
                "以前注销公司比注册难得多，这次终于有人管了。",
            ),
            (
                "承诺制注销如果有人隐瞒债务，债权人的权益怎么保护？",
                "只压缩公告时间没用，真正卡住的是税务清税环节。",
            ),
            (
                "建议税务清税和工商注销同步办理，数据自动推送。",
                "建议对承诺不实的明确追责措施，防止借注销逃债。",
            ),
            ("已经吊销的企业能不能走简易注销？",),
        ),
        _Topic(
            ("2.2.1",),
            "小型低风险项目15个工作日审批",
            "第二部分（二）第1条",
            (
                "我们厂想加建一个小仓库，之前光规划手续就等了三个月，分类审批很有必要。",
                "分类制定流程图，企业一看就知道自己该走哪条路。",
            ),
            (
                "“小型低风险”的标准没写清楚，到时候解释权全在审批部门手里。",
                "审批时间压缩了，但前期的图审和各种评估时间不算在内，实际还是很长。",
            ),
            (
                "建议在方案里明确小型低风险项目的面积、高度和用途标准。",
                "建议审批时限从受理开始全流程计算，包括中介服务时间。",
            ),
            ("厂房内部改造需要走施工许可吗？",),
        ),
        _Topic(
            ("2.2.2",),
            "区域评估和联合验收",
            "第二部分（二）2",
            (
                "园区统一做区域评估，单个企业就不用重复花钱请人做环评、水保了，省钱省时间。",
                "联合验收统一出意见，避免几个部门意见打架。",
            ),
            (
                "区域评估结果如果过时了，企业项目还能不能直接用？",
                "联合验收说是限时，但哪个部门拖了也没有后果。",
            ),
            (
                "建议明确区域评估的更新周期和费用由谁承担。",
                "建议联合验收超时的，视为通过。",
            ),
            ("老园区没做区域评估的项目怎么办？",),
        ),
        _Topic(
            ("2.2.3",),
            "规范中介服务",
            "第二部分（二）第3条",
            (
                "中介是审批里最大的隐形门槛，网上中介超市公开收费太好了。",
                "严禁指定中介，这是企业的心声。",
            ),
            (
                "有些中介换个马甲照样是审批部门的关系户，光靠一个网上超市管不住。",
                "中介超市里的机构质量参差不齐，低价中标后报告质量很差又要返工。",
            ),
            (
                "建议公开中介机构的服务评价和超时记录，让企业可以挑选。",
                "建议对审批部门工作人员及其亲属参股中介机构的情况进行排查。",
            ),
            ("企业发现被暗示找指定中介，向哪里举报？",),
        ),
        _Topic(
            ("2.3.1",),
            "“双随机、一公开”监管",
            "第二部分（三）第1条",
            (
                "以前一个月被不同部门查了五次，双随机能减少重复检查。",
                "抽查结果公开对守法经营的企业是一种保护。",
            ),
            (
                "随机抽查比例太低的话，对食品安全这类领域会不会监管不到位？",
                "“特殊重点领域除外”这个口子开得太大了。",
            ),
            (
                "建议列出不适用双随机的特殊重点领域清单。",
                "建议推行部门联合抽查，一次上门查完所有事项。",
            ),
            ("抽查结果在哪个网站公开？",),
        ),
        _Topic(
            ("2.3.2",),
            "轻微违法免罚清单",
            "第二部分（三）第2条",
            (
                "首次轻微违法不罚，能让小商户有改正的机会，很有人情味。",
                "新业态留足发展空间，像我们做直播带货的很需要这样的政策。",
            ),
            (
                "免罚会不会变成纵容？反复“首次”怎么认定？",
                "包容审慎不能成为对大企业网开一面的借口。",
            ),
            (
                "建议免罚清单按行业细化，并且明确“危害后果轻微”的判断标准。",
                "建议对免罚的同时进行普法提醒，并记录在案。",
            ),
            ("免罚清单是全市统一还是各部门各自制定？",),
        ),
        _Topic(
            ("2.3.3",),
            "信用修复",
            "第二部分（三）第3条",
            (
                "信用修复机制很关键，企业犯过一次小错不应该被一直卡着招投标。",
                "分级分类监管，让诚信企业少受打扰。",
            ),
            (
                "信用修复流程太复杂，要跑好几个平台，小企业根本搞不懂。",
                "失信惩戒范围越扩越大，有的把欠物业费也算进去，不合理。",
            ),
            (
                "建议信用修复实行一网通办，各平台同步撤下公示信息。",
                "建议明确失信惩戒只能依据法律法规，不得擅自扩大。",
            ),
            ("行政处罚信息公示期满后会自动撤下吗？",),
        ),
        _Topic(
            ("2.4.1",),
            "证明事项告知承诺制",
            "第二部分（四）第1条",
            (
                "再也不用开“我妈是我妈”这类证明了，点赞。",
                "能共享核验的不再让申请人提供，这才是以人民为中心。",
            ),
            (
                "部门之间数据其实没有打通，窗口嘴上说共享，最后还是让你自己去开证明。",
                "承诺后被抽查发现材料不全，会不会直接按失信处理？",
            ),
            (
                "建议公布可以共享核验的证明事项清单，窗口再要求提供的可以投诉。",
                "建议对承诺不实区分故意和过失，不要一律纳入失信。",
            ),
            ("哪些证明事项可以告知承诺？有清单吗？",),
        ),
        _Topic(
            ("2.4.2",),
            "涉企政策“免申即享”",
            "第二部分（四）第2条",
            (
                "以前申报一个补贴要准备几十页材料，免申即享太及时了。",
                "服务专员制度很好，企业有事知道找谁。",
            ),
            (
                "重点企业有专员，中小微企业怎么办？服务不能只盯着大企业。",
                "免申即享的资金兑付经常拖很久，希望写明兑付时限。",
            ),
            (
                "建议服务专员覆盖规模以下企业，可以按片区配备。",
                "建议明确奖补资金在认定后30日内兑付到位。",
            ),
            ("哪些政策纳入免申即享？企业怎么知道自己享受了？",),
        ),
        _Topic(
            ("3.2", "1.2"),
            "营商环境问题线索直报",
            "第三部分（二）",
            (
                "问题直报加上通报整改，有牙齿了。",
                "目标写得很具体，有数字就好监督。",
            ),
            (
                "考核指标容易变成部门刷数据，企业真实感受才是关键。",
                "担心企业反映问题后被穿小鞋。",
            ),
            (
                "建议引入第三方评估，定期公布各部门营商环境排名。",
                "建议对反映问题的企业信息严格保密。",
            ),
            ("企业反映问题后多久能得到答复？",),
        ),
    ),
    contexts=(
        "我在高新区开了一家十几个人的设计公司。",
        "家里做餐饮十几年了，办证的苦头吃过不少。",
        "我们是做建材的民营企业，每年都要跑审批。",
        "本人是个体工商户，在菜市场经营一个摊位。",
        "我是一家外贸公司的行政，公司的证照都是我去办。",
        "作为刚毕业的创业者，第一次注册公司。",
        "我们企业在开发区，正在申请扩建。",
        "我在代理记账公司工作，每天帮客户跑工商税务。",
    ),
    general=_Topic(
        (),
        "这个方案",
        "",
        (
            "方案内容具体、目标量化，看得出是下了功夫的。",
            "“放管服”改革关系每个市场主体，政府主动征求意见本身就值得肯定。",
            "减环节、减材料、减时限、减费用，四个减字说到企业心坎里了。",
        ),
        (
            "方案写得很好，但很多措施往年的文件里也提过，关键是落实。",
            "方案对中小微企业和个体户的关注不够，主要是面向大项目的。",
            "整体偏原则，缺少具体责任单位和时间表。",
        ),
        (
            "建议每项任务后面列明牵头单位和完成时限。",
            "建议设立企业评价环节，由企业给各部门打分。",
            "建议出一个给企业看的通俗版解读。",
        ),
        (
            "方案什么时候正式实施？",
            "这次征求意见的结果会公开反馈吗？",
        ),
    ),
    campaign=(
        "我们是本市小微企业经营者，强烈呼吁在方案中把银行开户、水电气报装一并纳入企业开办"
        "“一日办结”范围，并公布每个环节的办理时限。现在执照一天能拿到，但开户要等一周、"
        "接水电要等一个月，企业开办时间只是纸面上压缩了。恳请起草部门采纳！"
    ),
    campaign_anchor="2.1.1",
)

_JICENG = _PlanVoice(
    topics=(
        _Topic(
            ("第二条",),
            "村（居）委会参照适用",
            "第二条",
            (
                "把村居协助政府的工作也纳入减负范围，基层干部的呼声被听到了。",
                "国企参照执行很有必要，国企里的文山会海也不少。",
            ),
            (
                "只写“参照执行”约束力太弱，到时候没人当回事。",
                "事业单位情况差别很大，一刀切适用不太现实。",
            ),
            (
                "建议对村（居）委会单独列一条，明确哪些事项可以拒绝。",
                "建议明确参照执行的具体含义和监督主体。",
            ),
            ("社区工作者属于本规定的适用对象吗？",),
        ),
        _Topic(
            ("第四条",),
            "文件篇幅不超过5000字",
            "第四条",
            (
                "限制篇幅很实在，很多文件写了上万字，真正有用的就几条。",
                "不再层层照搬照抄，下面就不用天天转发文件了。",
            ),
            (
                "5000字一刀切不合理，有些专业性规范文件确实需要写细。",
                "文件少了，但“通知”“函”变多了，换个形式照样发。",
            ),
            (
                "建议统计口径把部门的工作提示、便函也算进去。",
                "建议发文统计结果向社会公开，接受监督。",
            ),
            ("超过5000字的文件由谁审批？",),
        ),
        _Topic(
            ("第五条",),
            "精简会议",
            "第五条",
            (
                "乡镇主要负责同志天天在县里开会，哪有时间抓落实，这条好。",
                "会后不再层层传达，这个写得很具体。",
            ),
            (
                "视频会议也很多，一开就是半天，还要求全员在线签到。",
                "会议少了但“调度会”“推进会”换个名目照开。",
            ),
            (
                "建议规定会议时长上限，比如一般会议不超过一个半小时。",
                "建议对视频会议也纳入计划管理。",
            ),
            ("各类“调度会”算不算在会议总量里？",),
        ),
        _Topic(
            ("第六条",),
            "督查检查考核计划管理",
            "第六条",
            (
                "一年只搞一次综合督查，我们街道能少准备一半的台账。",
                "结果互认最关键，同样的材料不用给五个检查组各报一遍。",
            ),
            (
                "计划外的“调研”“暗访”会不会变相成为检查？",
                "台账要求只是换成电子台账，工作量一点没少。",
            ),
            (
                "建议明确禁止以“调研”名义开展实质性检查。",
                "建议督查结果主要看群众评价，不看台账厚度。",
            ),
            ("上级部门违规开展督查，基层可以拒绝吗？",),
        ),
        _Topic(
            ("第七条",),
            "治理工作群打卡晒图",
            "第七条",
            (
                "终于有人管“指尖上的形式主义”了！每天光截图上传就要一个小时。",
                "一个数据在五个平台重复填报，这条真是说到我们心里了。",
            ),
            (
                "工作群清单管理，怕最后只是把群改个名字。",
                "不让晒图，上级怎么知道基层做没做？要给出替代的评价办法。",
            ),
            (
                "建议明确各类政务应用程序的数量上限，并向社会公布清单。",
                "建议设立匿名举报渠道，收集强制打卡、晒图的线索。",
            ),
            ("下班后在群里布置工作算不算违规？",),
        ),
        _Topic(
            ("第八条",),
            "乡镇（街道）权责清单",
            "第八条",
            (
                "“事随人走、费随事转”写进去了，基层不再是什么都要兜底的“筐”。",
                "权责清单每年向社会公布，老百姓也知道该找谁。",
            ),
            (
                "上级部门把工作“委托”给基层，名义上不是转嫁，实际上还是转嫁。",
                "清单之外的工作遇到突发事件怎么办，基层能不管吗？",
            ),
            (
                "建议规定转嫁工作的部门要被通报，并退回工作事项。",
                "建议权责清单制定时听取一线干部和群众代表意见。",
            ),
            ("乡镇发现被转嫁工作，向哪个部门反映？",),
        ),
        _Topic(
            ("第九条", "第十条"),
            "容错情形",
            "第十条",
            (
                "三个区分写进制度，干部敢闯敢试才有底气。",
                "因政策界限不明确导致的失误可以容错，这一条很务实。",
                "处置突发事件临机决断可以容错，防疫期间我们太需要这个了。",
            ),
            (
                "容错情形写得太宽，什么都可以往“先行先试”里装，担心变成保护伞。",
                "“未造成重大损失”怎么界定？损失多大算重大？",
                "老百姓的利益受损了，干部被容错了，群众的损失谁来弥补？",
            ),
            (
                "建议列举几个典型案例，让大家明白容错的边界。",
                "建议容错决定向社会公开，接受群众监督。",
                "建议把“已履行民主决策程序”作为所有容错情形的前提。",
            ),
            (
                "普通工作人员和领导干部适用同样的容错标准吗？",
                "已经受到处分的还能申请容错吗？",
            ),
        ),
        _Topic(
            ("第十一条",),
            "不予容错情形",
            "第十一条",
            (
                "负面清单写清楚了，容错不是无原则的宽容。",
                "谋私利的一律不容错，这条底线必须守住。",
            ),
            (
                "“同类错误经提醒后仍然发生”太模糊，提醒可能是口头的，事后说不清。",
                "兜底条款“其他依规依纪依法不得容错的情形”给了太大的解释空间。",
            ),
            (
                "建议把“提醒”限定为书面提醒。",
                "建议删除兜底条款，或者列举具体情形。",
            ),
            ("什么算“重大安全事故”，按国家标准吗？",),
        ),
        _Topic(
            ("第十二条",),
            "容错认定程序",
            "第十二条",
            (
                "30日内书面答复、可以申请复核，程序很完整。",
                "本人可以主动申请容错，这个设计好，不用等组织发现。",
            ),
            (
                "问责启动后10个工作日内申请太短了，干部往往还没搞清楚情况。",
                "认定机关既是问责方又是容错认定方，自己审自己，不够中立。",
            ),
            (
                "建议申请期限延长到30日，并告知当事人申请权利。",
                "建议引入第三方或者专家参与容错认定。",
            ),
            ("复核由哪个机关负责？复核期间是否暂停问责？",),
        ),
        _Topic(
            ("第十三条",),
            "澄清正名",
            "第十三条",
            (
                "澄清正名很暖心，被诬告的干部过去只能自己咽下去。",
                "容错后不影响提拔，这样制度才有激励作用。",
            ),
            (
                "严肃处理诬告者的同时要保护正常举报，不能让群众不敢举报。",
                "“不受影响”说得容易，实际上背过事的干部很难被提拔。",
            ),
            (
                "建议澄清正名在原影响范围内公开进行。",
                "建议区分诬告和错告，对错告不应追责。",
            ),
            ("澄清正名由谁来发起？",),
        ),
    ),
    contexts=(
        "我在乡镇工作八年了。",
        "本人是社区网格员，每天要在六个群里报数据。",
        "作为一名村支书，深有体会。",
        "我在街道党政办，文件会议都归我们管。",
        "我是县直部门的一名普通干部。",
        "家里亲戚在基层当干部，常听他们抱怨。",
        "本人从事纪检工作多年。",
        "我是一名退休教师，关心干部作风建设。",
    ),
    general=_Topic(
        (),
        "这个规定",
        "",
        (
            "减负和容错放在一个规定里，一手减压、一手撑腰，思路很对。",
            "规定条文清楚、可操作，比以往的文件实在。",
            "为基层干部说话的规定，支持。",
        ),
        (
            "减负文件年年发，结果越减越重，希望这次不是又一个文件。",
            "规定只管体制内，群众能得到什么好处没有说清楚。",
            "缺少对违反规定的部门怎么处理的条款，没有罚则就没有牙齿。",
        ),
        (
            "建议增加一条罚则，对违反减负规定的部门予以通报问责。",
            "建议每年向社会公开减负和容错工作情况。",
            "建议在附则中明确施行一年后评估修订。",
        ),
        (
            "规定由谁监督落实？",
            "这个规定和上级的相关规定冲突时以哪个为准？",
        ),
    ),
    campaign=(
        "我是一名基层干部，恳请在第七条中明确写上“严禁要求基层在工作群、政务应用程序中"
        "打卡、晒图、上传截图”，并规定政务应用程序每个部门最多一个。基层每天花大量时间应付"
        "各类平台填报，真正服务群众的时间越来越少。请给基层一点喘息的空间！"
    ),
    campaign_anchor="第七条",
)

_YIWANG = _PlanVoice(
    topics=(
        _Topic(
            ("2.1.2",),
            "办事指南外不得要求材料",
            "第二部分（一）",
            (
                "办事指南没写的材料窗口不能要，这条对老百姓太重要了。",
                "全市统一标准，不会再出现这个区能办那个区不能办。",
            ),
            (
                "办事指南里经常有“其他相关材料”这种兜底，等于没写。",
                "窗口人员理解不一样，统一标准要靠培训。",
            ),
            (
                "建议禁止办事指南中出现“其他材料”“等”字样的兜底表述。",
                "建议办事指南配上填好的样表。",
            ),
            ("窗口要求提供指南外材料，可以当场投诉吗？",),
        ),
        _Topic(
            ("2.2.2",),
            "电子证照",
            "第二部分（二）",
            (
                "出门不用带一堆证件，手机亮证就行，太方便了。",
                "电子证照能减少复印件，环保又省事。",
            ),
            (
                "手机没电或者没信号的时候怎么办？",
                "很多单位和银行还不认电子证照，政府部门认了也没用。",
            ),
            (
                "建议推动银行、医院、学校等公共服务机构同步认可电子证照。",
                "建议电子证照可以授权家人代为出示。",
            ),
            ("外地户籍在本市办事能用电子证照吗？",),
        ),
        _Topic(
            ("2.2.3",),
            "“免证办”",
            "第二部分（二）第三项",
            (
                "部门自己调数据，不用群众跑腿开证明，这才叫数据多跑路。",
                "免证办能省下不少请假跑腿的时间。",
            ),
            (
                "数据调取错了或者数据本身是旧的，群众有什么办法纠正？",
                "免证办要靠数据质量，现在很多部门数据更新很慢。",
            ),
            (
                "建议群众可以在线查看和纠正自己的共享数据。",
                "建议公布免证办事项清单。",
            ),
            ("免证办是不是所有事项都适用？",),
        ),
        _Topic(
            ("2.3.1",),
            "整合政务应用程序",
            "第二部分（三）",
            (
                "手机里装了七八个政务应用程序，每个都要注册，早该整合了。",
                "使用率低的限期关停，这个要点赞，省下的钱也不少。",
            ),
            (
                "整合以后一个应用程序太臃肿，老人更找不到入口。",
                "关停旧的应用程序，之前的办事记录和数据会不会丢？",
            ),
            (
                "建议统一账号，一次实名认证，全市通用。",
                "建议整合时保留原来的办事记录，做好数据迁移。",
            ),
            ("现有的社保、公积金应用程序什么时候整合？",),
        ),
        _Topic(
            ("2.3.2",),
            "线下兜底和帮办代办",
            "第二部分（三）第二项",
            (
                "不强制线上办理，替我家七十多岁的老人谢谢你们。",
                "“办不成事”窗口很有意义，办不成的事总得有人管。",
            ),
            (
                "很多大厅号越来越少，说是线上能办，老人只能让子女请假陪着。",
                "帮办代办人员不足，实际上还是排长队。",
            ),
            (
                "建议大厅保留一定比例的现场取号，不要全部预约。",
                "建议社区工作人员可以上门帮行动不便的老人办理。",
                "建议为老年人保留电话办理渠道。",
            ),
            ("“办不成事”窗口反映的问题多久能解决？",),
        ),
        _Topic(
            ("2.3.3",),
            "“一件事一次办”",
            "第二部分（三）第三项",
            (
                "生孩子要办出生证、户口、医保、社保卡，一次办完太好了。",
                "二手房过户以前跑三个地方，集成办理能省好几天。",
            ),
            (
                "“一件事”里任何一个部门卡住，整件事都办不成，责任怎么划分？",
                "30个“一件事”太少，很多高频事项没有包括。",
            ),
            (
                "建议把“身后一件事”（死亡登记、销户、社保停发等）纳入。",
                "建议把开办民宿、开办培训机构纳入一件事。",
            ),
            ("退休一件事包括养老金领取资格认证吗？",),
        ),
        _Topic(
            ("2.4.1", "2.4.2"),
            "个人信息保护",
            "第二部分（四）",
            (
                "数据共享的同时写了个人信息保护，让人放心不少。",
                "留存调取记录、定期审计，这个设计很好。",
            ),
            (
                "平台收集那么多个人信息，一旦泄露后果严重，光靠“采取措施”不够。",
                "调取记录只留给部门自己看，老百姓不知道谁看过我的数据。",
            ),
            (
                "建议群众可以查询自己的数据被哪些部门调取过。",
                "建议明确数据泄露的赔偿责任。",
            ),
            ("平台运营单位是政府还是企业？",),
        ),
        _Topic(
            ("2.5.1",),
            "便民服务站点",
            "第二部分（五）",
            (
                "在银行网点就能办社保医保，离家近多了。",
                "村里有自助终端，农民不用专门进城办事。",
            ),
            (
                "自助终端经常坏了没人修，形同虚设。",
                "银行网点办政务，个人信息安全谁负责？",
            ),
            (
                "建议明确自助终端的维护责任和故障修复时限。",
                "建议站点配备懂业务的工作人员，而不只是机器。",
            ),
            ("哪些事项可以在便民站点办理？",),
        ),
        _Topic(
            ("2.5.2",),
            "“跨域通办”",
            "第二部分（五）第二项",
            (
                "在外地工作，异地就医备案能线上办太需要了。",
                "养老保险转移以前要两头跑，跨域通办解决大问题。",
            ),
            (
                "跨域通办只是和周边城市合作，在更远地方工作的人还是要跑。",
                "异地受理以后出了问题两边推诿。",
            ),
            (
                "建议明确跨域通办的首问负责单位。",
                "建议逐步扩大到全省范围。",
            ),
            ("跨域通办的城市名单有哪些？",),
        ),
        _Topic(
            ("3.2",),
            "政务服务“好差评”",
            "第三部分",
            (
                "差评15个工作日内整改回访，说明评价不是摆设。",
                "评价结果纳入绩效考核，窗口服务态度会更好。",
            ),
            (
                "有的窗口工作人员要求当面给好评，评价结果不真实。",
                "差评后被反复打电话“回访”，感觉像是被劝撤差评。",
            ),
            (
                "建议评价可以匿名，并且办完事后几天内都能评。",
                "建议公开各部门好差评分布，而不只是满意率。",
            ),
            ("差评整改结果会告诉评价人吗？",),
        ),
    ),
    contexts=(
        "我家老人七十多岁了，不会用智能手机。",
        "上个月刚办完退休手续。",
        "我在外地工作，户口还在老家。",
        "我经常帮父母跑政务大厅。",
        "我是一名新手妈妈，刚给孩子办完出生登记。",
        "本人是程序员，对数据安全比较敏感。",
        "我们小区老人多，我是楼栋长。",
        "做中介的，每周都要去不动产登记中心。",
    ),
    general=_Topic(
        (),
        "这个意见",
        "",
        (
            "让办事像网购一样方便，这个目标群众都期待。",
            "意见既讲线上也讲线下，兼顾了不同人群。",
            "数据多跑路、群众少跑腿，方向完全正确。",
        ),
        (
            "网上可办率100%不代表好办，很多事项网上只能预约，最后还得去现场。",
            "一网通办的系统经常卡顿，高峰期根本登不上。",
            "指标定得太高，基层为了完成指标可能强推线上。",
        ),
        (
            "建议把“全程网办”的定义写清楚，不能只是网上提交材料。",
            "建议定期公布一网通办系统的可用率和故障情况。",
            "建议征求老年人和残疾人代表的专门意见。",
        ),
        (
            "意见里说的“城市通”是哪个应用程序？",
            "这些目标完成情况会向社会公布吗？",
        ),
    ),
    campaign=(
        "我是一名老年人的子女，强烈要求在意见中明确：政务服务大厅必须保留现场取号和人工窗口，"
        "任何事项不得只能线上办理，并为老年人保留电话预约和上门代办服务。数字化不能把老人"
        "挡在门外。请务必采纳！"
    ),
    campaign_anchor="2.3.2",
)

_VOICES = {"fangguanfu": _FANGGUANFU, "jiceng_jianfu": _JICENG, "yiwangtongban": _YIWANG}

# --------------------------------------------------------------------------- shared frames

_SUPPORT_OPEN = (
    "非常支持{subj}。",
    "{subj}这一条我举双手赞成。",
    "看到{subj}，觉得很振奋。",
    "{subj}是实实在在的好事。",
    "点赞{subj}！",
    "早就盼着{subj}了。",
    "{subj}写得好。",
    "对{subj}表示支持。",
    "",
)
_SUPPORT_CLOSE = (
    "希望尽快落地。",
    "希望说到做到，别停留在纸面上。",
    "期待早日实施！",
    "给起草部门点赞。",
    "这样的改革多来点。",
    "",
    "",
)
_OPPOSE_OPEN = (
    "{subj}这条我有不同意见。",
    "不太赞同{subj}的写法。",
    "对{subj}有些担心。",
    "{subj}看起来很好，但执行起来恐怕有问题。",
    "说句实话，",
    "泼点冷水：",
    "",
)
_OPPOSE_CLOSE = (
    "建议再充分调研一下基层实际。",
    "希望慎重考虑。",
    "不要一刀切。",
    "请起草部门认真研究。",
    "这个问题不解决，政策效果要打折扣。",
    "",
)
_SUGGEST_OPEN = (
    "关于{subj}，提几点建议。",
    "对{subj}有个建议：",
    "建议对{subj}再完善一下。",
    "针对{subj}，",
    "看了{subj}的内容，",
    "",
)
_SUGGEST_CLOSE = ("以上建议供参考。", "谢谢！", "望采纳。", "", "")
_QUESTION_FRAMES = (
    "请问{q}",
    "想咨询一下：{q}",
    "{q}希望能解释一下。",
    "不太明白：{q}",
    "{q}",
    "关于{subj}，{q}",
)
_SHORT = {
    "support": (
        "支持{subj}！",
        "{subj}，好！",
        "赞成{subj}。",
        "支持，早该如此。",
        "顶一个！{subj}很必要。",
    ),
    "oppose": ("{subj}不现实。", "反对{subj}的写法。", "{subj}恐怕又是走过场。"),
    "suggest": ("{subj}要有配套细则。", "{subj}建议设过渡期。", "{subj}应公开清单。"),
    "question": ("{subj}什么时候实施？", "{subj}具体怎么操作？", "{subj}谁来监督？"),
}
_PADDING = (
    "希望认真研究群众意见。",
    "期待正式稿早日出台。",
    "请相关部门重视。",
    "盼早日落实到位。",
)
_ORDINALS = (("第一，", "第二，", "第三，", "第四，"), ("一是", "二是", "三是", "四是"))
_REF_FRAMES = ("关于{ref}，", "{ref}提到{subj}，", "我看了{ref}，", "对{ref}的意见：", "{ref}：")

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
_NICK_WORDS = (
    "清风",
    "向阳",
    "老街坊",
    "小城青年",
    "江畔",
    "一棵树",
    "追光",
    "路人甲",
    "晨跑",
    "柠檬",
    "山里人",
    "默默",
)
_PLACES = ("城东", "城西", "高新区", "开发区", "老城区", "新区", "湖滨", "北郊")


def _pseudonym(rng: random.Random, roles: tuple[str, ...]) -> str:
    s = rng.choice(_SURNAMES)
    pattern = rng.randrange(9)
    if pattern == 0:
        return f"{s}先生"
    if pattern == 1:
        return f"{s}女士"
    if pattern == 2:
        return rng.choice(("老", "小")) + s
    if pattern == 3 and roles:
        return rng.choice(roles) + s
    if pattern == 4:
        return f"网友{rng.randrange(1000, 99999)}"
    if pattern == 5:
        return f"{rng.choice(_PLACES)}居民"
    if pattern == 6:
        return rng.choice(_NICK_WORDS) + str(rng.randrange(1, 999))
    if pattern == 7:
        return "匿名"
    return f"热心市民{s}{rng.choice(('先生', '女士'))}"


_ROLES = {
    "fangguanfu": ("个体户", "企业主", "财务", "创业者"),
    "jiceng_jianfu": ("基层干部", "网格员", "村干部", "公务员"),
    "yiwangtongban": ("市民", "上班族", "宝妈", "退休职工"),
}


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _clip(sentences: list[str], limit: int = 300) -> str:
    """Join sentences, dropping trailing ones (never the first) to stay within `limit`."""
    parts = [s for s in sentences if s]
    text = "".join(parts)
    while len(text) > limit and len(parts) > 1:
        parts.pop()
        text = "".join(parts)
    return text[:limit]


def _detailed(rng: random.Random, topic: _Topic, ctx: str) -> list[str]:
    """A long, itemised comment as careful writers send them: story, then numbered points."""
    points = [*rng.sample(topic.cons, k=min(2, len(topic.cons))), *topic.tips]
    points = points[: rng.choice((3, 4))]
    marks = rng.choice(_ORDINALS)
    praise = rng.choice(topic.pros)
    lead = rng.choice(
        (
            f"总体上我是赞成的，{praise}但也有几点意见：",
            "具体意见如下：",
            "我有几点看法。",
            f"结合自身经历谈几点意见。先说好的方面，{praise}再说问题。",
        )
    )
    closing = rng.choice(_SUGGEST_CLOSE + _OPPOSE_CLOSE)
    return [ctx, lead, *(m + p for m, p in zip(marks, points, strict=False)), closing]


def _compose(rng: random.Random, stance: str, topic: _Topic, voice: _PlanVoice, prefix: str) -> str:
    subj = topic.subj
    # After "关于第七条，" an opener naming the subject again reads badly.
    opener = (
        (lambda frames: "") if prefix else (lambda frames: rng.choice(frames).format(subj=subj))
    )
    ctx = rng.choice(voice.contexts) if rng.random() < 0.35 else ""
    if rng.random() < 0.14:
        text = prefix + rng.choice(_SHORT[stance]).format(subj=subj)
        # Very short remarks still carry a second thought in practice ("……，希望落实").
        return text if len(text) >= 15 else text + rng.choice(_PADDING)
    if stance in ("oppose", "suggest") and rng.random() < 0.15:
        return _clip([prefix, *_detailed(rng, topic, ctx)])
    if stance == "support":
        reasons = rng.sample(topic.pros, k=min(len(topic.pros), rng.choice((1, 1, 2))))
        body = [opener(_SUPPORT_OPEN), ctx, *reasons]
        body.append(rng.choice(_SUPPORT_CLOSE))
    elif stance == "oppose":
        reasons = rng.sample(topic.cons, k=min(len(topic.cons), rng.choice((1, 1, 2))))
        body = [opener(_OPPOSE_OPEN), ctx, *reasons]
        if rng.random() < 0.4:
            body.append(rng.choice(topic.tips))
        body.append(rng.choice(_OPPOSE_CLOSE))
    elif stance == "suggest":
        tips = rng.sample(topic.tips, k=min(len(topic.tips), rng.choice((1, 1, 2))))
        body = [opener(_SUGGEST_OPEN), ctx]
        if rng.random() < 0.3:
            body.append(rng.choice(topic.cons))
        body += [*tips, rng.choice(_SUGGEST_CLOSE)]
    else:
        q = rng.choice(topic.asks)
        body = [ctx, rng.choice(_QUESTION_FRAMES).format(q=q, subj=subj)]
        if rng.random() < 0.25:
            body.append(rng.choice(topic.cons))
    return _clip([prefix, *body])


_EDITS = (
    ("强烈", "郑重"),
    ("恳请", "请"),
    ("请务必采纳！", "请采纳。"),
    ("！", "。"),
    ("我是", "本人是"),
    ("我们是", "我们作为"),
    ("真正", ""),
)
_SIGNOFFS = ("", "", "一名市民", "谢谢！", "——一位关心此事的群众", "支持的请转发。")


def _campaign_copy(rng: random.Random, letter: str) -> str:
    text = letter
    for old, new in rng.sample(_EDITS, k=rng.randrange(0, 3)):
        text = text.replace(old, new, 1)
    if rng.random() < 0.3:
        # People trim the last sentence when pasting.
        sentences = re.findall(r"[^。！]+[。！]", text)
        if len(sentences) > 2:
            text = "".join(sentences[:-1])
    return rng.choice(("", "", "各位领导：", "您好！")) + text + rng.choice(_SIGNOFFS)


def _ordinary_comment(
    rng: random.Random,
    voice: _PlanVoice,
    roles: tuple[str, ...],
    clause_numbers: list[str],
    anchored: list[str],
    topics_by_id: dict[str, list[_Topic]],
) -> DemoComment:
    """One comment that is not part of the campaign: a clause's topic, a whole-plan comment
    naming its clause, or a general remark."""
    stance = rng.choices(STANCES, weights=(35, 25, 28, 12))[0]
    prefix = ""
    if anchored and rng.random() >= WHOLE_PLAN_SHARE:
        clause_number: str | None = rng.choice(anchored)
        topic = rng.choice(topics_by_id[clause_number])
    elif clause_numbers and rng.random() < 0.3:
        # A whole-plan comment that names the clause it is really about.
        clause_number = None
        topic = rng.choice(voice.topics)
        prefix = rng.choice(_REF_FRAMES).format(ref=topic.ref, subj=topic.subj)
    elif clause_numbers and not anchored:
        clause_number = rng.choice(clause_numbers)
        topic = voice.general
    else:
        clause_number = None
        topic = voice.general
    text = _compose(rng, stance, topic, voice, prefix)
    if len(text) < 15:
        text += rng.choice(_PADDING)
    if rng.random() < TRADITIONAL_SHARE:
        text = _s2t().convert(text)
    # Comments cluster after publication and before the deadline.
    days_ago = min(29, int(rng.triangular(0, 30, rng.choice((2, 27)))))
    return DemoComment(clause_number, text, _pseudonym(rng, roles), stance, days_ago)


def generate_comments(
    plan_key: str, clause_numbers: list[str], n: int, seed: int
) -> list[DemoComment]:
    """`n` varied comments on a demo plan, deterministic for (`plan_key`, `seed`).

    `clause_numbers` are the identifiers the caller uses for the plan's clauses:
    display numbers ("第七条") where they are unique, otherwise keys from
    `split_clauses` ("2.3.2"); each comment's `clause_number` is one of them or
    None for a whole-plan comment. About 10 % of `n` (at most 30) are one
    campaign's lightly edited copies.
    """
    voice = _VOICES[plan_key]
    rng = random.Random(f"{plan_key}:{seed}")  # nosec B311  # reproducible demo text, not security
    topics_by_id = _topics_for(plan_key, clause_numbers)
    anchored = [cid for cid in clause_numbers if topics_by_id.get(cid)]
    roles = _ROLES[plan_key]
    n_campaign = min(MAX_CAMPAIGN, max(0, n // 10))
    out: list[DemoComment] = []

    anchor_keys = _resolve(plan_key, voice.campaign_anchor)
    campaign_target = next(
        (cid for cid in clause_numbers if _resolve(plan_key, cid) & anchor_keys), None
    )
    for _ in range(n_campaign):
        out.append(
            DemoComment(
                clause_number=campaign_target,
                text=_campaign_copy(rng, voice.campaign),
                pseudonym=_pseudonym(rng, roles),
                stance="suggest",
                days_ago=rng.randrange(3, 6),
                campaign=True,
            )
        )

    for _ in range(n - n_campaign):
        out.append(_ordinary_comment(rng, voice, roles, clause_numbers, anchored, topics_by_id))
    rng.shuffle(out)
    return out


@lru_cache(maxsize=8)
def _split(plan_key: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (c.key, c.number, c.label) for c in flatten(split_clauses(load_plan(plan_key).body))
    )


def _resolve(plan_key: str, identifier: str) -> set[str]:
    """Keys of the plan's clauses that `identifier` (key, number or label) designates."""
    return {key for key, number, label in _split(plan_key) if identifier in (key, number, label)}


def _topics_for(plan_key: str, clause_numbers: list[str]) -> dict[str, list[_Topic]]:
    voice = _VOICES[plan_key]
    by_number = {number: key for key, number, _ in _split(plan_key)}
    out: dict[str, list[_Topic]] = {}
    for cid in clause_numbers:
        keys = _resolve(plan_key, cid)
        topics = []
        for t in voice.topics:
            anchor_keys = {by_number.get(a, a) for a in t.anchors}
            if keys & anchor_keys:
                topics.append(t)
        out[cid] = topics
    return out

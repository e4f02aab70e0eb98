"""Statement kind and category from the construction: a table of real sentences.

Each case quotes a sentence from a seed (``data/raw``) or a corpus document
(``../shared/corpus``) and gives the kind (and category) read off the text;
the blind gold of that document agrees (``tests/gold/``). The headline
categories are also checked quantity by quantity in ``test_accuracy.py``;
these cases cover the constructions that decide the kind in any category.
"""

from __future__ import annotations

import pytest

from policystats.extract.classify import classify_quantity
from policystats.extract.quantities import search_quantities

from .conftest import raw_text, source_text

# (document, sentence quoted from it, quantity text, expected statement kind, expected category or None)
CASES = [
    # an age names who qualifies
    (
        "003_guangzhou_2019",
        "本办法所指就业见习人员是指离校未就业（毕业2年内）高校毕业生和16-24岁失业青年",
        "16-24岁",
        "threshold",
        None,
    ),
    ("013_fuzhou_2015", "更好地鼓励和支持18周岁至45周岁的台湾青年来榕创业就业", "18周岁至45周岁", "threshold", None),
    # a lower bound on a duration is a condition, even after a granting verb
    ("018_dalian_2015", "申请生产资助单位必须工商注册2年以上", "2年以上", "threshold", None),
    # a cap after a grant in its sentence is the award's
    (
        "004_guangzhou_2025",
        "给予一次性扶持100万元，同一企业每年不高于500万元",
        "不高于500万元",
        "rule",
        "award_level",
    ),
    # a rate on a base, followed by the award it pays, is granted
    ("002_guangdong_2023", "按余额增量的2%提供激励资金", "2%", "rule", "award_level"),
    # a count of the entities themselves is a goal, not a bound on them
    ("jieyang-2019-nuanqi", "确保2019年新增100家以上的小微企业", "100家以上", "target", None),
    # an amount followed by 支持 is the award (给予5万元支持): a condition before it is the award's
    (
        "102_tianhe_2025",
        "对住宿业企业“首达标”次年营业额同比增长50%以上的，给予5万元支持",
        "50%以上",
        "threshold",
        "award_level",
    ),
    # terms of a loan scheme: a share of the loan, a multiple of a reference rate, a cap on an extension
    ("101_huadu_2024", "企业助保金按助保贷业务贷款金额1%的比例缴纳", "1%", "rule", "financing_target"),
    (
        "101_huadu_2024",
        "贷款利率最高不超过中国人民银行公布的同期同档次贷款市场报价利率（LPR）的1.15倍",
        "1.15倍",
        "rule",
        "financing_target",
    ),
    (
        "101_huadu_2024",
        "所有贷款原则上不以任何形式展期，如遇特殊情况，由合作银行提出，经联席会议批准同意后方可延期，最长不超过一年",
        "最长不超过一年",
        "rule",
        "financing_target",
    ),
    # a cap in a sentence about the loan amount is a term of the loan, not a volume of lending
    (
        "101_huadu_2024",
        "（二）抵（质）押贷款额度不超过企业提供抵（质）押物最新评估价值的2.5倍，上限为3000万元",
        "上限为3000万元",
        "rule",
        "financing_target",
    ),
    # funds allocated to support something (安排…经费支持, 经费予以支持) are the award
    (
        "108_tianhe_2023",
        "每年安排最高100万元经费支持天河区港澳青年创新创业服务中心（天河区港澳青年之家）建设",
        "最高100万元",
        "rule",
        "award_level",
    ),
    (
        "108_tianhe_2023",
        "在香港设立天河区港澳青年之家离岸孵化服务中心，每年安排最高100万元经费予以支持",
        "最高100万元",
        "rule",
        "award_level",
    ),
    # 在职期间 is no plan period (no target); a capped number of people a firm may claim for is an award count
    (
        "108_tianhe_2023",
        "在职期间可领取每人每年3000元交通补贴，补贴期限最长为2年，单个企业最多申报5人",
        "3000元",
        "rule",
        "award_level",
    ),
    (
        "108_tianhe_2023",
        "在职期间可领取每人每年3000元交通补贴，补贴期限最长为2年，单个企业最多申报5人",
        "5人",
        "rule",
        "award_level",
    ),
    # 在/于…内: a deadline for doing something, not a condition, even before a paying or granting verb
    (
        "105_nansha_2025",
        "再次考核仍未通过的，应当在延期考核结果公示后1个月内迁离先导示范区，或自行支付逾期未迁离期间使用的办公场地租金及物业费",
        "1个月内",
        "rule",
        None,
    ),
    # an age bounds who is covered: a talent and employment threshold
    (
        "108_tianhe_2023",
        "本办法所称港澳青年，是指45周岁以下，具有中国国籍的香港、澳门特别行政区居民",
        "45周岁以下",
        "threshold",
        "talent_employment",
    ),
    # a task of a work plan with its deadline in brackets after it is a target
    (
        "107_baotou_2022",
        '逐步扩充热线团队，保障“7×24小时"全天候服务模式。（6月底完成，牵头考核单位：市政府办公室、市公安局）',
        "24小时",
        "target",
        None,
    ),
    # a date that starts something (自…起施行) is no horizon: the validity period is a rule
    ("108_tianhe_2023", "本办法自2023年9月8日起施行，有效期3年", "3年", "rule", "other"),
    # the size of a fund its clause sets up is the fund (a rule), not a condition, even before 补助和奖励
    (
        "110_liuhe_2023",
        "设立总规模不低于1亿元的重点产业发展引导 资金，列入县财政预算，"
        "按照《柳河县中小企业发展引导资金管理办法(试行)》相关规定，用于重点产业发展补助和奖励",
        "不低于1亿元",
        "rule",
        "award_level",
    ),
    # 参照其…的X% is the base of a granted rate, like 按…的X%: the last item of the list too
    (
        "110_liuhe_2023",
        "对新引进的总部经济项目，自认定当年起，参 照其年度地方财政贡献给予企业连续5年奖励，即：年度地 方财政贡献"
        "1000万元及以上至2000万元、2000万元以上至 5000万元、5000万元以上的，"
        "分别参照其地方财政贡献的70%、80%和90%给予企业奖励",
        "90%",
        "rule",
        "award_level",
    ),
    # a province's trade plan: a share of foreign trade, tariff lines of a tariff cut, a clearance time limit
    (
        "111_anhui_2022",
        "到2024年，全省与其他RCEP国家货物贸易、对外投资和实际利用外资分别占比达30%、20%和10%",
        "达30%",
        "target",
        "enterprise_growth",
    ),
    ("111_anhui_2022", "针对首年关税为零的2034种、5年内关税减让显著的2725种", "2725种", "rule", "tax_fee_relief"),
    ("111_anhui_2022", "空运货物、空运物品，实行6小时内放行便利措施", "6小时内", "rule", "administrative_efficiency"),
    # an age bounds people wherever it stands, a loan's borrowers too; a cap on a loan's rate is a term of the loan
    (
        "112_guangzhou_2025",
        "提交贷款申请时女性不超过55周岁、男性不超过60周岁",
        "不超过55周岁",
        "threshold",
        "talent_employment",
    ),
    ("112_guangzhou_2025", "创业担保贷款利率上限不超过LPR+50BP", "50BP", "rule", "financing_target"),
    # a capped count of a benefit enjoyed (享受) is the number of awards
    ("113_guangzhou_2025", "符合条件人员和创办主体只能享受一次创业资助", "一次", "rule", "award_level"),
    # 时间 after a duration is a noun, not the condition suffix …时
    ("115_beijing_2022", "利用2-3年时间，建立健全数据专区配套管理制度和标准规范", "2-3年", "rule", "other"),
    # 在 inside 在校 frames no deadline, nor 于 that frames a year first: the windows are the award's conditions
    (
        "116_guangdong_2026",
        "在校大学生及毕业5年内高校毕业生在广东省创办登记注册3年内的小微企业、个体工商户、社会组织、律师事务所、"
        "会计师事务所和农民专业合作社，按其吸纳就业人数（签订1年以上期限劳动合同、申请补贴前连续6个月缴纳社会保险费"
        "且申请补贴时仍在本企业就业，法定代表人或个体户经营者除外）给予创业带动就业补贴。",
        "5年内",
        "threshold",
        "award_level",
    ),
    (
        "116_guangdong_2026",
        "企业和社会组织于2026年招用毕业年度、离校2年内未就业高校毕业生，为其足额缴纳失业、工伤、职工养老保险费满3个月，"
        "且申领补助期间处于正常参保缴费状态的，按每招用1人不超过1500元的标准给予补助",
        "2年内",
        "threshold",
        "award_level",
    ),
    # a ceiling on a loan's term is the term, though a grant follows in the sentence
    (
        "116_guangdong_2026",
        "创业担保贷款利率不超过LPR+50BP，贷款期限内，财政部门对符合条件的贷款按实际利率的50%给予财政贴息",
        "50BP",
        "rule",
        "financing_target",
    ),
    # a bound, 的, then the grant: the bound is the grant's condition
    ("116_guangdong_2026", "招用3人以下的按每人2000元给予补贴", "3人以下", "threshold", "award_level"),
    # 对…的， closed before the quantity's clause names no beneficiary of it
    (
        "116_guangdong_2026",
        "对符合个人创业担保贷款条件的借款人合伙经营或创办企业的，可根据合伙创业人数适当提高贷款额度，"
        "最高不超过符合条件的个人创业担保贷款额度上限（30万元）之和的110%",
        "30万元",
        "rule",
        "financing_target",
    ),
    # a clause ending in 的 is a condition, granting verb and all, when the next clause says what it lets one claim
    (
        "116_guangdong_2026",
        "且每月按不低于当地最低工资80%的标准对见习人员支付工作补贴的，可按规定享受就业见习补贴",
        "80%",
        "threshold",
        "award_level",
    ),
    # a count of other entities before 的 and an entity bounds an attribute of that entity
    (
        "117_jiangxi_2020",
        "针对债务规模较大且涉及三家以上债权银行业金融机构的困难企业",
        "三家以上",
        "threshold",
        None,
    ),
    # 奖励 before 名单 names the list of those awarded; it grants nothing
    (
        "119_fuzhou_2016",
        "列入全省2015年第四季度增产增效资金奖励名单且第四季度用电量同比增长5%及以上的规模以上制造业企业",
        "5%及以上",
        "threshold",
        "award_level",
    ),
    # a count summing up the entities named before it states who they are (a rule), not a goal
    (
        "117_jiangxi_2020",
        "国家开发银行等9家全国性承贷银行驻赣分支机构重点向全国性名单内的企业发放贷款",
        "9家",
        "rule",
        None,
    ),
    ("112_guangzhou_2025", "以及上述9家经办银行的相关网站和微信公众号上查询", "9家", "rule", None),
    (
        "112_guangzhou_2025",
        "中国邮政储蓄银行广州市分行、交通银行广东省分行、广州银行、广州农商银行、广发银行广州分行9家银行成为合作机构",
        "9家",
        "rule",
        None,
    ),
    # …but a list of what is counted is no list of names, and a count in a list of counts is a target
    (
        "002_guangdong_2023",
        "每年免费培训中小企业和服务机构中高层管理人员、技术骨干5000人次以上",
        "5000人次以上",
        "target",
        None,
    ),
    (
        "jieyang-2012-guangdong-forward",
        "认定20个牵手工程示范项目、10家优秀中介服务机构、10家优秀服务商、100家应用标杆企业",
        "100家",
        "target",
        None,
    ),
    # the time within which an award must be claimed (…之日起N年内…提出申请) is the award's rule
    (
        "116_guangdong_2026",
        "符合条件人员应于相关创业主体登记注册之日起3年内，向登记注册地人力资源社会保障部门提出补贴申请",
        "3年内",
        "rule",
        "award_level",
    ),
    (
        "118_sanming_2019",
        "符合项目奖励条件的引荐人应在项目公司商事登记取得营业执照之日起4年内，向项目落户县（市、区）商务主管部门或开发区管委会提出申报奖励",
        "4年内",
        "rule",
        "award_level",
    ),
    # a bound on a share of the beneficiary's own figures says who qualifies, not what is granted
    (
        "015_fuzhou_2020",
        "企业类型为传统商贸零售企业（2019年网络零售额占企业总零售额比例低于50%）",
        "低于50%",
        "threshold",
        None,
    ),
    # a granted ratio matching a higher level's award is the award's rule
    ("128_pudong_2025", "节能技术改造的项目，给予不超过1:1的一次性区级资金匹配", "不超过1:1", "rule", "award_level"),
    # the copies of an application are paperwork, whatever the measure they are for
    ("124_putian_2019", "一式4份", "4份", "rule", "other"),
    # the point at which an award stops is a limit of the award, whatever its unit, not a condition
    (
        "130_shanghai_2022",
        "当项目发电量利用小时达到6050小时或者奖励期满5年，奖励结束",
        "达到6050小时",
        "rule",
        "award_level",
    ),
    ("130_shanghai_2022", "当项目发电量利用小时达到6050小时或者奖励期满5年，奖励结束", "满5年", "rule", "award_level"),
    # a cap on the hours an award counts is the award's
    ("125_lingang_2023", "单个项目可享受奖励电量折合发电小时数上限按6050小时计算", "6050小时", "rule", "award_level"),
    # the time to claim an award counted from an event of the beneficiary's own (并网投产后), not only 之日起
    (
        "130_shanghai_2022",
        "光伏项目投资主体应在项目并网投产后一年以内，向项目所在地区发展改革委提交奖励项目申报申请",
        "一年以内",
        "rule",
        "award_level",
    ),
    # a period within which the applicant must have no such record says who qualifies
    (
        "130_shanghai_2022",
        "在本市公共信用信息服务平台未记载3年内能源、环保领域严重失信信息",
        "3年内",
        "threshold",
        None,
    ),
    # 奖励 before 资金 names the fund (奖励资金), it grants nothing: the growth bound stays a condition
    (
        "119_fuzhou_2016",
        "对符合全省2015年第四季度增产增效奖励资金申报条件且第四季度用电量同比增长5%及以上的规模以上制造业企业",
        "5%及以上",
        "threshold",
        None,
    ),
    # a total capped (累计不超过) is a standing rule: 累计 right before an upper bound is no target cue
    ("133_changning_2021", "符合条件的可续租，总年限累计不超过六年", "不超过六年", "rule", None),
    # a period counted back from the claim is its condition; a period that describes a document is not
    (
        "116_guangdong_2026",
        "签订1年以上期限劳动合同、申请补贴前连续6个月缴纳社会保险费且申请补贴时仍在本企业就业",
        "6个月",
        "threshold",
        None,
    ),
    ("010_xiamen_2020", "园区运营企业向入驻企业出具的发票(申报前三个月的发票)", "三个月", "rule", None),
    # a bound after 门槛 earlier in its sentence is a threshold that the sentence defines
    (
        "102_tianhe_2025",
        "本措施涉及行业“首达标”对应门槛如下：住宿和餐饮业年度营业额200万元以上",
        "200万元以上",
        "threshold",
        None,
    ),
    # a party's share of a guaranteed loan's risk, a share of guarantees and a re-guarantee fee are financing
    ("134_jiangxi_2020", "原则上银行业金融机构承担的风险责任比例不低于20%", "不低于20%", "rule", "financing_target"),
    ("134_jiangxi_2020", "其中单户担保金额500万元及以下的占比提高到50%以上", "50%以上", "target", "financing_target"),
    (
        "134_jiangxi_2020",
        "单户担保金额500万元以上的，省、市再担保业务收费原则上不高于承担风险责任的0.5%",
        "0.5%",
        "rule",
        "financing_target",
    ),
    # a target cue inside an earlier clause that ends in 的 (新建、改建的，) states a condition, not a goal
    ("133_changning_2021", "其中按宿舍标准新建、改建的，人均使用面积不低于4平方米", "不低于4平方米", "rule", None),
    # a condition on the jobs a borrower creates stays employment's, though the sentence is about a loan
    (
        "112_guangzhou_2025",
        "带动就业5人及以上就业的，贷款额度最高50万元",
        "5人及以上",
        "threshold",
        "talent_employment",
    ),
    # a limit forbidden (不得超过) is a standing rule, though 累计 before it is a target cue
    (
        "116_guangdong_2026",
        "可继续提供创业担保贷款及贴息，累计次数不得超过3次",
        "不得超过3次",
        "rule",
        None,
    ),
]


def _document_text(doc: str) -> str:
    return raw_text(doc) if "_" not in doc else source_text(doc)


@pytest.mark.parametrize(("doc", "sentence", "quantity", "kind", "category"), CASES, ids=[c[2] for c in CASES])
def test_statement_kind_of_a_quoted_sentence(doc, sentence, quantity, kind, category):
    assert sentence in _document_text(doc), "quote the document exactly"
    (q,) = [q for t, q in search_quantities(sentence) if t == quantity]
    c = classify_quantity(q, sentence)
    assert c.statement_kind == kind, c.kind_reason
    if category is not None:
        assert c.category == category, c.category_reason


# Constructions written for the rule, beside the quoted ones: an attribute bound versus an own count.
CONSTRUCTIONS = [
    ("年末从业人员50人以上的企业可申请奖励", "50人以上", "threshold"),
    ("到2025年，培育100家以上的专精特新企业", "100家以上", "target"),
    ("对年龄在60岁以上的老人给予补贴", "60岁以上", "threshold"),
    ("“十四五”期间，每年培育10家以上专精特新企业", "10家以上", "target"),
    ("对承租国有房屋的企业减半收取6个月房租。（责任单位：市财政局）", "6个月", "rule"),
    ("建设10个数字化车间。（0.5分）（6月底完成）", "0.5分", "rule"),
    ("市高指中心于5个工作日内提交复核，复核后将资金拨付到见习单位", "5个工作日内", "rule"),
    ("力争到2025年设立规模达到100亿元的产业基金", "达到100亿元", "target"),
]


@pytest.mark.parametrize(("sentence", "quantity", "kind"), CONSTRUCTIONS, ids=[c[1] for c in CONSTRUCTIONS])
def test_statement_kind_of_a_construction(sentence, quantity, kind):
    (q,) = [q for t, q in search_quantities(sentence) if t == quantity]
    assert classify_quantity(q, sentence).statement_kind == kind


# A figure with no cue of its own takes the role of its heading: (document, sentence, quantity, role, kind).
UNDER_HEADINGS = [
    ("115_beijing_2022", "利用2-3年时间，建立健全数据专区配套管理制度和标准规范", "2-3年", "goal", "target"),
    ("115_beijing_2022", "利用2-3年时间，建立健全数据专区配套管理制度和标准规范", "2-3年", "measure", "rule"),
]


@pytest.mark.parametrize(
    ("doc", "sentence", "quantity", "role", "kind"), UNDER_HEADINGS, ids=[c[3] for c in UNDER_HEADINGS]
)
def test_figure_takes_the_role_of_its_heading(doc, sentence, quantity, role, kind):
    assert sentence in _document_text(doc), "quote the document exactly"
    (q,) = [q for t, q in search_quantities(sentence) if t == quantity]
    c = classify_quantity(q, sentence, item_role=role)
    assert c.statement_kind == kind, c.kind_reason


# A condition under a heading of conditions takes the award of a heading of grants beside it:
# (document, item, its heading, the headings beside it, quantity, category).
BESIDE_GRANTS = [
    (
        "119_fuzhou_2016",
        "2015年年产值10亿元以上且第四季度产值同比增长10%及以上的制造业企业。",
        "帮助企业降低资金使用成本政策申报有关事项 / 申报对象",
        "奖励标准 / 申报材料",
        "10亿元以上",
        "award_level",
    ),
    (
        "121_zhangzhou_2019",
        "每场产融合作对接活动参与现场对接活动的企业不少于20家",
        "专项类别及具体要求 / 产融对接活动项目 / 申报条件",
        "补助对象及补助标准 / 申报材料",
        "不少于20家",
        "award_level",
    ),
    # a heading beside that ends in the award's name (…示范基地补贴) says whose conditions these are
    (
        "003_guangzhou_2019",
        "见习基地连续两年每年接收就业见习人员超过50人（含50人），就业见习人员见习期满留用率达到60%以上（含60%）的单位。",
        "附则 / 申请程序 / 就业见习示范基地 / 申请对象",
        "经办机构 / 申请资料 / 就业见习基地 / 申请流程 / 就业见习示范基地补贴",
        "超过50人（含50人）",
        "award_level",
    ),
]


@pytest.mark.parametrize(
    ("doc", "item", "headings", "beside", "quantity", "category"), BESIDE_GRANTS, ids=[c[4] for c in BESIDE_GRANTS]
)
def test_condition_takes_the_award_of_the_grants_beside_it(doc, item, headings, beside, quantity, category):
    assert item in _document_text(doc), "quote the document exactly"
    (q,) = [q for t, q in search_quantities(item) if t == quantity]
    alone = classify_quantity(q, item, headings=headings)
    assert alone.statement_kind == "threshold" and alone.category != category, "the test must need the headings beside"
    c = classify_quantity(q, item, headings=headings, sibling_headings=beside)
    assert (c.statement_kind, c.category) == ("threshold", category), c.category_reason


# A list item read with its lead-in and headings: (document, item, lead-in, headings, quantity, kind, category).
LIST_ITEMS = [
    # 申请补贴 names the subsidy applied for: the duration after it is a condition under 补贴条件
    (
        "113_guangzhou_2025",
        "初创企业登记注册满6个月，申请补贴当月前连续3个月有在职员工",
        "",
        "补贴条件：",
        "3个月",
        "threshold",
        "award_level",
    ),
    # a sentence that opens with a label of grants sets the grant, whatever heading it stands under
    ("113_guangzhou_2025", "补贴标准：10000元。", "", "补贴条件：", "10000元", "rule", "award_level"),
    ("113_guangzhou_2025", "补贴期限：累计不超过3年。", "", "补贴条件：", "不超过3年", "rule", "award_level"),
    # the lead-in grants the award (给予5万元支持): its items are the award's conditions
    (
        "102_tianhe_2025",
        "当年度月度“首达标”，或年度“首达标”且达标当年度营业收入达到3000万元以上的软件业企业",
        "对符合以下条件的企业，给予5万元支持：",
        "",
        "达到3000万元以上",
        "threshold",
        "award_level",
    ),
    # under a lead-in of cases (以下情形, 下列情形) about a loan, an item is a condition on who may borrow
    (
        "132_shanghai_2023",
        "最近5年存在连续6期(含)或累计超过12期(含)的逾期记录",
        "借款申请人、共同借款申请人有下列情形之一的，不予贷款：",
        "",
        "5年",
        "threshold",
        "financing_target",
    ),
    (
        "132_shanghai_2023",
        "借款人连续失业两年以上",
        "发生以下情形之一的，借款人可以申请贷款期限延长",
        "",
        "两年以上",
        "threshold",
        "financing_target",
    ),
    # the list's own lead-in (奖励标准) says grants, in a chapter headed with both 申报条件 and 奖励标准
    (
        "103_huadu_2025",
        "使用平台付费按照第一年免费，第二年折扣优惠50%，第三年折扣优惠30%执行",
        "奖励标准：",
        "申报条件与奖励标准",
        "50%",
        "rule",
        "award_level",
    ),
    # 符合条件的…企业给予…奖励，具体如下: the lead-in names who benefits; its items are the grants
    (
        "108_tianhe_2023",
        "对其入驻天河区行政区域内港澳青年创新创业孵化载体期间实际发生的场地租金总额的50%予以租金补贴",
        "对天河区行政区域内符合条件的港澳青年企业给予支持和发展奖励，具体如下：",
        "",
        "50%",
        "rule",
        "award_level",
    ),
    (
        "108_tianhe_2023",
        "给予一次性10万元的落户奖金支持，每年获支持企业数量最多不超过10个",
        "对天河区行政区域内符合条件的港澳青年企业给予支持和发展奖励，具体如下：",
        "",
        "最多不超过10个",
        "rule",
        "award_level",
    ),
]


@pytest.mark.parametrize(
    ("doc", "item", "lead_in", "headings", "quantity", "kind", "category"), LIST_ITEMS, ids=[c[4] for c in LIST_ITEMS]
)
def test_list_item_takes_its_lead_in(doc, item, lead_in, headings, quantity, kind, category):
    text = _document_text(doc)
    assert item in text and lead_in in text and headings in text, "quote the document exactly"
    (q,) = [q for t, q in search_quantities(item) if t == quantity]
    c = classify_quantity(q, item, lead_in=lead_in, headings=headings or None)
    assert (c.statement_kind, c.category) == (kind, category), (c.kind_reason, c.category_reason)

"""What the people in the demo history write: case descriptions, results, reasons.

Demo content, in the language of the demo sub-district (like the names in grids.demo); the
interface around it is translated as usual.
"""

from __future__ import annotations

# A few ways a grid worker describes a case of each subcategory. `{place}` is filled in with a
# landmark near the point.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "illegal-construction": (
        "{place}有住户在楼顶加盖彩钢板房，正在施工。",
        "{place}一楼住户私自扩建院墙，占用公共绿地约20平方米。",
        "{place}沿街商户搭建违章雨棚，已初具规模。",
    ),
    "exposed-rubbish": (
        "{place}路边堆放生活垃圾约两立方米，有异味。",
        "{place}绿化带内有建筑垃圾和装修垃圾堆积。",
        "{place}垃圾桶周边散落垃圾，无人清理。",
    ),
    "street-vending": (
        "{place}有流动摊贩占用人行道经营水果。",
        "{place}早市摊位超出划定区域，占用机动车道。",
        "{place}烧烤摊占道经营，桌椅摆到路中间。",
    ),
    "flyposting": (
        "{place}墙面张贴小广告十余张。",
        "{place}电线杆上喷涂办证电话。",
        "{place}公交站牌被乱贴乱画。",
    ),
    "manhole-cover": (
        "{place}人行道雨水井盖缺失，已临时用锥桶围挡。",
        "{place}污水井盖破损下陷，有行人绊倒风险。",
    ),
    "dirty-road": (
        "{place}路面有大片油污，未清扫。",
        "{place}渣土车遗撒，路面泥土较多。",
    ),
    "damaged-greenery": (
        "{place}绿化带被车辆碾压，草坪损毁。",
        "{place}行道树被折断两棵。",
    ),
    "streetlight-out": (
        "{place}连续三盏路灯不亮，夜间行人不便。",
        "{place}小区主干道路灯损坏。",
    ),
    "sewage-overflow": (
        "{place}污水井冒溢，污水流到路面。",
        "{place}化粪池满溢，居民反映气味大。",
    ),
    "open-burning": (
        "{place}空地有人焚烧秸秆和垃圾，烟雾较大。",
        "{place}有人焚烧废旧电线。",
    ),
    "gas-smell": (
        "{place}楼道内燃气异味明显，已疏散住户。",
        "{place}餐馆后厨燃气管道接口处有泄漏声。",
        "{place}居民反映家中燃气表附近有异味。",
    ),
    "blocked-fire-exit": (
        "{place}消防通道被私家车长期占用。",
        "{place}楼道堆放杂物，堵塞安全出口。",
        "{place}商铺后门消防通道被货物堵塞。",
    ),
    "ebike-charging": (
        "{place}有住户从楼上飞线给电动车充电。",
        "{place}楼道内停放电动车并充电。",
        "{place}电动车推入电梯上楼充电。",
    ),
    "hazardous-chemicals": (
        "{place}小作坊存放油漆稀料十余桶，无防护措施。",
        "{place}仓库内违规存放液化气钢瓶。",
    ),
    "construction-hazard": (
        "{place}工地临边防护缺失，脚手架无安全网。",
        "{place}工地基坑边堆土过高，未设警戒。",
        "{place}工地临时用电乱拉乱接。",
    ),
    "fire-equipment": (
        "{place}消火栓箱内水带缺失。",
        "{place}灭火器过期未更换。",
    ),
    "small-premises-fire": (
        "{place}小餐馆后厨油烟管道油污严重，未配灭火器。",
        "{place}小超市人员住宿与经营场所未分隔。",
    ),
    "dangerous-house": (
        "{place}老旧平房外墙开裂，有倒塌风险。",
        "{place}楼房阳台护栏松动。",
    ),
    "food-safety": (
        "{place}无证小作坊加工熟食。",
        "{place}早餐摊点卫生条件差，无健康证。",
    ),
    "fight": (
        "{place}有人因停车问题发生肢体冲突。",
        "{place}烧烤摊两桌客人打架。",
    ),
    "suspicious-person": (
        "{place}有陌生人多次在小区内查看车辆。",
        "{place}有人挨家挨户推销，形迹可疑。",
    ),
    "public-order-hazard": (
        "{place}小区围墙破损，外人可随意进出。",
        "{place}背街小巷无照明，夜间有安全隐患。",
    ),
    "noise-nuisance": (
        "{place}工地夜间施工，噪音扰民。",
        "{place}广场舞音响音量过大。",
        "{place}商铺门口高音喇叭促销。",
    ),
    "gambling": (
        "{place}棋牌室疑似聚众赌博。",
    ),
    "rental-housing": (
        "{place}出租房屋住有多名未登记人员。",
        "{place}群租房隔断过多，消防隐患大。",
    ),
    "group-petition": (
        "{place}部分业主聚集，商议集体上访。",
        "{place}拆迁户在微信群中组织到区里反映问题。",
    ),
    "wage-arrears": (
        "{place}工地十余名工人反映被拖欠工资三个月。",
        "{place}饭店员工反映老板拖欠工资后失联。",
    ),
    "watched-person": (
        "{place}重点关注人员近期情绪激动，多次外出。",
    ),
    "relocation-grievance": (
        "{place}居民对安置房面积认定有异议。",
        "{place}村民对征地补偿分配不满。",
    ),
    "neighbour-dispute": (
        "{place}楼上楼下因漏水发生纠纷。",
        "{place}邻居因楼道堆放杂物发生争吵。",
        "{place}两户因宅基地边界发生争执。",
    ),
    "family-dispute": (
        "{place}家庭成员因赡养老人问题发生矛盾。",
        "{place}夫妻吵架，邻居报告。",
    ),
    "property-dispute": (
        "{place}业主与物业因物业费上涨发生纠纷。",
        "{place}小区电梯长期故障，业主与物业矛盾激化。",
    ),
    "land-dispute": (
        "{place}两户村民因承包地边界发生纠纷。",
    ),
    "labour-dispute": (
        "{place}员工与公司因解除劳动合同补偿发生纠纷。",
    ),
    "consumer-dispute": (
        "{place}居民反映健身房停业后不退预付款。",
        "{place}顾客与商户因商品质量发生纠纷。",
    ),
    "elderly-alone": (
        "{place}独居老人行动不便，需定期上门探访。",
        "{place}独居老人家中无人应门，邻居反映多日未见。",
    ),
    "disability-help": (
        "{place}残疾人家庭需要申请辅助器具。",
        "{place}残疾人反映无障碍通道被占用。",
    ),
    "migrant-registration": (
        "{place}新入住租户未办理居住登记。",
        "{place}工地新进工人需登记。",
    ),
    "hardship-help": (
        "{place}家庭因病致困，需申请临时救助。",
    ),
    "public-facility": (
        "{place}健身器材损坏。",
        "{place}小区公共座椅损坏。",
    ),
}

PLACES = ("小区东门", "小区北门", "3号楼", "7号楼西侧", "农贸市场南侧", "公交站旁", "沿街商铺前", "幼儿园附近",
          "社区服务中心旁", "菜市场入口", "停车场", "广场东侧", "十字路口", "村委会西侧", "老年活动中心旁")

RESULTS: dict[str, tuple[str, ...]] = {
    "urban": ("已组织人员清理完毕，现场恢复整洁。", "已责令当事人整改，现场已规范。", "已联系维修单位处理完毕。"),
    "safety": ("已现场检查并责令整改，隐患已消除。", "已联系燃气公司抢修，管道已修复。", "已清理堵塞物，通道畅通。"),
    "public-order": ("民警已到场处置，双方已调解。", "已加强巡逻，并登记相关人员信息。", "已出警核查，未发现违法行为。"),
    "stability": ("已约谈相关负责人，问题正在按程序解决。", "已协调企业支付拖欠工资。", "已做好稳控和解释工作。"),
    "mediation": ("经调解，双方达成一致意见并签订调解协议。", "已组织双方协商，矛盾化解。", "已转交相关部门并跟踪落实。"),
    "services": ("已上门走访并落实帮扶措施。", "已完成登记。", "已协助办理相关手续。"),
}

REJECT_REASONS = ("不属于网格事件受理范围。", "信息不实，现场核实无此情况。", "重复上报，已有同一事件在办。")
VOID_REASONS = ("重复上报，合并至已有案件。", "上报人误操作，类别选择错误。", "当事人已自行解决。")
RETURN_REASONS = ("不属于本单位职责范围，请重新派遣。", "该事项应由属地管区处理。", "涉及多个部门，非本单位牵头。")
DISPUTE_REASONS = ("部门间职责不清，提请联席会议研究。", "多次退回，权属有争议。")
SUSPEND_REASONS = ("需等待上级部门协调资金。", "涉及历史遗留问题，需统筹解决。", "当事人外出，待返回后处理。")
EXTENSION_REASONS = ("需协调多个部门联合处置。", "整改工程量大，需延长处置时间。", "需等待当事人配合。")
REFUSE_REASONS = ("现有时限足够，请抓紧处置。",)
VERIFY_FAILED_NOTES = ("现场核查问题未解决，请返工。", "整改不彻底，仍有残留。", "问题反弹，需重新处置。")
COMMENTS = ("已电话联系当事人。", "请相关部门尽快处理。", "群众反映强烈，请优先办理。")
MEETING_NOTES = "周联席会议研究决定，由该部门牵头办理。"

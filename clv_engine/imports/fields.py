"""What each importable file holds: our fields, their types, and the headers dealers use for them.

A dealer's DMS or CRM export names its columns in its own way (客户编号, 工单日期, 金额 ...). Each
field lists the English and Chinese headers seen in common exports; :func:`guess_mapping` picks
the best header for every field, and a mapping saved with the previous import wins over a guess
so next month's export maps itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One column we read. ``type`` decides how the text is parsed and checked."""

    name: str
    # id | text | date | timestamp | month | money | number | integer | rate | kind | status
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    future_ok: bool = False  # a date that may lie after today (an appointment)
    default: float | None = None  # used when the column is not in the file (schema NOT NULL)
    percent_above: float = 1.5  # rate: a column whose values go above this is in percent


@dataclass(frozen=True)
class SourceKind:
    """One kind of file and the table it fills."""

    kind: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()  # duplicates of this key are rejected (first row kept)
    generated_id: str | None = None  # id made from the content when the file has none
    customer_fields: tuple[str, ...] = ()  # must name a customer we know
    entity: bool = False  # customers/stores: a row already in the database is kept, not an error

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.kind} has no field {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def columns(self) -> tuple[str, ...]:
        """The target table's columns this kind fills (helper fields such as margin excluded)."""
        return TABLE_COLUMNS[self.table]


# The header synonyms and value maps below are tables: kept one field (or one value) to a
# line, as written, rather than one word to a line.
# fmt: off
_CUSTOMER = ("customer_id", "customer id", "customer no", "customer number", "customer code", "cust id",
             "cust no", "client id", "member id", "member no", "owner id", "客户编号", "客户id", "客户号",
             "客户代码", "客户编码", "会员编号", "会员号", "会员id", "车主编号", "车主id", "客户")
_STORE = ("store_id", "store", "store id", "store code", "dealer", "dealer code", "branch", "site",
          "outlet", "门店", "门店编号", "门店代码", "门店编码", "门店id", "店铺", "经销商", "经销商代码",
          "服务站", "网点")
_VIN = ("vin", "vin no", "chassis", "chassis no", "车架号", "vin码", "车辆识别代号", "车辆识别码", "底盘号")
_MODEL = ("vehicle_model", "model", "vehicle model", "vehicle", "car model", "车型", "车系", "车辆型号")


ORDERS = SourceKind(
    "orders",
    "orders",
    (
        Field("order_id", "id", aliases=("order_id", "order id", "order no", "order number", "ro", "ro no",
                                         "ro number", "repair order", "repair order no", "invoice no",
                                         "工单号", "工单编号", "维修工单号", "单号", "订单号", "订单编号",
                                         "委托书号", "结算单号", "单据号")),
        Field("customer_id", "id", True, _CUSTOMER),
        Field("order_date", "date", True, ("order_date", "order date", "date", "service date", "visit date",
                                           "invoice date", "ro date", "工单日期", "日期", "进厂日期",
                                           "结算日期", "维修日期", "开单日期", "服务日期", "消费日期",
                                           "到店日期")),
        Field("revenue", "money", True, ("revenue", "amount", "total", "total amount", "sales", "invoice amount",
                                         "net amount", "金额", "工单金额", "结算金额", "总金额", "营业额",
                                         "收入", "实收金额", "消费金额", "产值", "营收")),
        Field("gross_profit", "money", aliases=("gross_profit", "gross profit", "gp", "profit", "margin amount",
                                                "毛利", "毛利额", "毛利润", "利润")),
        Field("margin", "rate", aliases=("margin", "gross margin", "margin %", "gp %", "gp%", "margin rate",
                                         "毛利率", "利润率")),
        Field("store_id", "id", aliases=_STORE),
        Field("kind", "kind", aliases=("kind", "type", "service type", "order type", "category", "job type",
                                       "维修类型", "服务类型", "业务类型", "工单类型", "类别", "类型")),
        Field("vin", "text", aliases=_VIN),
        Field("vehicle_model", "text", aliases=_MODEL),
        # Odometer at the visit (optional): the service-due list paces the next service by it.
        Field("mileage", "number", aliases=("mileage", "odometer", "odometer km", "km", "kilometres",
                                            "kilometers", "里程", "公里数", "行驶里程", "进厂里程", "表显里程")),
        # For customers created from the orders (no customers file): their name.
        Field("name", "text", aliases=("customer name", "owner name", "客户姓名", "客户名称", "车主姓名",
                                       "姓名", "车主")),
    ),
    key=("order_id",),
    generated_id="order_id",
)

CUSTOMERS = SourceKind(
    "customers",
    "customers",
    (
        Field("customer_id", "id", True, _CUSTOMER),
        Field("name", "text", aliases=("name", "customer name", "full name", "owner", "姓名", "客户名称",
                                       "客户姓名", "车主", "车主姓名")),
        Field("phone", "text", aliases=("phone", "mobile", "telephone", "tel", "电话", "手机", "手机号",
                                        "联系电话", "手机号码")),
        Field("home_store_id", "id", aliases=("home_store_id", "home store", "owning store", "归属门店",
                                              "所属门店", "归属店") + _STORE),
        Field("channel", "text", aliases=("channel", "acquisition channel", "lead source", "source",
                                          "来源渠道", "渠道", "获客渠道", "客户来源", "来源")),
        Field("vin", "text", aliases=_VIN),
        Field("vehicle_model", "text", aliases=_MODEL),
        Field("purchase_date", "date", aliases=("purchase_date", "purchase date", "delivery date", "sold date",
                                                "sale date", "购车日期", "开票日期", "交车日期", "购买日期")),
        Field("purchase_price", "money", aliases=("purchase_price", "purchase price", "vehicle price", "price",
                                                  "购车价格", "车价", "成交价", "开票价", "购车金额")),
    ),
    key=("customer_id",),
    entity=True,
)

STORES = SourceKind(
    "stores",
    "stores",
    (
        Field("store_id", "id", True, _STORE),
        Field("name", "text", aliases=("name", "store name", "门店名称", "店名", "名称")),
        Field("region", "text", aliases=("region", "area", "区域", "大区", "片区")),
        Field("city", "text", aliases=("city", "城市")),
    ),
    key=("store_id",),
    entity=True,
)

CHANNEL_SPEND = SourceKind(
    "channel_spend",
    "channel_spend",
    (
        Field("month", "month", True, ("month", "period", "月份", "月度", "期间")),
        Field("channel", "text", True, ("channel", "source", "渠道", "来源渠道", "获客渠道")),
        Field("spend", "money", True, ("spend", "cost", "budget spent", "marketing spend", "投放", "费用",
                                       "花费", "投放金额", "获客费用", "营销费用")),
        Field("new_customers", "integer", True, ("new_customers", "new customers", "customers won",
                                                 "new", "新客数", "新增客户", "新客户数", "获客数")),
    ),
    key=("month", "channel"),
)

COMPLAINTS = SourceKind(
    "complaints",
    "complaints",
    (
        Field("complaint_id", "id", aliases=("complaint_id", "complaint id", "case no", "ticket",
                                             "投诉编号", "投诉单号", "工单号")),
        Field("customer_id", "id", True, _CUSTOMER),
        Field("store_id", "id", aliases=_STORE),
        Field("opened", "date", True, ("opened", "date", "open date", "complaint date", "投诉日期",
                                       "受理日期", "日期", "创建日期")),
        Field("resolved", "date", aliases=("resolved", "closed", "resolved date", "close date",
                                           "解决日期", "关闭日期", "结案日期")),
        # The response clock (optional): times of logging, first response and closing.
        Field("opened_at", "timestamp", aliases=("opened_at", "opened at", "open time", "logged at",
                                                 "投诉时间", "受理时间", "登记时间")),
        Field("responded_at", "timestamp", aliases=("responded_at", "responded at", "response time",
                                                    "first response", "响应时间", "首次响应时间", "回复时间")),
        Field("resolved_at", "timestamp", aliases=("resolved_at", "resolved at", "close time", "closed at",
                                                   "解决时间", "结案时间", "关闭时间")),
        Field("status", "text", aliases=("status", "state", "状态", "处理状态")),
    ),
    key=("complaint_id",),
    generated_id="complaint_id",
    customer_fields=("customer_id",),
)

REFERRALS = SourceKind(
    "referrals",
    "referrals",
    (
        Field("referrer_id", "id", True, ("referrer_id", "referrer", "referred by", "推荐人", "推荐人编号",
                                          "推荐客户", "老客户编号")),
        Field("referred_id", "id", True, ("referred_id", "referred", "new customer", "被推荐人",
                                          "被推荐人编号", "新客户编号", "新客户")),
        Field("referral_date", "date", True, ("referral_date", "date", "referral date", "推荐日期", "日期")),
    ),
    customer_fields=("referrer_id", "referred_id"),
)

WARRANTIES = SourceKind(
    "warranties",
    "warranties",
    (
        Field("contract_id", "id", aliases=("contract_id", "contract", "contract no", "policy no",
                                            "合同号", "合同编号", "保单号")),
        Field("customer_id", "id", True, _CUSTOMER),
        Field("sold_date", "date", True, ("sold_date", "sold date", "sale date", "date", "销售日期",
                                          "购买日期", "签约日期", "日期")),
        Field("price", "money", True, ("price", "amount", "premium", "价格", "金额", "售价", "延保价格")),
        Field("term_years", "integer", aliases=("term_years", "term", "years", "年限", "期限", "保修年限"),
              default=3),
        Field("claims_cost", "money", aliases=("claims_cost", "claims", "claims cost", "理赔金额",
                                               "理赔成本", "赔付金额"), default=0),
    ),
    key=("contract_id",),
    generated_id="contract_id",
    customer_fields=("customer_id",),
)

EVENTS = SourceKind(
    "events",
    "event_attendance",
    (
        Field("customer_id", "id", True, _CUSTOMER),
        Field("event_date", "date", True, ("event_date", "event date", "date", "活动日期", "日期")),
        Field("event_name", "text", aliases=("event_name", "event", "event name", "活动名称", "活动")),
    ),
    customer_fields=("customer_id",),
)

COMPETITORS = SourceKind(
    "competitors",
    "competitor_sightings",
    (
        Field("customer_id", "id", True, _CUSTOMER),
        Field("seen_date", "date", True, ("seen_date", "seen date", "date", "发现日期", "日期")),
        Field("source", "text", aliases=("source", "来源", "信息来源")),
    ),
    customer_fields=("customer_id",),
)

APPOINTMENTS = SourceKind(
    "appointments",
    "appointments",
    (
        Field("appointment_id", "id", aliases=("appointment_id", "appointment id", "booking id",
                                               "预约单号", "预约编号")),
        Field("customer_id", "id", True, _CUSTOMER),
        Field("store_id", "id", aliases=_STORE),
        Field("appointment_date", "date", True, ("appointment_date", "appointment date", "booking date",
                                                 "date", "预约日期", "预约时间", "日期"), future_ok=True),
        Field("status", "status", True, ("status", "state", "result", "状态", "预约状态", "结果")),
    ),
    key=("appointment_id",),
    generated_id="appointment_id",
    customer_fields=("customer_id",),
)

KPIS = SourceKind(
    "kpis",
    "store_kpis",
    (
        Field("month", "month", True, ("month", "period", "月份", "月度")),
        Field("store_id", "id", True, _STORE),
        Field("nps", "number", aliases=("nps", "net promoter score", "净推荐值", "nps值")),
        Field("first_time_fix_rate", "rate", aliases=("first_time_fix_rate", "first time fix rate", "ftfr",
                                                      "fix rate", "一次修复率", "一次修复合格率")),
        Field("technician_efficiency", "rate", aliases=("technician_efficiency", "technician efficiency",
                                                        "efficiency", "技师效率", "工时效率"),
              percent_above=3.0),
    ),
    key=("month", "store_id"),
)

# Contacts from a CRM export: what was done for a customer and how it went (clv_engine.contacts).
# A contact is matched to the latest call list that had the customer on it when it was made.
CONTACTS = SourceKind(
    "contacts",
    "contacts",
    (
        Field("contact_id", "id", aliases=("contact_id", "contact id", "call id", "activity id", "record id",
                                           "联系编号", "回访编号", "记录编号", "跟进编号")),
        Field("customer_id", "id", True, _CUSTOMER),
        Field("contact_date", "date", True, ("contact_date", "contact date", "call date", "date", "联系日期",
                                             "回访日期", "跟进日期", "日期")),
        Field("channel", "channel", aliases=("channel", "contact channel", "method", "contact method", "渠道",
                                             "联系方式", "联系渠道", "回访方式")),
        Field("outcome", "outcome", True, ("outcome", "result", "call result", "contact result", "结果",
                                           "联系结果", "回访结果", "跟进结果")),
        Field("owner", "text", aliases=("owner", "agent", "advisor", "caller", "staff", "负责人", "回访人",
                                        "跟进人", "顾问", "服务顾问")),
        Field("cost", "money", aliases=("cost", "contact cost", "spend", "成本", "费用", "联系成本"), default=0),
        Field("store_id", "id", aliases=_STORE),
    ),
    key=("contact_id",),
    generated_id="contact_id",
    customer_fields=("customer_id",),
)

KINDS: dict[str, SourceKind] = {
    s.kind: s
    for s in (ORDERS, CUSTOMERS, STORES, CHANNEL_SPEND, COMPLAINTS, REFERRALS, WARRANTIES, EVENTS,
              COMPETITORS, APPOINTMENTS, KPIS, CONTACTS)
}

# Columns of the tables we fill, in schema order (clv_engine/schema.sql).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit",
               "mileage"),
    "customers": ("customer_id", "name", "phone", "home_store_id", "channel", "vin", "vehicle_model",
                  "purchase_date", "purchase_price"),
    "stores": ("store_id", "name", "region", "city"),
    "channel_spend": ("month", "channel", "spend", "new_customers"),
    "complaints": ("complaint_id", "customer_id", "store_id", "opened", "resolved", "opened_at", "responded_at",
                   "resolved_at", "status"),
    "referrals": ("referrer_id", "referred_id", "referral_date"),
    "warranties": ("contract_id", "customer_id", "sold_date", "price", "term_years", "claims_cost"),
    "event_attendance": ("customer_id", "event_date", "event_name"),
    "competitor_sightings": ("customer_id", "seen_date", "source"),
    "appointments": ("appointment_id", "customer_id", "store_id", "appointment_date", "status"),
    "store_kpis": ("month", "store_id", "nps", "first_time_fix_rate", "technician_efficiency"),
    "contacts": ("contact_id", "list_id", "customer_id", "contact_date", "store_id", "channel", "intervention",
                 "owner", "outcome", "cost"),
}

# Service kinds as dealers write them -> our codes (schema: maintenance | repair | accident | parts
# | accessories). A value not listed is kept as written.
KIND_VALUES: dict[str, str] = {
    "maintenance": "maintenance", "service": "maintenance", "servicing": "maintenance",
    "保养": "maintenance", "常规保养": "maintenance", "首保": "maintenance", "定保": "maintenance",
    "小保养": "maintenance", "大保养": "maintenance",
    "repair": "repair", "维修": "repair", "一般维修": "repair", "机修": "repair", "保修": "repair",
    "索赔": "repair", "warranty": "repair",
    "accident": "accident", "bodywork": "accident", "collision": "accident", "事故": "accident",
    "事故车": "accident", "钣喷": "accident", "钣金": "accident", "喷漆": "accident", "理赔": "accident",
    "parts": "parts", "配件": "parts", "零件": "parts", "备件": "parts",
    "accessories": "accessories", "accessory": "accessories", "精品": "accessories", "附件": "accessories",
    "装潢": "accessories", "美容": "accessories",
}

STATUS_VALUES: dict[str, str] = {
    "kept": "kept", "done": "kept", "completed": "kept", "arrived": "kept", "show": "kept",
    "到店": "kept", "已到店": "kept", "完成": "kept", "已完成": "kept", "履约": "kept",
    "cancelled": "cancelled", "canceled": "cancelled", "cancel": "cancelled", "no-show": "cancelled",
    "no show": "cancelled", "noshow": "cancelled", "取消": "cancelled", "已取消": "cancelled",
    "爽约": "cancelled", "未到店": "cancelled",
}


# Contact outcomes as CRM exports write them -> clv_engine.contacts.OUTCOMES. An outcome not
# listed is refused (row and column named): a guess would change the measured contact rate.
OUTCOME_VALUES: dict[str, str] = {
    "reached": "reached", "contacted": "reached", "answered": "reached", "connected": "reached",
    "已联系": "reached", "已接通": "reached", "接通": "reached", "联系上": "reached", "已沟通": "reached",
    "booked": "booked", "appointment": "booked", "appointment booked": "booked", "已预约": "booked",
    "预约": "booked", "预约成功": "booked",
    "came_back": "came_back", "came back": "came_back", "returned": "came_back", "visited": "came_back",
    "已回店": "came_back", "回店": "came_back", "已到店": "came_back", "到店": "came_back",
    "declined": "declined", "refused": "declined", "not interested": "declined", "拒绝": "declined",
    "已拒绝": "declined", "不感兴趣": "declined", "婉拒": "declined",
    "unreachable": "unreachable", "no answer": "unreachable", "not reached": "unreachable",
    "no contact": "unreachable", "未接通": "unreachable", "无人接听": "unreachable", "联系不上": "unreachable",
    "未联系上": "unreachable", "空号": "unreachable", "关机": "unreachable",
}

# Contact channels -> clv_engine.contacts.CHANNELS; unknown ones are refused like outcomes.
CHANNEL_VALUES: dict[str, str] = {
    "call": "call", "phone": "call", "phone call": "call", "telephone": "call", "电话": "call",
    "致电": "call", "电话回访": "call", "外呼": "call",
    "visit": "visit", "home visit": "visit", "in person": "visit", "上门": "visit", "拜访": "visit",
    "到店": "visit", "上门拜访": "visit", "面访": "visit",
    "message": "message", "sms": "message", "text": "message", "wechat": "message", "email": "message",
    "短信": "message", "微信": "message", "消息": "message", "邮件": "message",
}

# Traditional characters of common headers -> simplified, so a Big5 export from Taiwan or Hong
# Kong (客戶編號, 工單日期, 金額) maps like a mainland one (客户编号, 工单日期, 金额).
# fmt: on


TRADITIONAL = str.maketrans(
    "戶編號單額稱結門類務車維費價購買區數預約狀態間銷發現動來電話機碼種報產營實潤險賠決閉關歸屬經網點廠進開統計",
    "户编号单额称结门类务车维费价购买区数预约状态间销发现动来电话机码种报产营实润险赔决闭关归属经网点厂进开统计",
)


def normalise_header(text: str) -> str:
    """Headers compared without case, width, spaces, punctuation or traditional characters:
    "Customer_ID " == "customerid", "客戶編號" == "客户编号"."""
    text = unicodedata.normalize("NFKC", str(text)).lower().translate(TRADITIONAL)
    return re.sub(r"[\s_\-./()（）:：#№]+", "", text)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", str(text)).lower()))


def _score(field: Field, header: str) -> int:
    """1000: exact alias; 10 + length: the header contains an alias; 0: no match.

    Latin aliases must match whole words ("vin" is not in "province"); Chinese ones any part
    ("客户编号" is in "客户编号(ID)").
    """
    h = normalise_header(header)
    if not h:
        return 0
    words = f" {_words(header)} "
    best = 0
    for alias in field.aliases:
        a = normalise_header(alias)
        if h == a:
            return 1000
        if alias.isascii():
            contained = f" {_words(alias)} " in words
        else:
            contained = len(a) >= 2 and a in h
        if contained:
            best = max(best, 10 + len(a))
    return best


def guess_mapping(
    kind: str, headers: Sequence[str], saved: Mapping[str, str] | None = None
) -> dict[str, str]:
    """{our field: their header} for the fields we can find; a saved mapping wins where it fits.

    Each header is used once: the strongest match is assigned first, so "毛利率" goes to margin
    (an exact alias) before "毛利" could claim it for gross profit by containment.
    """
    spec = KINDS[kind]
    present = list(headers)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field, header in (saved or {}).items():
        if header in present and field in {f.name for f in spec.fields} and header not in used:
            mapping[field] = header
            used.add(header)
    candidates = []
    for order, field in enumerate(spec.fields):
        if field.name in mapping:
            continue
        for header in present:
            score = _score(field, header)
            if score:
                candidates.append((-score, order, present.index(header), field.name, header))
    for _, _, _, name, header in sorted(candidates):
        if name not in mapping and header not in used:
            mapping[name] = header
            used.add(header)
    return mapping


def guess_kind(headers: Sequence[str], file_name: str = "") -> str:
    """The kind of file the headers fit best (a hint; the user confirms it).

    Every required field must be found; then exact header matches count three times a partial
    one, and the file name ("complaints_2024.csv") adds a strong hint.
    """
    name = normalise_header(file_name)
    best, best_score = "orders", -1
    for kind, spec in KINDS.items():
        mapping = guess_mapping(kind, headers)
        if not all(f in mapping for f in spec.required):
            continue
        score = sum(3 if _score(spec.field(f), h) >= 1000 else 1 for f, h in mapping.items())
        if normalise_header(kind) in name or normalise_header(spec.table) in name:
            score += 10
        if score > best_score:
            best, best_score = kind, score
    return best

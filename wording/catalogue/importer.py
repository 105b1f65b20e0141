"""Strings of the importer: fields, file kinds, problems, notes, verdicts, report (the page is in import_page.py)."""

STRINGS = {
    # -- our fields, as the mapping editor and the messages name them --------------------
    "imp.field.order_id": ("Order id", "工单号"),
    "imp.field.customer_id": ("Customer id", "客户编号"),
    "imp.field.order_date": ("Order date", "工单日期"),
    "imp.field.revenue": ("Amount (revenue)", "金额（收入）"),
    "imp.field.gross_profit": ("Gross profit", "毛利"),
    "imp.field.margin": ("Gross margin", "毛利率"),
    "imp.field.store_id": ("Store", "门店"),
    "imp.field.kind": ("Service kind", "服务类型"),
    "imp.field.vin": ("VIN", "车架号"),
    "imp.field.vehicle_model": ("Vehicle model", "车型"),
    "imp.field.mileage": ("Mileage (km)", "里程（公里）"),
    "imp.field.name": ("Name", "名称"),
    "imp.field.phone": ("Phone", "电话"),
    "imp.field.home_store_id": ("Home store", "归属门店"),
    "imp.field.channel": ("Channel", "渠道"),
    "imp.field.purchase_date": ("Vehicle purchase date", "购车日期"),
    "imp.field.purchase_price": ("Vehicle price", "购车价格"),
    "imp.field.region": ("Region", "区域"),
    "imp.field.city": ("City", "城市"),
    "imp.field.month": ("Month", "月份"),
    "imp.field.spend": ("Spend", "投放金额"),
    "imp.field.new_customers": ("New customers", "新客数"),
    "imp.field.complaint_id": ("Complaint id", "投诉编号"),
    "imp.field.opened": ("Opened", "投诉日期"),
    "imp.field.resolved": ("Resolved", "解决日期"),
    "imp.field.opened_at": ("Opened at (time)", "受理时间"),
    "imp.field.responded_at": ("First response (time)", "响应时间"),
    "imp.field.resolved_at": ("Resolved at (time)", "结案时间"),
    "imp.field.referrer_id": ("Referrer", "推荐人"),
    "imp.field.referred_id": ("Referred customer", "被推荐人"),
    "imp.field.referral_date": ("Referral date", "推荐日期"),
    "imp.field.contract_id": ("Contract id", "合同号"),
    "imp.field.sold_date": ("Sold", "销售日期"),
    "imp.field.price": ("Price", "价格"),
    "imp.field.term_years": ("Term (years)", "年限"),
    "imp.field.claims_cost": ("Claims cost", "理赔金额"),
    "imp.field.event_date": ("Event date", "活动日期"),
    "imp.field.event_name": ("Event", "活动名称"),
    "imp.field.seen_date": ("Seen", "发现日期"),
    "imp.field.source": ("Source", "来源"),
    "imp.field.appointment_id": ("Appointment id", "预约单号"),
    "imp.field.appointment_date": ("Appointment date", "预约日期"),
    "imp.field.status": ("Status", "状态"),
    "imp.field.contact_id": ("Contact id", "联系编号"),
    "imp.field.contact_date": ("Contact date", "联系日期"),
    "imp.field.outcome": ("Outcome", "结果"),
    "imp.field.owner": ("Owner", "负责人"),
    "imp.field.cost": ("Cost", "成本"),
    "imp.field.nps": ("NPS", "NPS"),
    "imp.field.first_time_fix_rate": ("First-time-fix rate", "一次修复率"),
    "imp.field.technician_efficiency": ("Technician efficiency", "技师效率"),
    # -- kinds of file and what each one enables ------------------------------------------
    "imp.kind.orders": ("Orders", "工单"),
    "imp.kind.customers": ("Customers", "客户"),
    "imp.kind.stores": ("Stores", "门店"),
    "imp.kind.channel_spend": ("Channel spend", "渠道投放"),
    "imp.kind.complaints": ("Complaints", "投诉"),
    "imp.kind.referrals": ("Referrals", "转介绍"),
    "imp.kind.warranties": ("Extended warranties", "延保"),
    "imp.kind.events": ("Event attendance", "活动参与"),
    "imp.kind.competitors": ("Competitor sightings", "竞品接触"),
    "imp.kind.appointments": ("Appointments", "预约"),
    "imp.kind.kpis": ("Store KPIs", "门店 KPI"),
    "imp.kind.contacts": ("Contacts (CRM outcomes)", "联系记录（CRM 结果）"),
    "imp.enables.orders": (
        "Required: customer id, order date, amount. Every page works from it.",
        "必需：客户编号、工单日期、金额。所有页面都以此为基础。",
    ),
    "imp.enables.customers": (
        "Names, vehicles, purchase dates and acquisition channels (lookup, cohorts, channels).",
        "客户姓名、车辆、购车日期和获客渠道（客户查询、客群、渠道）。",
    ),
    "imp.enables.stores": (
        "Store names, regions and cities (store scope).",
        "门店名称、区域和城市（门店筛选）。",
    ),
    "imp.enables.channel_spend": (
        "Acquisition cost, CAC and LTV/CAC by channel.",
        "获客成本、CAC 以及各渠道 LTV/CAC。",
    ),
    "imp.enables.complaints": (
        "Loyalty score (−1 for a complaint) and unresolved complaints in churn risk.",
        "忠诚度评分（有投诉 −1）及流失风险中的未解决投诉。",
    ),
    "imp.enables.referrals": ("Loyalty score (+1 for a referral).", "忠诚度评分（有转介绍 +1）。"),
    "imp.enables.warranties": (
        "Loyalty score (+1 for an extended warranty) and the warranty evaluator.",
        "忠诚度评分（购买延保 +1）及延保投资评估。",
    ),
    "imp.enables.events": ("Loyalty score (+1 for a brand event).", "忠诚度评分（参加品牌活动 +1）。"),
    "imp.enables.competitors": (
        "Loyalty score (−1 when seen at a competitor) and churn risk.",
        "忠诚度评分（被竞品接触 −1）及流失风险。",
    ),
    "imp.enables.appointments": ("Appointment cancellations in churn risk.", "流失风险中的预约取消率。"),
    "imp.enables.contacts": (
        "Calls, visits and messages with their outcomes: the results of call lists against their control group.",
        "电话、上门和消息及其结果：回访名单相对对照组的效果。",
    ),
    "imp.enables.kpis": (
        "NPS, first-time-fix rate and technician efficiency (KPI scorecard).",
        "NPS、一次修复率和技师效率（KPI 计分卡）。",
    ),
    # -- problems, one sentence each --------------------------------------------------------
    "imp.severity.error": ("error: not imported", "错误：不导入"),
    "imp.severity.skipped": ("skipped", "跳过"),
    "imp.severity.warning": ("note: imported", "提示：已导入"),
    "imp.problem.missing_value": ("{field} is empty", "{field}为空"),
    "imp.problem.bad_date": (
        "“{value}” is not a date (use 2024-03-01, 2024/3/1, 2024年3月1日 or an Excel date)",
        "“{value}”不是日期（可用 2024-03-01、2024/3/1、2024年3月1日 或 Excel 日期）",
    ),
    "imp.problem.bad_timestamp": (
        "“{value}” is not a date and time (use 2024-03-01 14:30)",
        "“{value}”不是日期时间（可用 2024-03-01 14:30）",
    ),
    "imp.problem.bad_month": (
        "“{value}” is not a month (use 2024-03 or 2024年3月)",
        "“{value}”不是月份（可用 2024-03 或 2024年3月）",
    ),
    "imp.problem.bad_money": ("“{value}” is not an amount", "“{value}”不是金额"),
    "imp.problem.comma_decimal": (
        "“{value}” has a decimal comma: write 1234.50 (a comma may only separate thousands, as in 1,234.50), "
        "or save the file separated by semicolons",
        "“{value}”使用逗号作小数点：请写作 1234.50（逗号只能用作千分位，如 1,234.50），或将文件另存为分号分隔",
    ),
    "imp.problem.bad_number": ("“{value}” is not a number", "“{value}”不是数字"),
    "imp.problem.bad_rate": (
        "“{value}” is not a rate (use 0.35 or 35%)",
        "“{value}”不是比率（可用 0.35 或 35%）",
    ),
    "imp.problem.bad_integer": ("“{value}” is not a whole number", "“{value}”不是整数"),
    "imp.problem.bad_status": (
        "“{value}” is not an appointment status (kept / cancelled, 到店 / 取消)",
        "“{value}”不是预约状态（到店 / 取消，kept / cancelled）",
    ),
    "imp.problem.bad_outcome": (
        "“{value}” is not a contact outcome (reached, booked, came back, declined, unreachable; "
        "已接通, 已预约, 已回店, 拒绝, 未接通)",
        "“{value}”不是联系结果（已接通、已预约、已回店、拒绝、未接通；reached, booked, came back, declined, "
        "unreachable）",
    ),
    "imp.problem.bad_channel": (
        "“{value}” is not a contact channel (call, visit, message; 电话, 上门, 短信)",
        "“{value}”不是联系渠道（电话、上门、短信；call, visit, message）",
    ),
    "imp.problem.future_date": ("{value} is in the future (today is {extra})", "{value} 晚于今天（{extra}）"),
    "imp.problem.excel_date": (
        "Excel date number {value} read as {extra}",
        "Excel 日期序号 {value} 已读作 {extra}",
    ),
    "imp.problem.number_normalised": ("“{value}” read as {extra}", "“{value}”已读作 {extra}"),
    "imp.problem.negative_value": ("{field} cannot be negative: {value}", "{field}不能为负数：{value}"),
    "imp.problem.refund": ("negative amount {value}: kept as a refund", "负金额 {value}：按退款保留"),
    "imp.problem.gp_assumed": (
        "gross profit is empty: revenue × margin is used",
        "毛利为空：按金额 × 毛利率计算",
    ),
    "imp.problem.duplicate_key": (
        "{field} {value} appears again (first on row {extra})",
        "{field} {value} 重复（首次出现在第 {extra} 行）",
    ),
    "imp.problem.duplicate_key_other": (
        "{field} {value} appears again (first in {ref_file}, row {extra})",
        "{field} {value} 重复（首次出现在 {ref_file} 第 {extra} 行）",
    ),
    "imp.problem.existing_key": (
        "{field} {value} is already in the database",
        "{field} {value} 已在数据库中",
    ),
    "imp.problem.existing_entity": (
        "{value} is already in the database: the stored record is kept",
        "{value} 已在数据库中：保留原记录",
    ),
    "imp.problem.unknown_customer": (
        "customer {value} is in neither the orders nor the customers file",
        "客户 {value} 不在工单或客户文件中",
    ),
    "imp.problem.unknown_customer_append": (
        "customer {value} is in neither the files nor the database",
        "客户 {value} 既不在文件中也不在数据库中",
    ),
    "imp.problem.already_stored": (
        "{field} {value} is already in the database with the same values: skipped",
        "{field} {value} 已以相同内容存在于数据库中：跳过",
    ),
    "imp.problem.total_row": (
        "“{value}”: a total line, not an order or a customer: skipped",
        "“{value}”：合计行，不是工单或客户：跳过",
    ),
    "imp.problem.sum_row": (
        "amount {value} is the sum of all other rows and the row names no customer: a total line, skipped",
        "金额 {value} 等于其他所有行之和且该行没有客户：合计行，跳过",
    ),
    "imp.problem.scientific_id": (
        "{field} {value} is a number in scientific notation: its digits are lost (format the column as text "
        "before exporting)",
        "{field} {value} 是科学计数法数字，位数已丢失（导出前请将该列设为文本格式）",
    ),
    "imp.problem.id_normalised": (
        "{field} “{value}” in full-width characters read as {extra}",
        "{field}“{value}”为全角字符，已读作 {extra}",
    ),
    "imp.problem.id_is_date": (
        "{field} {value} is a date, not a customer (a summary line?)",
        "{field} {value} 是日期而不是客户（是否为汇总行？）",
    ),
    "imp.problem.scientific_phone": (
        "phone {value} is in scientific notation: its digits are lost, so it is left empty (format the column "
        "as text before exporting)",
        "电话 {value} 为科学计数法，位数已丢失，因此留空（导出前请将该列设为文本格式）",
    ),
    "imp.problem.zero_amount": ("amount 0: kept as a visit", "金额为 0：按一次到店保留"),
    "imp.problem.exact_copy": (
        "the same as row {extra} in every column: kept as a second visit",
        "与第 {extra} 行所有列相同：按第二次到店保留",
    ),
    "imp.problem.malformed_line": (
        "the line does not split into the header's columns: {value}",
        "该行的列数与表头不符：{value}",
    ),
    # Short names of the problem kinds (summary table).
    "imp.code.missing_value": ("empty value", "空值"),
    "imp.code.bad_date": ("not a date", "非日期"),
    "imp.code.bad_timestamp": ("not a date and time", "非日期时间"),
    "imp.code.bad_month": ("not a month", "非月份"),
    "imp.code.bad_money": ("not an amount", "非金额"),
    "imp.code.comma_decimal": ("decimal comma", "逗号小数点"),
    "imp.code.bad_number": ("not a number", "非数字"),
    "imp.code.bad_rate": ("not a rate", "非比率"),
    "imp.code.bad_integer": ("not a whole number", "非整数"),
    "imp.code.bad_status": ("unknown status", "未知状态"),
    "imp.code.bad_outcome": ("unknown outcome", "未知结果"),
    "imp.code.bad_channel": ("unknown channel", "未知渠道"),
    "imp.code.future_date": ("date in the future", "未来日期"),
    "imp.code.excel_date": ("Excel date number", "Excel 日期序号"),
    "imp.code.number_normalised": ("separators or full-width digits", "千分位或全角数字"),
    "imp.code.negative_value": ("negative value", "负值"),
    "imp.code.refund": ("refund (negative amount)", "退款（负金额）"),
    "imp.code.gp_assumed": ("gross profit assumed", "毛利按假设计算"),
    "imp.code.duplicate_key": ("duplicate id", "重复编号"),
    "imp.code.existing_key": ("already in the database", "已在数据库中"),
    "imp.code.existing_entity": ("already in the database (kept)", "已在数据库中（保留）"),
    "imp.code.unknown_customer": ("unknown customer", "未知客户"),
    "imp.code.malformed_line": ("malformed line", "格式错误的行"),
    "imp.code.already_stored": ("already stored (same values)", "已导入过（内容相同）"),
    "imp.code.total_row": ("total line", "合计行"),
    "imp.code.sum_row": ("total line (sum of the rows)", "合计行（各行之和）"),
    "imp.code.scientific_id": ("id in scientific notation", "编号为科学计数法"),
    "imp.code.id_normalised": ("full-width id", "全角编号"),
    "imp.code.id_is_date": ("date in the customer column", "客户列为日期"),
    "imp.code.scientific_phone": ("phone in scientific notation (left empty)", "电话为科学计数法（留空）"),
    "imp.code.zero_amount": ("zero amount (kept)", "零金额（保留）"),
    "imp.code.exact_copy": ("exact copy of another row (kept)", "与另一行完全相同（保留）"),
    # -- file-level problems: nothing can be imported until they are fixed ----------------
    "imp.blocking.no_orders": (
        "An order file is needed to replace the data (customer id, order date, amount).",
        "替换数据需要工单文件（客户编号、工单日期、金额）。",
    ),
    "imp.blocking.missing_column": (
        "{file}: the required column “{field}” is not mapped (columns in the file: {headers}).",
        "{file}：必需的列“{field}”未对应（文件中的列：{headers}）。",
    ),
    "imp.blocking.unknown_header": (
        "{file}: “{field}” is mapped to a column “{header}” that is not in the file.",
        "{file}：“{field}”对应的列“{header}”不在文件中。",
    ),
    "error.imports.file.empty": ("{file}: the file has no data rows.", "{file}：文件没有数据行。"),
    "error.imports.file.missing": ("{file}: file not found.", "{file}：找不到文件。"),
    "error.imports.file.encoding": (
        "{file}: the text is neither UTF-8 nor GBK/GB18030 nor Big5; save it as CSV UTF-8.",
        "{file}：文本既不是 UTF-8，也不是 GBK/GB18030 或 Big5，请另存为 CSV UTF-8。",
    ),
    "error.imports.file.directory": (
        "{file}: this is a folder, not a file.",
        "{file}：这是文件夹，不是文件。",
    ),
    "imp.blocking.one_column": (
        "{file}: every line reads as a single column (“{header}”) when split at the {delimiter}; the values are "
        "probably separated by spaces or another character. Save it as CSV (comma, semicolon or tab separated).",
        "{file}：按{delimiter}拆分后每行只有一列（“{header}”），数值可能以空格或其他字符分隔。"
        "请另存为 CSV（逗号、分号或制表符分隔）。",
    ),
    "imp.blocking.one_column_sheet": (
        "{file}: the sheet has a single column (“{header}”); each field needs its own column.",
        "{file}：工作表只有一列（“{header}”），每个字段需要单独一列。",
    ),
    "error.imports.file.unreadable": (
        "{file}: the file cannot be read ({reason}).",
        "{file}：无法读取文件（{reason}）。",
    ),
    "error.imports.file.xls": (
        "{file}: old Excel .xls files cannot be read; save it as .xlsx or CSV.",
        "{file}：无法读取旧版 Excel .xls 文件，请另存为 .xlsx 或 CSV。",
    ),
    "error.imports.file.sheet": (
        "{file}: no sheet “{sheet}” (sheets: {sheets}).",
        "{file}：没有工作表“{sheet}”（工作表：{sheets}）。",
    ),
    "imp.delimiter.comma": ("comma (,)", "逗号（,）"),
    "imp.delimiter.semicolon": ("semicolon (;)", "分号（;）"),
    "imp.delimiter.tab": ("tab", "制表符"),
    "imp.delimiter.bar": ("bar (|)", "竖线（|）"),
    # -- the database could not be written: nothing was changed ----------------------------
    "error.imports.write.disk_full": (
        "{file}: the disk is full, so the new database could not be written. Nothing was changed; free some "
        "space and import again.",
        "{file}：磁盘已满，无法写入新数据库。未做任何改动；请释放空间后重新导入。",
    ),
    "error.imports.write.read_only": (
        "{file}: the folder {reason} cannot be written to (read-only or no permission). Nothing was changed.",
        "{file}：无法写入文件夹 {reason}（只读或无权限）。未做任何改动。",
    ),
    "error.imports.write.is_directory": (
        "{file}: the database path {reason} is a folder, not a file. Nothing was changed.",
        "{file}：数据库路径 {reason} 是文件夹而不是文件。未做任何改动。",
    ),
    "error.imports.write.failed": (
        "{file}: the new database could not be written ({reason}). Nothing was changed.",
        "{file}：无法写入新数据库（{reason}）。未做任何改动。",
    ),
    # -- the import was refused as a whole --------------------------------------------------
    "error.imports.rejected": (
        "Nothing was imported ({files} files cannot be used, {rows} rows have problems).",
        "未导入任何数据（{files} 个文件无法使用，{rows} 行有问题）。",
    ),
    "error.imports.bad_mode": (
        "The import mode must be “replace” or “append”, not “{value}”.",
        "导入方式须为“replace”（替换）或“append”（追加），而不是“{value}”。",
    ),
    "error.imports.bad_margin": (
        "The default margin must be between 0 and 1 (0.35 = 35%), not {value}.",
        "默认毛利率须在 0 到 1 之间（0.35 即 35%），而不是 {value}。",
    ),
    "error.imports.bad_currency": (
        "The currency must be a three-letter code such as CNY or USD, not “{value}”.",
        "币种须为三个字母的代码，如 CNY 或 USD，而不是“{value}”。",
    ),
    "error.imports.unknown_kind": (
        "{file}: “{kind}” is not a kind of file the import knows; expected one of {kinds}.",
        "{file}：导入不识别文件类型“{kind}”；应为以下之一：{kinds}。",
    ),
    "error.imports.unknown_field": (
        "{file}: a {kind} file has no field “{field}”; its fields: {fields}.",
        "{file}：{kind} 文件没有字段“{field}”；可用字段：{fields}。",
    ),
    "error.imports.busy": (
        "{file}: another import of this database is running; try again when it has finished.",
        "{file}：此数据库正在导入中，请在导入完成后再试。",
    ),
    # -- notes: assumptions made and things done -----------------------------------------
    "imp.note.default_margin": (
        "The orders carry no gross profit or margin: gross profit is assumed to be {margin} of the amount "
        "(change the default margin to adjust).",
        "工单中没有毛利或毛利率：毛利按金额的 {margin} 假设（可修改默认毛利率）。",
    ),
    "imp.note.customers_created": (
        "{n} customers are not in a customers file: they are created from their orders "
        "(id, name, most visited store, first order as start).",
        "{n} 位客户不在客户文件中：按其工单创建（编号、姓名、最常到店的门店、首次工单为起始）。",
    ),
    "imp.note.ids_generated": (
        "{file}: {n} rows have no {field}: an id is made from the row's content.",
        "{file}：{n} 行没有{field}：按行内容生成编号。",
    ),
    "imp.note.blank_rows": ("{file}: {n} empty rows skipped.", "{file}：跳过 {n} 个空行。"),
    "imp.note.encoding": ("{file}: read as {encoding} text.", "{file}：按 {encoding} 编码读取。"),
    "imp.note.unused": ("{file}: columns not used: {columns}.", "{file}：未使用的列：{columns}。"),
    "imp.note.decimal_comma": (
        "{file}: the file is separated by semicolons and writes decimals with a comma: 1234,50 is read as 1234.50.",
        "{file}：文件以分号分隔，小数点为逗号：1234,50 读作 1234.50。",
    ),
    "imp.note.percent": (
        "{file}: {field} is read as a percentage (values above {limit}).",
        "{file}：{field}按百分数读取（存在大于 {limit} 的值）。",
    ),
    # -- verdicts and plain-text report ---------------------------------------------------
    "imp.verdict.imported": (
        "Imported. The database now holds {orders} orders of {customers} customers.",
        "导入完成。数据库现有 {customers} 位客户的 {orders} 条工单。",
    ),
    "imp.verdict.blocked": (
        "Nothing imported: {n} problem(s) with the files must be fixed first.",
        "未导入：需先解决 {n} 个文件问题。",
    ),
    "imp.verdict.problems": (
        "Nothing imported yet: {n} rows have errors. Import the {clean} clean rows, or fix the file and check again "
        "(command line: --accept-clean-rows).",
        "尚未导入：{n} 行有错误。可导入 {clean} 行无误数据，或修正文件后重新检查（命令行：--accept-clean-rows）。",
    ),
    "imp.verdict.nothing_clean": (
        "Nothing to import: none of the {n} rows can be imported (see the problems).",
        "没有可导入的数据：{n} 行均无法导入（见问题列表）。",
    ),
    "imp.verdict.nothing_new": (
        "Nothing to import: all {n} rows are already in the database.",
        "没有新数据：{n} 行均已在数据库中。",
    ),
    "imp.verdict.ready": (
        "All {clean} rows are fine and can be imported.",
        "全部 {clean} 行无误，可以导入。",
    ),
    "imp.text.file": (
        "{file} ({kind}): {rows} rows read, {clean} clean, {rejected} with errors",
        "{file}（{kind}）：读取 {rows} 行，无误 {clean} 行，有错误 {rejected} 行",
    ),
    "imp.text.mapping": ("columns: {mapping}", "列对应：{mapping}"),
    "imp.text.findings": (
        "{errors} errors, {skipped} skipped, {notes} notes:",
        "{errors} 个错误，{skipped} 个跳过，{notes} 个提示：",
    ),
    "imp.text.skipped": (", {n} skipped", "，跳过 {n} 行"),
    "imp.text.elapsed": ("Done in {s} s.", "用时 {s} 秒。"),
    "imp.col.file": ("File", "文件"),
    "imp.col.row": ("Row", "行"),
    "imp.col.column": ("Column", "列"),
    "imp.col.value": ("Value", "值"),
    "imp.col.problem": ("Problem", "问题"),
    "imp.col.severity": ("Outcome", "处理"),
    "imp.col.count": ("Count", "数量"),
    "imp.col.rows": ("First rows", "前几行"),
}

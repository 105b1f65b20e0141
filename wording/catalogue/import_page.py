"""Strings of the import page (the file checks and messages are in importer.py)."""

STRINGS = {
    # -- the import page ----------------------------------------------------------------
    "imp.page.title": ("Import data: bring your own export", "导入数据：使用自己的导出文件"),
    "imp.page.intro": (
        "Upload the order export of your DMS or CRM (CSV, Excel or Parquet); further files are optional. "
        "Every row is checked before anything is written, and the import replaces the data in one step or not at all.",
        "上传 DMS 或 CRM 导出的工单文件（CSV、Excel 或 Parquet），其他文件可选。"
        "写入前逐行检查；导入一步替换数据，要么全部完成，要么不做任何改动。",
    ),
    "imp.page.what": ("Which files can be imported, and what each one enables", "可导入的文件及其作用"),
    "imp.page.col.file": ("File", "文件"),
    "imp.page.col.enables": ("What it enables", "作用"),
    "imp.page.formats": (
        "CSV in UTF-8 (with or without BOM) or GBK/GB18030, Excel .xlsx, Parquet. Headers in English or Chinese are "
        "recognised. For very large files use the command line: python -m cli.imports orders.csv --db PATH",
        "支持 UTF-8（含或不含 BOM）或 GBK/GB18030 编码的 CSV、Excel .xlsx、Parquet，可识别中英文表头。"
        "超大文件请使用命令行：python -m cli.imports orders.csv --db PATH",
    ),
    "imp.page.orders_file": (
        "Order file (required: customer id, order date, amount)",
        "工单文件（必需：客户编号、工单日期、金额）",
    ),
    "imp.page.orders_file.help": (
        "One row per service order. Gross profit or margin, store, service kind, VIN and model are used when present.",
        "每行一张工单。如有毛利或毛利率、门店、服务类型、车架号、车型也会使用。",
    ),
    "imp.page.more_files": ("Further files (optional)", "其他文件（可选）"),
    "imp.page.more_files.help": (
        "Customers, stores, channel spend, complaints, referrals, warranties, events, competitor sightings, "
        "appointments, store KPIs. Say for each file what it is.",
        "客户、门店、渠道投放、投诉、转介绍、延保、活动、竞品接触、预约、门店 KPI。请为每个文件选择类型。",
    ),
    "imp.page.need_orders": (
        "Upload an order file to start. To add only further files to the current data, choose “Append”.",
        "请先上传工单文件。如只想向现有数据追加其他文件，请选择“追加”。",
    ),
    "imp.page.mode": ("What the import does", "导入方式"),
    "imp.page.mode.replace": ("Replace the data", "替换数据"),
    "imp.page.mode.append": ("Append to the data", "追加到现有数据"),
    "imp.page.mode.help": (
        "Replace: the files become the data (saved scenarios and column mappings are kept). Append: the rows are added; "
        "ids already in the database are reported. Either way the previous database is kept as a .bak file.",
        "替换：以文件内容作为全部数据（保留已保存的方案和列对应）。追加：新增行，已存在的编号会被报告。"
        "两种方式都会把原数据库保留为 .bak 文件。",
    ),
    "imp.page.file_title": ("{file} · {kind}", "{file} · {kind}"),
    "imp.page.kind": ("What this file is", "文件类型"),
    "imp.page.mapping": ("Which column is which", "列对应"),
    "imp.page.mapping.help": (
        "Guessed from the headers (or from your last import); change any choice. * = required.",
        "根据表头（或上次导入）自动识别，可修改。* 为必填。",
    ),
    "imp.page.not_in_file": ("— not in the file —", "— 文件中没有 —"),
    "imp.page.preview": ("First rows", "前几行"),
    "imp.page.margin": ("Default gross margin", "默认毛利率"),
    "imp.page.margin.help": (
        "Used only for orders without gross profit or margin: gross profit = amount × this margin. "
        "The report says when it was used.",
        "仅用于没有毛利或毛利率的工单：毛利 = 金额 × 该毛利率。报告中会注明是否使用。",
    ),
    "imp.page.currency": ("Currency of the amounts", "金额币种"),
    "imp.page.currency.help": (
        "Kept with the data: every page shows money in it. A three-letter code, e.g. CNY, USD, EUR.",
        "随数据保存，所有页面按此币种显示金额。三个字母的代码，如 CNY、USD、EUR。",
    ),
    "imp.page.currency.bad": (
        "“{value}” is not a currency code (three letters, e.g. CNY).",
        "“{value}”不是币种代码（三个字母，如 CNY）。",
    ),
    "imp.page.write_failed": ("Nothing was imported.", "未导入任何数据。"),
    "imp.page.check": ("Check the files", "检查文件"),
    "imp.page.checking": ("Reading and checking every row…", "正在读取并逐行检查……"),
    "imp.page.changed": (
        "The files, columns or options changed since the last check: check again.",
        "自上次检查后文件、列对应或选项已更改，请重新检查。",
    ),
    "imp.page.report": ("Check report", "检查报告"),
    "imp.page.rows_read": ("Rows read", "读取行数"),
    "imp.page.rows_clean": ("Clean rows", "无误行数"),
    "imp.page.rows_rejected": ("Rows with errors", "有错误的行"),
    "imp.page.rows_rejected.help": (
        "Rows with at least one error are not imported (see the list).",
        "至少有一个错误的行不会导入（见列表）。",
    ),
    "imp.page.skipped": (
        "{n} rows are left out as intended, not as errors: already in the database, or total lines (see the list).",
        "{n} 行按预期不导入（并非错误）：已在数据库中，或为合计行（见列表）。",
    ),
    "imp.page.warnings": ("Notes", "提示"),
    "imp.page.warnings.help": (
        "Values imported as interpreted (refunds, Excel date numbers, separators ...) and what was assumed or done "
        "for a whole file (default margin, encoding, customers created ...).",
        "已按解读结果导入的值（退款、Excel 日期序号、千分位等）以及对整个文件的假设或处理（默认毛利率、编码、创建客户等）。",
    ),
    "imp.page.by_kind": ("Problems by kind", "问题分类"),
    "imp.page.problems": ("Problem list", "问题列表"),
    "imp.page.problems.more": (
        "Showing {shown} of {total} problems; the download holds the first {listed}.",
        "显示 {total} 个问题中的 {shown} 个；下载文件包含前 {listed} 个。",
    ),
    "imp.page.download": ("Download the problem list (CSV)", "下载问题列表（CSV）"),
    "imp.page.import": ("Import clean rows", "导入无误行"),
    "imp.page.import.help": (
        "Rows with errors are left out. The data is replaced (or appended) in one step; the app keeps working meanwhile.",
        "有错误的行不导入。数据一步替换（或追加），期间应用照常可用。",
    ),
    "imp.page.stop": ("Stop", "停止"),
    "imp.page.stopped": ("Stopped: nothing was changed.", "已停止：未做任何改动。"),
    "imp.page.running": ("Importing…", "正在导入……"),
    "imp.page.finished": ("Import complete", "导入完成"),
    "imp.page.busy": (
        "Another import of this database is running: try again when it has finished.",
        "该数据库正在进行另一项导入，请在其完成后重试。",
    ),
    "imp.page.rejected": ("Nothing was imported: see the report.", "未导入任何数据：请查看报告。"),
    "imp.page.backup": ("The previous database is kept as {file}.", "原数据库已保留为 {file}。"),
    "imp.page.see_overview": ("See the overview", "查看总览"),
    "imp.step.reading": ("Reading the files", "读取文件"),
    "imp.step.checking": ("Checking the rows", "检查数据行"),
    "imp.step.writing": ("Writing the new database", "写入新数据库"),
    "imp.step.deriving": ("Computing the per-customer tables", "计算客户汇总表"),
    "imp.step.loaded": ("Saving the new database", "保存新数据库"),
    "imp.step.saved": ("Keeping the old database as a backup", "备份原数据库"),
    "imp.step.replacing": ("Switching to the new database", "切换到新数据库"),
    "imp.step.priming": ("Preparing the pages' figures", "准备页面数据"),
    "imp.step.done": ("Done", "完成"),
}

"""Strings of logins, roles, the users page and the audit log."""

STRINGS = {
    # Login screen and refusals
    "access.login.title": ("Customer value dashboard", "客户价值看板"),
    "access.login.text": (
        "Log in with your company account to continue.",
        "请使用公司账号登录后继续。",
    ),
    "access.login.button": ("Log in", "登录"),
    "access.logout": ("Log out", "退出登录"),
    "access.unknown_user": (
        "{login} is logged in but is not a user of this app. Ask a director to add you on the "
        "Users page, then log in again.",
        "{login} 已登录，但不是本应用的用户。请联系总监在“用户”页面添加您，然后重新登录。",
    ),
    "access.no_login": (
        "Your identity provider did not report an email address, so you cannot be matched to a "
        "user. Ask your administrator to release the email claim to this app.",
        "身份提供方未返回电子邮箱，无法匹配到用户。请管理员向本应用开放 email 声明。",
    ),
    "access.no_stores": (
        "You are a store manager without a store. Ask a director to assign your stores.",
        "您是门店经理，但尚未分配门店。请联系总监分配门店。",
    ),
    "access.local_only": (
        "This copy runs without login, so it answers only on the computer it runs on. To share "
        "it, configure a login (README, section Logins).",
        "此副本未配置登录，因此只在运行它的计算机上可用。如需共享，请配置登录（见 README 的 Logins 一节）。",
    ),
    "access.refused": (
        "Your role ({role}) may not use this page.",
        "您的角色（{role}）无权使用此页面。",
    ),
    "access.import.refused": (
        "Only a director can import data. Your role: {role}.",
        "只有总监可以导入数据。您的角色：{role}。",
    ),
    # Sidebar
    "access.local_mode": ("local mode: one user, all rights", "本地模式：单一用户，拥有全部权限"),
    "access.local_mode.help": (
        "No login is configured, so the app only answers on this computer (localhost). "
        "To share it, configure a login (see the README, section Logins).",
        "未配置登录，因此应用只在本机（localhost）上可访问。如需共享，请配置登录（见 README 的 Logins 一节）。",
    ),
    "access.signed_in": ("Logged in: {name} · {role}", "已登录：{name} · {role}"),
    "access.stores.placeholder": ("All your stores", "您的全部门店"),
    "access.your_stores": ("Your stores: {stores}", "您的门店：{stores}"),
    # Roles
    "access.role.director": ("director", "总监"),
    "access.role.store_manager": ("store manager", "门店经理"),
    "access.role.analyst": ("analyst", "分析师"),
    # Users page
    "page.users": ("Users", "用户"),
    "users.title": ("Users and audit log", "用户与审计日志"),
    "users.caption": (
        "Who may log in, with which role and stores. A director sees every store, imports data "
        "and manages users; a store manager sees and exports only the customers of their "
        "stores; an analyst reads every store and exports no customer list.",
        "谁可以登录、以何种角色、看哪些门店。总监可查看全部门店、导入数据并管理用户；门店经理只能查看和导出"
        "本人门店的客户；分析师可查看全部门店，但不能导出客户名单。",
    ),
    "users.local_note": (
        "Local mode: nobody logs in, so this list takes effect only once a login is configured.",
        "本地模式：无人登录，此列表在配置登录后才生效。",
    ),
    "users.none": ("No users yet.", "尚无用户。"),
    "users.col.login": ("Login (email)", "登录名（邮箱）"),
    "users.col.display_name": ("Name", "姓名"),
    "users.col.role": ("Role", "角色"),
    "users.col.stores": ("Stores", "门店"),
    "users.col.updated_at": ("Changed", "修改时间"),
    "users.all_stores": ("all stores", "全部门店"),
    "users.edit": ("Add or change a user", "添加或修改用户"),
    "users.login": ("Login (email)", "登录名（邮箱）"),
    "users.login.help": (
        "The email address your identity provider reports for this person. The same login "
        "again changes that user.",
        "身份提供方为此人返回的电子邮箱。再次输入同一登录名即修改该用户。",
    ),
    "users.name": ("Name", "姓名"),
    "users.role": ("Role", "角色"),
    "users.stores": ("Stores (store managers)", "门店（门店经理）"),
    "users.stores.placeholder": ("Choose stores", "选择门店"),
    "users.save": ("Save user", "保存用户"),
    "users.saved": ("Saved {login}.", "已保存 {login}。"),
    "users.error": ("Not saved: {reason}", "未保存：{reason}"),
    "error.access.login_empty": ("the login (email) is empty", "登录名（邮箱）为空"),
    "error.access.too_long": ("at most {n} characters", "最多 {n} 个字符"),
    "error.access.login_space": ("a login has no spaces", "登录名不能包含空格"),
    "error.access.login_reserved": ("this login is reserved for local mode", "该登录名保留给本地模式"),
    "error.access.role": ("choose a role", "请选择角色"),
    "error.access.no_stores": ("a store manager needs at least one store", "门店经理至少需要一个门店"),
    "error.access.unknown_stores": ("no such store: {stores}", "门店不存在：{stores}"),
    "error.access.last_director": ("the last director cannot be removed", "不能删除最后一位总监"),
    "error.access.action": ("no such audit action: {action}", "没有这种审计操作：{action}"),
    "error.access.refused": (
        "the {role} role may not do this ({right})",
        "{role} 角色无权执行此操作（{right}）",
    ),
    "users.remove": ("Remove a user", "删除用户"),
    "users.remove.pick": ("User to remove", "要删除的用户"),
    "users.remove.placeholder": ("Choose a user", "选择用户"),
    "users.remove.button": ("Remove", "删除"),
    "users.removed": ("Removed {login}.", "已删除 {login}。"),
    "users.audit": ("Audit log", "审计日志"),
    "users.audit.caption": (
        "Imports, restores, saved and deleted scenarios, user changes and exports of customer "
        "lists, newest first.",
        "导入、恢复、保存及删除的方案、用户变更和客户名单导出，按时间倒序。",
    ),
    "users.audit.none": ("Nothing logged yet.", "尚无记录。"),
    "users.audit.col.logged_at": ("When", "时间"),
    "users.audit.col.actor": ("Who", "操作人"),
    "users.audit.col.action": ("What", "操作"),
    "users.audit.col.details": ("Details", "详情"),
    "audit.action.import": ("import", "导入"),
    "audit.action.restore": ("restore", "恢复"),
    "audit.action.scenario_save": ("scenario saved", "保存方案"),
    "audit.action.scenario_delete": ("scenario deleted", "删除方案"),
    "audit.action.user_change": ("user change", "用户变更"),
    "audit.action.export_customers": ("customer list exported", "导出客户名单"),
    # Replacing the data: the confirmation before an import
    "replace.preparing": ("Working out what the import changes…", "正在计算导入将带来的变化…"),
    "replace.warning": (
        "This import replaces every customer and order in the database. Saved scenarios, "
        "users and the audit log are kept, and the current data is kept as a backup.",
        "本次导入将替换数据库中的全部客户和工单。已保存的方案、用户和审计日志会保留，当前数据另存为备份。",
    ),
    "replace.customers": ("Customers", "客户数"),
    "replace.orders": ("Orders", "工单数"),
    "replace.dates": ("Order dates", "工单日期范围"),
    "replace.now": ("Now", "当前"),
    "replace.after": ("After the import", "导入后"),
    "replace.confirm": ("Replace the data", "替换数据"),
    "replace.cancel": ("Keep the current data", "保留当前数据"),
}

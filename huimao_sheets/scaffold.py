"""``huimao-sheets init [DIR]``: a folder to run the service from — a commented ``huimao.toml`` plus copies
of the shipped ``jobs/`` and ``templates/`` that the config points at, for an admin to edit.

Files that already exist are kept as they are, so running ``init`` again only adds what is missing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from huimao_sheets.errors import HuimaoError
from huimao_sheets.jobs import packaged_jobs
from huimao_sheets.reports.render import packaged_templates

WRITTEN, KEPT = "written", "kept"

CONFIG = '''\
# huimao-sheets 配置文件（huimao-sheets init 生成）。每一项都有默认值，不需要的可以删掉或保持注释。
# 相对路径都相对于运行 huimao-sheets 时的工作目录（systemd 的 WorkingDirectory）。
# 密码与密钥不写在这里：SMTP 密码放在环境变量 HUIMAO_SMTP_PASSWORD，Google 密钥是一个单独的 JSON 文件。

# 邮件与提示的语言: "zh"（默认）或 "en"
language = "zh"
# 日期与任务时间一律按北京时间（Asia/Shanghai）

# 登记表: 本地 .xlsx 文件路径，或 Google 表格 "gsheet:KEY" / "https://docs.google.com/spreadsheets/d/KEY/edit"
source = "客户登记.xlsx"
# Google 服务账号的 JSON 密钥文件（只在使用 Google 表格时需要；chmod 600）
# credentials = "credentials.json"

# 发信: smtp://用户@服务器:587（STARTTLS）或 smtps://用户@服务器:465（SSL）。
# 用户名中的 @ 写成 %40。不设置时，邮件写入 outbox_dir 目录下的 .eml 文件，不会真正发出。
# smtp = "smtps://report%40huimao.cn@smtp.exmail.qq.com:465"
mail_from = "慧茂周报 <report@huimao.cn>"
outbox_dir = "outbox"

# 状态目录: 运行记录、已发邮件、问题首次发现日期（SQLite）、调度器的锁文件
state_dir = ".huimao"

# 任务与邮件模板: 指向 init 复制出来的文件夹，修改其中的文件即可生效。
# 删除这两行则使用程序自带的版本。模板目录中缺少的文件会自动用自带的版本补上。
jobs_dir = "jobs"
templates_dir = "templates"

# 工作表名称（如果与默认的不同）
[sheets]
# clients = "客户档案"
# visits = "拜访记录"
# staff = "员工"
# plans = "拜访计划"
# findings = "数据检查"        # 服务自己写的工作表，不能与员工编辑的表同名

# 列名（如果与默认的不同）: [columns.表] 字段 = "表头文字"
[columns.clients]
# contact_mobile = "老板手机"

[checks]
# 撞车: 不同同事在多少天内拜访同一客户算撞车
collision_window_days = 7
# 按客户综合评估的跟进周期（天）；D 类不要求
cadence_days = { A = 14, B = 30, C = 60 }
# 天数按 "calendar"（自然日）还是 "working"（中国法定工作日，含调休）计算
day_count = "calendar"
# 公司自己的休息日（除法定节假日外），任务在这些天不运行，例如 ["2026-12-31"]
company_days_off = []
# 拜访日期晚于检查日期多少天以内不提醒
future_date_grace_days = 0
# 拜访应在拜访日期后多少个工作日内录入（需要状态目录：服务记得每条拜访第一次出现的日子）
late_entry_days = 2
# 客户反映的问题在多少个工作日内要填写“应对措施”（拜访记录的可选列）；超过两倍通知部门经理，三倍报市场总监
response_days = 3

[spot_check]
# 抽查样本: 市场总监周报每周从全公司、部门经理周报从本部门的拜访记录中各抽取多少条（0 表示不抽）
sample_size = 5
# 没有填写“客户反映问题”的拜访，被抽中的机会是其他拜访的几倍
no_problem_weight = 3

[scheduler]
# 调度器停机而错过的任务，当天在这个时刻之前补跑一次；之后只记录，不再补跑
catch_up_until = "17:30"
# 除了标准错误输出，日志也追加写入这个文件
# log_file = ".huimao/scheduler.log"
'''


@dataclass(frozen=True)
class Created:
    path: Path
    status: str          # written / kept


def _copy_folder(source: Path, target: Path, pattern: str) -> list[Created]:
    target.mkdir(parents=True, exist_ok=True)
    done = []
    for item in sorted(source.glob(pattern)):
        dest = target / item.name
        if dest.exists():
            done.append(Created(dest, KEPT))
        else:
            shutil.copyfile(item, dest)
            done.append(Created(dest, WRITTEN))
    return done


def init_folder(folder: str | Path = ".") -> list[Created]:
    """Write ``huimao.toml``, ``jobs/`` and ``templates/`` into ``folder``; existing files are kept."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "huimao.toml"
        done = [Created(config, KEPT)] if config.exists() else []
        if not done:
            config.write_text(CONFIG, encoding="utf-8")
            done.append(Created(config, WRITTEN))
        done += _copy_folder(packaged_jobs(), folder / "jobs", "*.toml")
        done += _copy_folder(packaged_templates(), folder / "templates", "*.j2")
    except OSError as exc:
        raise HuimaoError(f"无法在 {folder} 中写入文件: {exc}",
                          en=f"Cannot write files in {folder}: {exc}. Check that the folder is writable.") from exc
    return done

"""Weekly reports (DESIGN §6): each person their week, department managers their team, the director the company.

    week.py        which ISO week a report covers
    recipients.py  who gets what, from the 员工 sheet; a person with no valid address → ``missing_email``
    activity.py    the week's figures, computed once from the register (plain data)
    context.py     the plain-data context of each report: person, department, company
    strings.py     the words of the reports, zh and en
    render.py      jinja2 templates (``templates/``) → subject, text and inlined HTML
    daily.py       the daily digest; brief.py its pre-visit brief of each planned client
    weekly.py      ``send_weekly()``: build, preview, queue in the ledger and send — what the CLI and
                   the scheduler call
"""

from huimao_sheets.reports.weekly import (
    WeeklyRun,
    send_weekly,
    weekly_mails,
    write_weekly_outbox,
)

__all__ = ["WeeklyRun", "send_weekly", "weekly_mails", "write_weekly_outbox"]

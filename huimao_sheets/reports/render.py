"""Templates → mail: ``<kind>.subject.j2``, ``<kind>.txt.j2`` and ``<kind>.html.j2`` (STYLE §9).

Templates are looked up in ``templates_dir`` of the config first (an admin's copies; a file missing there
falls back to the shipped one), then in the templates shipped with the package (``templates/`` of the
repository). HTML templates are autoescaped — every cell value is escaped — and their CSS is inlined with
css-inline so that Outlook, Gmail, QQ Mail and Foxmail all show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import css_inline
import jinja2

from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.mail import SUBJECT_LIMIT, header_text
from huimao_sheets.reports.strings import CHANNEL_KEYS, OTHER_CHANNEL
from huimao_sheets.shipped import shipped_folder

CHANNEL_COLORS = {"电话": "#60a5fa", "上门": "#1d4ed8", "来访": "#10b981", OTHER_CHANNEL: "#9ca3af"}


def packaged_templates() -> Path:
    """The templates shipped with the package (``templates/`` of the repository; see ``huimao_sheets.shipped``)."""
    return shipped_folder("templates")


def _autoescape(name: str | None) -> bool:
    return bool(name) and not (name.endswith(".txt.j2") or name.endswith(".subject.j2"))


def pct(value: float, maximum: float) -> int:
    """A bar's width in percent of the largest value: 0 for nothing, at least 1 for something."""
    if not value or not maximum or value <= 0:
        return 0
    return max(1, min(100, round(100 * value / maximum)))


def segments(counts: dict[str, int], maximum: int) -> list[dict[str, Any]]:
    """The parts of a stacked bar (one per visit kind), widths in percent adding up to at most 100."""
    parts, used, running = [], 0, 0
    for key in CHANNEL_KEYS:
        n = counts.get(key, 0)
        if not n:
            continue
        running += n
        end = pct(running, maximum)
        width = max(end - used, 1)
        parts.append({"key": key, "count": n, "width": width, "color": CHANNEL_COLORS[key]})
        used += width
    return parts


def text_bar(value: float, maximum: float, width: int = 20) -> str:
    """A bar for the plain-text part: ``████░`` scaled to ``width`` characters."""
    n = round(width * pct(value, maximum) / 100)
    return "█" * n


@lru_cache(maxsize=8)
def _environment(folders: tuple[str, ...]) -> jinja2.Environment:
    """One environment per set of folders, so templates are compiled once per process (jinja2 still
    reloads a template whose file changed)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders), encoding="utf-8"),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = pct
    env.filters["text_bar"] = text_bar
    env.globals.update(segments=segments, channel_keys=CHANNEL_KEYS, colors=CHANNEL_COLORS)
    return env


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


class Renderer:
    def __init__(self, settings: Settings):
        folders = []
        if settings.templates_dir:
            custom = Path(settings.templates_dir)
            if not custom.is_dir():
                raise ConfigError(f"配置项 templates_dir 指向的目录 {custom} 不存在。"
                                  f"运行 `huimao-sheets init` 可复制一份模板以便修改，或删除该配置项使用内置模板。",
                                  en=f"The folder {custom} named by the setting templates_dir does not exist. Run "
                                     "`huimao-sheets init` to copy the templates there for editing, or remove the "
                                     "setting to use the built-in templates.")
            folders.append(str(custom))
        folders.append(str(packaged_templates()))
        self.env = _environment(tuple(folders))
        self.inliner = css_inline.CSSInliner(load_remote_stylesheets=False)

    def _render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"模板 {exc.filename or name} 第{exc.lineno}行有语法错误: {exc.message}",
                              en=f"Template {exc.filename or name} has a syntax error in line {exc.lineno}: "
                                 f"{exc.message}. Correct the template.") from exc
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"找不到模板 {exc.name}（在 {', '.join(self.env.loader.searchpath)} 中）",
                              en=f"Template {exc.name} not found (in {', '.join(self.env.loader.searchpath)}). Restore "
                                 "it, or copy it from the built-in templates with `huimao-sheets init`.") from exc
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"模板 {name} 用到了不存在的变量: {exc.message}",
                              en=f"Template {name} uses a variable that does not exist: {exc.message}. "
                                 "Correct the template.") from exc

    def subject(self, kind: str, context: dict[str, Any]) -> str:
        """``<kind>.subject.j2``, on one line."""
        return header_text(self._render(f"{kind}.subject.j2", context), SUBJECT_LIMIT)

    def render(self, kind: str, context: dict[str, Any]) -> Rendered:
        """Render ``<kind>.subject.j2``, ``<kind>.txt.j2`` and ``<kind>.html.j2`` with the same context."""
        subject = self.subject(kind, context)
        context = {**context, "subject": subject}
        text = self._render(f"{kind}.txt.j2", context)
        html = self.inliner.inline(self._render(f"{kind}.html.j2", context))
        return Rendered(subject, text, html)

    def page(self, name: str, context: dict[str, Any]) -> str:
        """Render any other HTML template (the preview index)."""
        return self._render(name, context)

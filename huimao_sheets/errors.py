"""One exception tree. Every message names what is wrong and how to fix it, in Chinese and in English.

``SourceError("找不到工作簿 x.xlsx…", en="Workbook x.xlsx not found…")`` carries both texts; ``str(exc)`` is the
text of ``exc.language`` — Chinese until whoever shows the message chooses (the CLI from the settings in force,
doctor and the scheduler from theirs) with ``in_language``. A message given in one language only (a plain
``str``) is shown as it is in either language.
"""

LANGUAGES = ("zh", "en")


class HuimaoError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback and exits with 2."""

    language = "zh"   # the language shown: the CLI's "错误:" becomes "Error:" for "en"

    def __init__(self, message: str = "", *args: object, en: str | None = None) -> None:
        super().__init__(message, *args)
        self.texts = {"zh": str(message)} if en is None else {"zh": str(message), "en": en}

    def in_language(self, language: str) -> "HuimaoError":
        """Show the message (and the CLI's label) in ``language`` from now on; returns the error itself."""
        if language in LANGUAGES:
            self.language = language
        return self

    def text(self, language: str) -> str:
        """The message in ``language`` (the one text there is when it was given in one language only)."""
        return self.texts.get(language) or self.texts["zh"]

    def __str__(self) -> str:
        return self.text(self.language)

    def __reduce__(self):  # keep both texts when pickled (``Exception`` would keep only ``args``)
        return (self.__class__, self.args, self.__dict__)


def message_in(exc: BaseException, language: str) -> str:
    """``exc``'s message in ``language`` (a ``HuimaoError``'s text in that language, else the exception's own)."""
    return exc.text(language) if isinstance(exc, HuimaoError) else str(exc)


class ConfigError(HuimaoError):
    """The configuration (huimao.toml, a job file, an option) is invalid."""


class SourceError(HuimaoError):
    """The workbook or Google Sheet cannot be opened, read or written."""


class SheetLayoutError(HuimaoError):
    """A worksheet or a required header is missing."""

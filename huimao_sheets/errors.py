"""One exception tree. Every message names what is wrong and how to fix it."""


class HuimaoError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback and exits with 2."""

    language = "zh"   # the message's language: the CLI's "错误:" becomes "Error:" for "en"

    def in_language(self, language: str) -> "HuimaoError":
        self.language = language
        return self


class ConfigError(HuimaoError):
    """The configuration (huimao.toml, a job file, an option) is invalid."""


class SourceError(HuimaoError):
    """The workbook or Google Sheet cannot be opened, read or written."""


class SheetLayoutError(HuimaoError):
    """A worksheet or a required header is missing."""

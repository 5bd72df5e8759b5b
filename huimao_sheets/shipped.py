"""Where the jobs and templates that ship with huimao-sheets are.

One copy lives at the top of the repository, ``jobs/`` and ``templates/``, as the project's owner asked:
that is where an admin looks for them. A wheel carries them inside the package (``huimao_sheets/shipped_jobs``,
``huimao_sheets/shipped_templates``): ``pyproject.toml`` maps those two package folders onto the top-level
ones when the wheel is built. A checkout or an editable install has no copy inside the package and uses the
top-level folder beside it. No symlink is involved, so a Windows checkout works as well.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped_folder(name: str) -> Path:
    """``jobs`` or ``templates``: inside the installed package, else at the top of the checkout."""
    inside = PACKAGE / f"shipped_{name}"
    return inside if inside.is_dir() else PACKAGE.parent / name

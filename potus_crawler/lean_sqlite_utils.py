"""sqlite-utils, imported without numpy: every module of ours takes ``Database`` and ``Migrations`` from here.

sqlite-utils imports numpy and pandas when they are installed (matplotlib brings numpy) only to map
their scalar types to column types when it creates a table from values; the crawler writes Python
values only. numpy's import is 0.1 s, half of what an analyst's command needs to start; hidden while
sqlite-utils is imported, it is left out of that mapping, and imports as usual for whoever needs it
later (the report's charts).
"""

from __future__ import annotations

import importlib
import sys

#: Optional imports of sqlite-utils that nothing of ours needs it to make.
UNUSED_OPTIONAL_IMPORTS = ("numpy", "pandas")

if "sqlite_utils" not in sys.modules:
    hidden = [name for name in UNUSED_OPTIONAL_IMPORTS if name not in sys.modules]
    # None in sys.modules makes an import raise ImportError, which sqlite-utils takes for "not installed".
    sys.modules.update(dict.fromkeys(hidden))
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]

from sqlite_utils import Database  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Database", "Migrations"]

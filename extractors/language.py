"""The language of a text, from the text itself (pages often keep a theme's default lang)."""

from __future__ import annotations

import py3langid

#: Below this many characters the identification is a coin toss; trust the markup instead.
MIN_CHARS = 40
#: The identifier's time grows with the text; an article's opening decides it as well as the whole does.
MAX_CHARS = 2000


def identify(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``; falls back to the declared ``lang`` (``en-US`` -> ``en``)."""
    if len(text) >= MIN_CHARS:
        code, _score = py3langid.classify(text[:MAX_CHARS])
        return code
    if declared:
        return declared.replace("_", "-").split("-")[0].lower() or None
    return None

"""What an operator's terminal, or cron's mail, shows of a crawl's log.

Below INFO (``potus-crawler crawl`` without ``--verbose``) an exception in a log record is
told in the record's own line, not as a traceback: an unreachable site or a refused
connection is one line per page, and Scrapy's robots.txt middleware, for one, logs every
download error with its traceback. ``--verbose`` and DEBUG keep the tracebacks.
"""

from __future__ import annotations

import logging


class ExceptionsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = record.exc_text = None
        return True


def tracebacks_in_one_line(level: str) -> None:
    """Install the filter on the root logger's handlers (Scrapy's) unless ``level`` is INFO or DEBUG."""
    text = str(level).strip()
    number = int(text) if text.isdigit() else logging.getLevelNamesMapping().get(text, logging.INFO)
    if number > logging.INFO:
        for handler in logging.getLogger().handlers:
            handler.addFilter(ExceptionsInOneLine())

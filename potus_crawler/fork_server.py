"""What the extraction pool's fork server does once, before it forks any worker: import the extractor
and take it through its first-use costs (the language model, dateparser's data), so that every worker
forked from it starts warm and shares that memory (``extraction.worker_context``).

Only the fork server imports this module. Like the workers, it ignores SIGINT and SIGTERM: a Ctrl-C
reaches the whole process group, and the server must outlive it to fork the workers that replace one
while the crawler finishes its pages. It ends with the crawler, when the pipe it watches closes.
"""

from potus_crawler.extraction import ignore_crawler_signals, warm_up

ignore_crawler_signals()
warm_up()

"""Our threads' names, shown by the operating system too: in ``top -H``, ``ps -L``, py-spy and /proc.

Python before 3.14 keeps a thread's name to itself. On Linux a thread can set the name the kernel
keeps for it (15 bytes at most) by writing ``/proc/self/task/<id>/comm``; elsewhere nothing changes.
"""

from __future__ import annotations

import threading

#: The most bytes of a name the kernel keeps.
OS_NAME_BYTES = 15


def name_os_thread() -> None:
    """Give the calling thread's Python name to the operating system's view of it."""
    name = threading.current_thread().name.encode("utf-8")[:OS_NAME_BYTES]
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/comm", "wb") as comm:
            comm.write(name)
    except OSError:
        pass

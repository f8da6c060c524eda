"""Keeping the garbage collector's full passes short in the long-running processes.

A full collection walks every container object the process tracks and holds the GIL meanwhile.
After start-up that is hundreds of thousands of objects which live as long as the process does
(modules, classes, functions, Qt wrappers, the window's widgets): walking them took 80-100 ms per
full pass, and those passes were the window's worst stalls while 50 sellers synced
(bench/bench_gui_responsiveness.py). Moving them to the permanent generation once start-up is
complete keeps them out of every later pass; what is created afterwards is collected as usual.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_objects() -> int:
    """Collect start-up garbage, then exempt everything alive now from future collections.

    Call once start-up is complete (window shown, scheduler planned). Collecting first means no
    garbage is frozen with the survivors. Returns how many objects are frozen.
    """
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("start-up objects kept out of garbage collection: %d", frozen)
    return frozen

"""`python -m atomik_tasks.cluster.local N FILE`: a LocalCluster of N worker processes (one `synth` resource each)
that writes its address to FILE and runs until it is sent SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from .connect import ALLOWED_FAILURES


def main(workers: int, address_file: Path) -> None:
    import dask
    from distributed import LocalCluster

    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    scratch = tempfile.mkdtemp(prefix="atomik-dask-")  # the workers' own folders: nothing shared with a checkout
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        resources={"synth": 1},
        local_directory=scratch,
        dashboard_address=None,
    )
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    tmp = address_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"address": cluster.scheduler_address, "pid": os.getpid(), "workers": workers}))
    os.replace(tmp, address_file)
    try:
        while not stop["now"]:
            signal.pause()
    finally:
        cluster.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))

"""The Dask client of a `doit` call. "local:N" starts a LocalCluster in a helper process once per build
(doit's own job processes share it through build/cluster/scheduler.json) and stops it when the run ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import AtomikError
from ..fsio import locked
from ..layout import Layout

START_TIMEOUT_S = 60
CONNECT_TIMEOUT_S = 5  # a scheduler that does not answer in this long is said in one line
ALLOWED_FAILURES = 1  # a task whose worker dies is run elsewhere once more, then fails


class ClusterError(AtomikError):
    """The cluster cannot be reached or started; the message says which and how."""


def _address_file(layout: Layout) -> Path:
    return Path(layout.build, "cluster", "scheduler.json")


def _alive(address: str) -> bool:
    from distributed import Client

    try:
        Client(address, timeout=3).close()
    except (OSError, TimeoutError):
        return False
    return True


def local_address(layout: Layout, workers: int) -> str:
    """The address of this build's LocalCluster, started when no live one is recorded."""
    path = _address_file(layout)
    with locked(path.with_suffix(".lock")):
        try:
            address = json.loads(path.read_text("utf-8"))["address"]
            if _alive(address):
                return address
        except (OSError, ValueError, KeyError):
            pass
        path.unlink(missing_ok=True)
        log = path.with_suffix(".log").open("w")
        subprocess.Popen(
            [sys.executable, "-m", "atomik_tasks.cluster.local", str(workers), str(path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not killed with the doit job process that started it
            cwd=layout.build,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if path.exists():
                return json.loads(path.read_text("utf-8"))["address"]
            time.sleep(0.2)
    raise ClusterError(
        f"the LocalCluster did not start in {START_TIMEOUT_S} s (see {layout.display(path.with_suffix('.log'))})"
    )


def client(scheduler: str, layout: Layout) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("dask.distributed is not installed: pip install 'atomik-tasks[cluster]'") from None
    if scheduler.startswith("local:"):
        try:
            workers = int(scheduler.split(":", 1)[1])
        except ValueError:
            raise ClusterError(
                f'[cluster] scheduler = "{scheduler}": write "local:N" with N worker processes'
            ) from None
        address = local_address(layout, workers)
    else:
        address = scheduler
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"the Dask scheduler {address} cannot be reached: {exc}") from None


def stop_at_exit(layout: Layout) -> None:
    """End this build's LocalCluster when the doit process that made the tasks ends (after its last report
    line). Its job processes, which start the cluster, end by os._exit and never run exit handlers."""
    import atexit

    atexit.register(stop_local, layout)


def stop_local(layout: Layout) -> None:
    """End this build's LocalCluster, if one was started."""
    path = _address_file(layout)
    if not path.exists():
        return
    try:
        pid = json.loads(path.read_text("utf-8"))["pid"]
        os.kill(int(pid), 15)
    except (OSError, ValueError, KeyError):
        pass
    path.unlink(missing_ok=True)

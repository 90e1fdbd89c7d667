"""The graph's doit adapter, pinned against the doit in use: if doit's internals move, this fails first."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import doit
from doit.exceptions import TaskFailed
from doit.task import Task

from atomik_tasks.errors import CheckFailed
from atomik_tasks.graph import doitapi


def test_doit_is_the_series_the_adapter_was_written_for():
    assert ".".join(map(str, doit.__version__[:2])) == doitapi.DOIT_SERIES


def _work():
    return None


def test_has_actions_reads_the_declared_list_without_building_actions():
    task = Task("t", [(_work, [])])
    assert isinstance(task._actions, list)  # what has_actions reads first
    assert doitapi.has_actions(task)
    assert task._action_instances is None  # reading it built no action objects
    assert not doitapi.has_actions(Task("group", None, task_dep=["t"]))


def test_stored_md5_reads_what_doits_md5_checker_stored(tmp_path):
    assert doitapi.stored_md5(str(tmp_path / "nothing.sqlite3")) is None
    (tmp_path / "in.txt").write_text("hello")
    (tmp_path / "dodo.py").write_text(
        "DOIT_CONFIG = {'backend': 'sqlite3', 'dep_file': 'db.sqlite3', 'check_file_uptodate': 'md5'}\n"
        "def task_copy():\n"
        "    return {'actions': ['cp in.txt out.txt'], 'file_dep': ['in.txt'], 'targets': ['out.txt']}\n"
    )
    subprocess.run([sys.executable, "-m", "doit"], cwd=tmp_path, check=True, capture_output=True)
    lookup = doitapi.stored_md5(str(tmp_path / "db.sqlite3"))
    assert lookup("copy", "in.txt") == hashlib.md5(b"hello").hexdigest()
    assert lookup("copy", "other.txt") is None


def test_call_turns_typed_failures_into_failed_tasks():
    def fails():
        raise CheckFailed("gcc exited 1")

    result = doitapi.call(fails)
    assert isinstance(result, TaskFailed) and "gcc exited 1" in result.get_msg()
    assert doitapi.call(lambda: False) is False
    assert doitapi.call(lambda: True) is None
    assert doitapi.call(lambda x: None, 1) is None


def test_a_plain_doit_runs_as_many_tasks_as_there_are_cores(tmp_path):
    import os

    from atomik_tasks.graph import doit_config
    from atomik_tasks.layout import Layout

    config = doit_config(Layout(tmp_path))
    assert config["num_process"] == len(os.sched_getaffinity(0)) >= 1  # `doit -n 1` on the command line wins

"""doit entry point: configuration plus task creators from atomik_tasks.graph. Run `doit list` to see them."""

from pathlib import Path

from atomik_tasks.graph import doit_config, pipeline_tasks
from atomik_tasks.layout import Layout

LAYOUT = Layout(Path(__file__).resolve().parent)
DOIT_CONFIG = doit_config(LAYOUT)


def task_atomik():
    yield from pipeline_tasks(LAYOUT)

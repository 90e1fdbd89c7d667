"""python -m atomik_tasks: see atomik_tasks.cli."""

import sys

from atomik_tasks.cli import main

sys.exit(main())

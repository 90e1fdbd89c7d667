"""FuseSoC generator entry point: `python3 atomik_gen.py <generator input yml>` (FuseSoC runs it)."""

import sys

try:
    from atomik_tasks.languages.verilog.generator import main
except ImportError as exc:
    sys.exit(f"atomik_gen: this python3 ({sys.executable}) cannot import atomik-tasks ({exc}): pip install it")

sys.exit(main(sys.argv[1:]))

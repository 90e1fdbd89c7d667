"""FuseSoC cores of the Verilog SDK: build/cores/<key>/ holds a schema's core file, RTL, testbench and vectors.

A core that points outside its own folder is deprecated in FuseSoC, so the folder holds copies.
"""

from __future__ import annotations

from pathlib import Path

from ...fsio import read_json, sha256_file, write_if_changed, write_json
from ...layout import Layout
from ..base import names

TB_FILES = ["atomik_tb_clock.v"]  # in cores/atomik_tb/, shared by every testbench


def core_files(layout: Layout, key: str) -> list[Path]:
    """The core file, RTL, testbench and hex vectors of one schema's core."""
    root = Path(layout.core_dir(key))
    return [
        root / f"atomik_{key}.core",
        root / "rtl" / f"atomik_{key}.v",
        root / "tb" / f"tb_atomik_{key}.v",
        root / "vectors.hex",
    ]


def write_core(layout: Layout, stem: str) -> None:
    """Copy one schema's RTL, testbench, core file and hex vectors into build/cores/<key>/."""
    key = names(read_json(Path(layout.model(stem, "ident"))))["key"]
    sdk = Path(layout.sdk("verilog"))
    core, rtl, tb, vec = core_files(layout, key)
    write_if_changed(core, (sdk / core.name).read_bytes())
    write_if_changed(rtl, (sdk / "rtl" / rtl.name).read_bytes())
    write_if_changed(tb, (sdk / "tb" / tb.name).read_bytes())
    write_if_changed(vec, Path(layout.vectors(stem, "hex")).read_bytes())
    base = Path(layout.cores_dir)
    write_json(
        Path(layout.manifest("cores", stem)), {str(p.relative_to(base)): sha256_file(p) for p in (core, rtl, tb, vec)}
    )

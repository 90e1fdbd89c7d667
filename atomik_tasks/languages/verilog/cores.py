"""FuseSoC cores of the Verilog SDK: build/cores/<key>/ holds a schema's core file, RTL, testbench and vectors.

A core that points outside its own folder is deprecated in FuseSoC, so the folder holds copies.
"""

from __future__ import annotations

from pathlib import Path

from ...fsio import read_json, sha256_file, write_if_changed, write_json
from ...layout import Layout
from ..base import names

SHIPPED = Path(__file__).resolve().parent / "shared_cores"
TB_FILES = ["atomik_tb_clock.v"]  # in shared_cores/atomik_tb/, shared by every testbench


def tb_files(layout: Layout) -> list[str]:
    """The shared testbench files (the project's own cores/atomik_tb/ copy when it has one)."""
    return [layout.core_file(SHIPPED, "atomik_tb", f) for f in TB_FILES]


def shared_core_files(layout: Layout, shipped: Path) -> dict[str, str]:
    """{path under build/cores/: source} of every shared core shipped in `shipped` (or overridden)."""
    return {
        f"{core.name}/{f.name}": layout.core_file(shipped, core.name, f.name)
        for core in sorted(shipped.iterdir())
        if core.is_dir()
        for f in sorted(core.iterdir())
        if f.is_file()
    }


def write_shared_cores(layout: Layout, files: dict[str, str]) -> None:
    """Copy the shared cores into build/cores/, so `fusesoc --cores-root build/cores` finds everything."""
    for rel, source in files.items():
        write_if_changed(Path(layout.cores_dir) / rel, Path(source).read_bytes())


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

"""The board design of a schema: its module behind the UART command decoder (`atomik-tasks docs uart-protocol`), a UART
testbench, and the family's constraint file; written to build/board/<key>/ by board:<schema>."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Section
from ..fsio import read_json, remove_files, sha256_text, write_if_changed, write_json
from ..languages import hdl, names
from ..languages.generate import read_ident
from ..layout import Layout
from . import boards, families
from .identity import design_id

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHIPPED_CORES = Path(__file__).resolve().parent / "shared_cores"
UART_FILES = ("atomik_uart_rx.v", "atomik_uart_tx.v")  # in shared_cores/atomik_uart/


def uart_files(layout: Layout) -> list[str]:
    """The shared UART (the project's own cores/atomik_uart/ copy when it has one)."""
    return [layout.core_file(SHIPPED_CORES, "atomik_uart", f) for f in UART_FILES]


def board_context(view: dict[str, Any], hw: Section) -> dict[str, Any]:
    ctx = hdl().context(view)
    board = boards.get(hw.board)
    zero_bytes = (len(ctx["fields"]) + 7) // 8
    ctx.update(
        board=board,
        baud=hw.baud,
        sim_clock=hw.sim_clock,
        design_id=design_id(view),
        zero_bytes=zero_bytes,
        rest_w=max(24, 8 * zero_bytes),
        value_w=max(ctx["data_width"], 24, 8 * zero_bytes),
    )
    return ctx


@functools.cache
def template_environment(*folders: str) -> Any:
    """The Jinja environment of the hardware stage's Verilog templates (the board design's, the proof harness'):
    the first folder holding a template wins."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_board(view: dict[str, Any], hw: Section, override: str | None = None) -> dict[str, str]:
    """Pure: {file name: content} of the board top, its UART testbench and its constraints.
    override: a project's own templates/board/, whose files replace the shipped ones of that name."""
    env = template_environment(*([override] if override else []), str(TEMPLATES))
    ctx = board_context(view, hw)
    key = ctx["key"]
    board = ctx["board"]
    family = families.of(board)
    return {
        f"atomik_board_{key}.v": env.get_template("board_top.v.j2").render(ctx),
        f"tb_uart_{key}.v": env.get_template("tb_uart.v.j2").render(ctx),
        f"atomik_board_{key}{family.constraint_suffix}": family.constraints(board, f"atomik_board_{key}"),
    }


def write_board(layout: Layout, stem: str, hw: Section) -> None:
    view = read_json(Path(layout.view(hdl().name, stem)))
    files = render_board(view, hw, layout.template_override("board"))
    out = Path(layout.board_dir(names(view["identity"])["key"]))
    for name, content in files.items():
        write_if_changed(out / name, content)
    write_json(Path(layout.manifest("board", stem)), {n: sha256_text(c) for n, c in sorted(files.items())})


def remove_board(layout: Layout, stem: str) -> None:
    """`doit clean` of board:<schema>: the files its manifest lists, the folder when it is left empty."""
    manifest = Path(layout.manifest("board", stem))
    ident = read_ident(layout.model(stem, "ident"))
    if manifest.exists() and ident:
        folder = Path(layout.board_dir(names(ident)["key"]))
        remove_files(folder, list(read_json(manifest)))
        with contextlib.suppress(OSError):
            folder.rmdir()
    manifest.unlink(missing_ok=True)


@dataclass(frozen=True)
class Design:
    """One schema's board design: its top module, folder and RTL files (shared UART, module, board top)."""

    key: str
    top: str
    folder: Path
    rtl: list[str]

    def constraint_file(self, suffix: str) -> Path:
        return self.folder / f"{self.top}{suffix}"


def design(layout: Layout, stem: str) -> Design:
    key = names(read_json(Path(layout.model(stem, "ident"))))["key"]
    uart = uart_files(layout)
    module = f"{layout.sdk(hdl().name)}/{hdl().module_path(key)}"
    folder = Path(layout.board_dir(key))
    top = f"atomik_board_{key}"
    return Design(key, top, folder, [*uart, module, str(folder / f"{top}.v")])


def files_read(layout: Layout, stem: str, simulation: bool) -> list[str]:
    """Every file of the project a synthesis (or, with simulation, a UART simulation) of one schema reads:
    what a worker with no shared checkout needs (the package's own files it has)."""
    d = design(layout, stem)
    files = [layout.model(stem, "ident"), layout.view(hdl().name, stem), *d.rtl, *(str(p) for p in d.folder.iterdir())]
    if simulation:
        files += [layout.vectors(stem, "hex"), *hdl().testbench_files(layout)]
    return sorted({f for f in files if f.startswith(layout.root + "/") and Path(f).is_file()})

"""Every board with its family's device and its programmer, as one table: `atomik-tasks plugins` prints it and
the README carries it (`atomik-tasks plugins --markdown`)."""

from __future__ import annotations

from typing import Any

from . import boards, families, programmers


def board_rows() -> list[dict[str, Any]]:
    rows = []
    for board in boards.all_boards().values():
        family = families.of(board)
        device = family.devices.get(board.series)
        prog = programmers.of(board)
        rows.append(
            {
                "board": board.name,
                "title": board.title,
                "family": family.name,
                "device": board.device,
                "luts": device.luts if device else 0,
                "bram_kbit": device.bram_bits // 1024 if device else 0,
                "clock_mhz": board.clock_hz / 1e6,
                "programmer": " ".join([prog.tool.command, *board.programmer_args]),
                "writes": "SRAM or flash" if board.writes_sram else "flash",
            }
        )
    return rows


def markdown_table() -> str:
    lines = [
        "| `board` | board | family | device | LUT4 | block RAM | clock | programmer | writes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in board_rows():
        lines.append(
            f"| `{r['board']}` | {r['title']} | {r['family']} | {r['device']} | {r['luts']:,} | {r['bram_kbit']} Kbit"
            f" | {r['clock_mhz']:g} MHz | `{r['programmer']}` | {r['writes']} |"
        )
    return "\n".join(lines) + "\n"

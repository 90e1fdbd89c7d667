"""Sipeed Tang Nano 9K: GW1NR-LV9QN88PC6/I5, 27 MHz clock, BL702 USB bridge (JTAG + UART)."""

from . import Board

BOARD = Board(
    name="tangnano9k",
    title="Sipeed Tang Nano 9K",
    family="gowin",
    device="GW1NR-LV9QN88PC6/I5",
    series="GW1N-9C",
    clock_hz=27_000_000,
    pins={
        "clk": 52,
        "btn_rst_n": 3,  # user button S1, active low
        "uart_rx": 18,  # from the on-board USB serial
        "uart_tx": 17,
        **{f"led[{i}]": pin for i, pin in enumerate((10, 11, 13, 14, 15, 16))},  # active low
    },
    pulls={"btn_rst_n": "up", "uart_rx": "up"},
    programmer="openfpgaloader",
    programmer_args=("-b", "tangnano9k"),
    usb_ids=((0x0403, 0x6010),),
    # measured 2026-11-26: a 6-bit counter, about the least logic a clocked design has, reaches 334-346 MHz
    # on the GW1N-9C with yosys synth_gowin + nextpnr-himbaechel
    fmax_ceiling_mhz=345.0,
)

"""Sipeed Tang Nano 20K: GW2AR-LV18QN88C8/I7, 27 MHz clock, BL616 USB bridge (JTAG + UART)."""

from . import Board

BOARD = Board(
    name="tangnano20k",
    title="Sipeed Tang Nano 20K",
    family="gowin",
    device="GW2AR-LV18QN88C8/I7",
    series="GW2A-18C",
    clock_hz=27_000_000,
    pins={
        "clk": 4,
        "btn_rst_n": 88,  # button S1, active high
        "uart_rx": 70,  # from the on-board USB serial
        "uart_tx": 69,
        **{f"led[{i}]": pin for i, pin in enumerate((15, 16, 17, 18, 19, 20))},  # active low
    },
    pulls={"btn_rst_n": "down", "uart_rx": "up"},
    reset_active_low=False,  # S1 is active high, with a pull-down
    # openFPGALoader 0.10 (Debian 12) has no tangnano20k board entry: its BL616 answers as an FT2232 cable
    programmer="openfpgaloader",
    programmer_args=("-c", "ft2232"),
    usb_ids=((0x0403, 0x6010),),
)

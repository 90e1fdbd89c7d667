"""1BitSquared iCEBreaker: Lattice iCE40UP5K-SG48, 12 MHz clock, FT2232H USB bridge (SPI flash + UART)."""

from . import Board

BOARD = Board(
    name="icebreaker",
    title="1BitSquared iCEBreaker",
    family="ice40",
    device="iCE40UP5K-SG48",
    series="up5k",
    package="sg48",
    clock_hz=12_000_000,
    pins={
        "clk": 35,
        "btn_rst_n": 10,  # user button BTN_N, active low
        "uart_rx": 6,  # from the FT2232H's second channel
        "uart_tx": 9,
        # LEDR_N and LEDG_N on the main board (active low), LED1-LED4 of the PMOD2 snap-off (active high)
        **{f"led[{i}]": pin for i, pin in enumerate((11, 37, 26, 27, 25, 23))},
    },
    pulls={"btn_rst_n": "up", "uart_rx": "up"},
    led_active_low=(True, True, False, False, False, False),
    programmer="openfpgaloader",
    programmer_args=("-b", "ice40_generic"),
    writes_sram=False,  # openFPGALoader writes an iCE40's SPI flash, which the FPGA then boots from
    usb_ids=((0x0403, 0x6010),),
)

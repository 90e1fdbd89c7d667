// Testbench clock with a watchdog: a simulation that stops making progress fails instead of hanging.
`timescale 1ns / 1ps
`default_nettype none

module atomik_tb_clock #(
    parameter integer HALF_PERIOD_NS = 5,
    parameter integer TIMEOUT_CYCLES = 20000000
) (
    output reg clk
);
    integer cycles;

    initial begin
        clk = 1'b0;
        cycles = 0;
    end

    always #HALF_PERIOD_NS clk = ~clk;

    always @(posedge clk) begin
        cycles = cycles + 1;
        if (cycles > TIMEOUT_CYCLES) $fatal(1, "watchdog: no end after %0d cycles", cycles);
    end
endmodule

`default_nettype wire

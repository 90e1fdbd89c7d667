// UART receiver, 8 data bits, no parity, 1 stop bit (8N1). rx is synchronized here; valid pulses for one
// clock with the received byte. A frame whose stop bit is low is dropped (framing error).
// Every decision reads flip-flops or short chains: the bit timer is a 4-bit counter that runs down every clock
// and, each time it passes zero (a registered flag), steps a short high counter down; the high counter passing
// zero into its top bit says "sample now". Loaded with (hi, lo), it fires 16 * hi + lo + 3 clocks later.
// The bit position is one-hot.
`default_nettype none

module atomik_uart_rx #(
    parameter integer CLKS_PER_BIT = 234  // at least 4
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       rx,
    output reg  [7:0] data,
    output reg        valid
);
    localparam integer HW = $clog2(CLKS_PER_BIT / 16 + 1) + 1;  // the high counter and its "expired" bit
    localparam integer HALF_N = CLKS_PER_BIT / 2 + 1 - 3;  // the start bit: sampled half a bit after its edge
    localparam integer FULL_N = CLKS_PER_BIT - 3;  // every later bit: a whole bit after the one before
    localparam integer HALF_HI_I = HALF_N / 16;
    localparam [HW-1:0] HALF_HI = HALF_HI_I[HW-1:0];
    localparam integer HALF_LO_I = HALF_N % 16;
    localparam [3:0] HALF_LO = HALF_LO_I[3:0];
    localparam integer FULL_HI_I = FULL_N / 16;
    localparam [HW-1:0] FULL_HI = FULL_HI_I[HW-1:0];
    localparam integer FULL_LO_I = FULL_N % 16;
    localparam [3:0] FULL_LO = FULL_LO_I[3:0];

    reg [1:0] sync;
    reg [3:0] lo;
    reg lo_out;  // lo passed zero: the high counter steps
    reg [HW-1:0] hi;
    reg [9:0] phase;  // one-hot: 0 the start bit, 1..8 the data bits, 9 the stop bit
    reg [7:0] shift;
    reg busy;
    wire line = sync[1];
    wire expired = hi[HW-1];

    always @(posedge clk) begin
        if (!rst_n) begin
            sync <= 2'b11;
            lo <= 4'd0;
            lo_out <= 1'b0;
            hi <= {HW{1'b0}};
            phase <= 10'd0;
            shift <= 8'd0;
            busy <= 1'b0;
            data <= 8'd0;
            valid <= 1'b0;
        end else begin
            sync <= {sync[0], rx};
            valid <= 1'b0;
            if (!busy) begin
                if (!line) begin  // start bit edge: sample it again half a bit later
                    busy <= 1'b1;
                    lo <= HALF_LO;
                    lo_out <= 1'b0;
                    hi <= HALF_HI;
                    phase <= 10'd1;
                end
            end else if (!expired) begin
                lo <= lo - 1'b1;
                lo_out <= (lo == 4'd0);
                if (lo_out) hi <= hi - 1'b1;
            end else begin
                lo <= FULL_LO;
                lo_out <= 1'b0;
                hi <= FULL_HI;
                phase <= {phase[8:0], 1'b0};
                if (phase[0]) begin
                    if (line) busy <= 1'b0;  // a glitch, not a start bit
                end else if (phase[9]) begin
                    busy <= 1'b0;
                    if (line) begin
                        data <= shift;
                        valid <= 1'b1;
                    end
                end else begin
                    shift <= {line, shift[7:1]};
                end
            end
        end
    end
endmodule

`default_nettype wire

// UART transmitter, 8N1. Raise start for one clock with data while ready is high.
// The bit timer is the receiver's (a 4-bit counter stepping a short high counter, whose top bit says "next bit
// now"), and the frame's end is a bit of a shift register, not a compare.
`default_nettype none

module atomik_uart_tx #(
    parameter integer CLKS_PER_BIT = 234  // at least 3
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       start,
    input  wire [7:0] data,
    output wire       ready,
    output reg        tx
);
    localparam integer HW = $clog2(CLKS_PER_BIT / 16 + 1) + 1;  // the high counter and its "expired" bit
    localparam integer FULL_N = CLKS_PER_BIT - 3;  // fires 16 * hi + lo + 3 clocks after it is loaded: one bit
    localparam integer FULL_HI_I = FULL_N / 16;
    localparam [HW-1:0] FULL_HI = FULL_HI_I[HW-1:0];
    localparam integer FULL_LO_I = FULL_N % 16;
    localparam [3:0] FULL_LO = FULL_LO_I[3:0];

    reg [3:0] lo;
    reg lo_out;  // lo passed zero: the high counter steps
    reg [HW-1:0] hi;
    reg [9:0] frame;  // the bits still to send, least significant first
    reg [10:0] left;  // a one marks the frame's end: shifted with each bit sent
    reg busy;
    assign ready = !busy;
    wire expired = hi[HW-1];

    always @(posedge clk) begin
        if (!rst_n) begin
            tx <= 1'b1;
            lo <= 4'd0;
            lo_out <= 1'b0;
            hi <= {HW{1'b0}};
            frame <= 10'h3ff;
            left <= 11'd0;
            busy <= 1'b0;
        end else if (!busy) begin
            if (start) begin
                frame <= {1'b1, data, 1'b0};
                left <= 11'b10000000000;
                busy <= 1'b1;
                lo_out <= 1'b0;
                hi <= {HW{1'b1}};  // expired: the start bit goes out on the next cycle
            end
        end else if (!expired) begin
            lo <= lo - 1'b1;
            lo_out <= (lo == 4'd0);
            if (lo_out) hi <= hi - 1'b1;
        end else if (left[0]) begin
            busy <= 1'b0;
        end else begin
            tx <= frame[0];
            frame <= {1'b1, frame[9:1]};
            left <= {1'b0, left[10:1]};
            lo <= FULL_LO;
            lo_out <= 1'b0;
            hi <= FULL_HI;
        end
    end
endmodule

`default_nettype wire

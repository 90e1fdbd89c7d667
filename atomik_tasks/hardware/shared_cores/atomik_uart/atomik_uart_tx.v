// UART transmitter, 8N1. Raise start for one clock with data while ready is high.
`default_nettype none

module atomik_uart_tx #(
    parameter integer CLKS_PER_BIT = 234
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       start,
    input  wire [7:0] data,
    output wire       ready,
    output reg        tx
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [CW-1:0] FULL = CLKS_PER_BIT[CW-1:0] - 1'b1;

    reg [CW-1:0] count;
    reg [3:0] bit_index;
    reg [9:0] frame;
    reg busy;
    assign ready = !busy;

    always @(posedge clk) begin
        if (!rst_n) begin
            tx <= 1'b1;
            count <= {CW{1'b0}};
            bit_index <= 4'd0;
            frame <= 10'h3ff;
            busy <= 1'b0;
        end else if (!busy) begin
            if (start) begin
                frame <= {1'b1, data, 1'b0};
                busy <= 1'b1;
                bit_index <= 4'd0;
                count <= {CW{1'b0}};
            end
        end else if (count != {CW{1'b0}}) begin
            count <= count - 1'b1;
        end else if (bit_index == 4'd10) begin
            busy <= 1'b0;
        end else begin
            tx <= frame[0];
            frame <= {1'b1, frame[9:1]};
            bit_index <= bit_index + 1'b1;
            count <= FULL;
        end
    end
endmodule

`default_nettype wire

// UART receiver, 8 data bits, no parity, 1 stop bit (8N1). rx is synchronized here; valid pulses for one
// clock with the received byte. A frame whose stop bit is low is dropped (framing error).
`default_nettype none

module atomik_uart_rx #(
    parameter integer CLKS_PER_BIT = 234
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       rx,
    output reg  [7:0] data,
    output reg        valid
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [CW-1:0] FULL = CLKS_PER_BIT[CW-1:0] - 1'b1;
    localparam integer HALF_CLKS = CLKS_PER_BIT / 2;
    localparam [CW-1:0] HALF = HALF_CLKS[CW-1:0];

    reg [1:0] sync;
    reg [CW-1:0] count;
    reg [3:0] bit_index;
    reg [7:0] shift;
    reg busy;
    wire line = sync[1];

    always @(posedge clk) begin
        if (!rst_n) begin
            sync <= 2'b11;
            count <= {CW{1'b0}};
            bit_index <= 4'd0;
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
                    count <= HALF;
                    bit_index <= 4'd0;
                end
            end else if (count != {CW{1'b0}}) begin
                count <= count - 1'b1;
            end else begin
                count <= FULL;
                if (bit_index == 4'd0) begin
                    if (line) busy <= 1'b0;  // a glitch, not a start bit
                    bit_index <= 4'd1;
                end else if (bit_index <= 4'd8) begin
                    shift <= {line, shift[7:1]};
                    bit_index <= bit_index + 1'b1;
                end else begin
                    busy <= 1'b0;
                    if (line) begin
                        data <= shift;
                        valid <= 1'b1;
                    end
                end
            end
        end
    end
endmodule

`default_nettype wire

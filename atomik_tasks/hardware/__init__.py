"""Hardware stage: board designs, their UART simulation, synthesis through a family's flow, programming and
board tests. A board is one module in boards/, a family (constraints, flows, reports) one module in families/."""

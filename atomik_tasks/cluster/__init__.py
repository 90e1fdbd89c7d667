"""Slow tasks (synthesis, UART simulation, proofs) on a Dask cluster while doit runs the rest. Inputs and outputs travel
through the result cache, so a worker needs the toolchain and the package but no shared checkout.

`[cluster] scheduler = "tcp://host:8786"` uses a running cluster; `"local:N"` starts a LocalCluster of N worker
processes for the length of a `doit` call. Without the section nothing changes.
"""

#: The tasks that run on the cluster when one is set (the rest run where doit runs).
KINDS = ("synth", "sim:uart", "prove")

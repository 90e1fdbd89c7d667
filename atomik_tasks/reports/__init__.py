"""Reports stage: the run record, JUnit, metrics and alerts, the agent context, the HTML page, `doit diff`."""

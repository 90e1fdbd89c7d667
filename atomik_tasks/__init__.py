"""atomik-tasks: ATOMiK delta-module schemas to verified SDKs and hardware, as a doit build."""

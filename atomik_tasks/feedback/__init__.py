"""The feedback stage: known failures are recognised (knowledge base), fixed without a model where the cure is
known (schema repairs, timing closure, one retry of a transient failure, the install command of a missing
tool), and what is left is escalated with the advice a person needs.

It sits above the reports and below the graph: the graph wires it into tasks, the stages below never see it.
"""

"""Diagnosis by a model of what the knowledge base does not know, under a hard token budget.

Off unless ANTHROPIC_API_KEY is set; `doit diagnose:<task>` runs it for an escalated failure, `[llm] auto = true`
after each escalation. Every call is in the ledger; a verified fix is learned, so the same failure costs 0 tokens
the next time.
"""

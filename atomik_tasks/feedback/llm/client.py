"""The official anthropic SDK, imported only when a diagnosis runs (`pip install 'atomik-tasks[llm]'`). It reads
ANTHROPIC_API_KEY and honours ANTHROPIC_BASE_URL itself; its retries cover rate limits and overload. Every
failure becomes one ModelError line; the key is never printed or recorded."""

from __future__ import annotations

import os
from typing import Any

from ...config import Section
from ...errors import AtomikError
from .prompt import Prompt

KEY_ENV = "ANTHROPIC_API_KEY"
TOOL = {
    "name": "propose_fix",
    "description": "Propose the fix of one atomik-tasks failure as a unified diff of a project file.",
    "input_schema": {
        "type": "object",
        "properties": {
            "cause": {"type": "string", "description": "why it fails, in one or two sentences"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "target": {"type": "string", "enum": ["schema", "template"]},
            "diff": {
                "type": "string",
                "description": "unified diff, paths a/<file> and b/<file> from the project root",
            },
        },
        "required": ["cause", "confidence", "target", "diff"],
    },
}


class ModelError(AtomikError):
    """A call that did not give an answer: bad key, no network, refused, timed out."""

    def __init__(self, message: str, billed_unknown: bool = False):
        super().__init__(message)
        self.billed_unknown = billed_unknown  # the request may have been processed (a timeout): charge the worst case


def enabled() -> bool:
    return bool(os.environ.get(KEY_ENV, "").strip())


def make(llm: Section) -> Any:
    try:
        import anthropic
    except ImportError:
        raise ModelError("the anthropic SDK is not installed: pip install 'atomik-tasks[llm]'") from None
    return anthropic.Anthropic(timeout=float(llm.timeout_s), max_retries=int(llm.max_retries))


def _system(prompt: Prompt) -> list[dict[str, Any]]:
    # the stable part is marked for prompt caching: a repeat reads it from the cache at a tenth of the price
    return [{"type": "text", "text": prompt.system, "cache_control": {"type": "ephemeral"}}]


def count(client: Any, model: str, prompt: Prompt) -> int | None:
    """The API's own count of the prompt's tokens, or None when it cannot give one (the caller estimates)."""
    import anthropic

    try:
        found = client.messages.count_tokens(
            model=model, system=_system(prompt), messages=[{"role": "user", "content": prompt.user}], tools=[TOOL]
        )
    except anthropic.AnthropicError:
        return None
    return int(found.input_tokens)


def ask(client: Any, model: str, prompt: Prompt, max_tokens: int) -> tuple[dict[str, Any] | None, dict[str, int]]:
    """One call; (the proposed fix, or None when the answer holds none; the usage the API returned)."""
    import anthropic

    try:
        reply = client.messages.create(
            model=model,
            max_tokens=max_tokens,
            system=_system(prompt),
            messages=[{"role": "user", "content": prompt.user}],
            tools=[TOOL],
            tool_choice={"type": "tool", "name": TOOL["name"]},
        )
    except anthropic.AuthenticationError:
        raise ModelError(f"the API refused the key ({KEY_ENV}): check it") from None
    except anthropic.PermissionDeniedError as exc:
        raise ModelError(f"the API refused the request: {exc.message[:200]}") from None
    except anthropic.BadRequestError as exc:
        raise ModelError(f"the API rejected the request: {exc.message[:200]}") from None
    except anthropic.RateLimitError:
        raise ModelError("rate limited, and still after the SDK's retries: try again later") from None
    except anthropic.APITimeoutError:
        raise ModelError("no answer in time ([llm] timeout_s)", billed_unknown=True) from None
    except anthropic.APIConnectionError:
        raise ModelError("cannot reach the API (no network, or ANTHROPIC_BASE_URL is wrong)") from None
    except anthropic.APIStatusError as exc:
        raise ModelError(
            f"the API answered {exc.status_code} (overloaded or failing), after the SDK's retries"
        ) from None
    u = reply.usage
    usage = {
        "input": int(u.input_tokens or 0),
        "output": int(u.output_tokens or 0),
        "cache_read": int(u.cache_read_input_tokens or 0),
        "cache_write": int(u.cache_creation_input_tokens or 0),
    }
    for block in reply.content:
        if getattr(block, "type", "") == "tool_use" and getattr(block, "name", "") == TOOL["name"]:
            fix = dict(block.input)
            if isinstance(fix.get("diff"), str) and isinstance(fix.get("cause"), str):
                return fix, usage
    return None, usage

"""Identifier forms used across targets, and the words each target reserves."""

from __future__ import annotations

import keyword
import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def snake(name: str) -> str:
    """PascalCase or snake_case to snake_case: H264Delta -> h264_delta, IMUFusion -> imu_fusion."""
    if "_" in name or name.islower():
        return "_".join(p for p in name.lower().split("_") if p)
    parts = _WORD.findall(name)
    out: list[str] = []
    for part in parts:
        # Digits stay glued to the word before them (H264 is one word).
        if part.isdigit() and out:
            out[-1] += part
        else:
            out.append(part.lower())
    return "_".join(out)


def camel(name: str) -> str:
    """snake_case to camelCase: price_delta -> priceDelta."""
    parts = [p for p in name.split("_") if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else name


def pascal(name: str) -> str:
    """snake_case to PascalCase: price_delta -> PriceDelta."""
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def upper(name: str) -> str:
    return snake(name).upper()


RESERVED: dict[str, frozenset[str]] = {
    "python": frozenset(keyword.kwlist) | frozenset(keyword.softkwlist),
    "rust": frozenset(
        """as async await break const continue crate dyn else enum extern false fn for if impl in let loop
        match mod move mut pub ref return self Self static struct super trait true type union unsafe use where
        while abstract become box do final gen macro override priv try typeof unsized virtual yield""".split()
    ),
    "c": frozenset(
        """auto break case char const continue default do double else enum extern float for goto if inline int
        long register restrict return short signed sizeof static struct switch typedef union unsigned void
        volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
        _Thread_local bool true false NULL""".split()
    ),
    "javascript": frozenset(
        """break case catch class const continue debugger default delete do else enum export extends false
        finally for function if import in instanceof new null return super switch this throw true try typeof
        var void while with yield let static implements interface package private protected public await
        arguments eval undefined NaN Infinity Object Array BigInt Error Symbol Promise""".split()
    ),
    "verilog": frozenset(
        """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default
        defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive
        endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if
        ifnone incdir include initial inout input instance integer join large liblist library localparam
        macromodule medium module nand negedge nmos nor noshowcancelled not notif0 notif1 or output parameter
        pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real
        realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small
        specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1
        triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor logic
        bit byte int shortint longint""".split()
    ),
}


def reserved_in(name: str) -> list[str]:
    """Targets in which name, or its snake_case form, is a reserved word."""
    forms = {name, snake(name)}
    return [lang for lang, words in RESERVED.items() if forms & words]

"""Hostile strings for every free-text schema field: each tries to end a comment, string or template in some
target and run code that creates the file PWNED."""

CORPUS = [
    # Python
    '"""; import os; os.system("touch PWNED"); """',
    "'''; open('PWNED', 'w'); '''",
    '\\"; open("PWNED", "w") #',
    "\nimport os\nos.system('touch PWNED')\n",
    "\r__import__('os').system('touch PWNED')",
    # C and C++
    '*/ int pwned = system("touch PWNED"); /*',
    'ends in a line splice \\\nsystem("touch PWNED");',
    'trigraph splice ??/\nsystem("touch PWNED");',
    '#include "/etc/passwd"\n#define int void',
    '"; system("touch PWNED"); char *x = "',
    # Rust
    '"#; std::process::Command::new("touch").arg("PWNED").status(); r#"',
    '*/ fn main() { std::fs::write("PWNED", "").unwrap(); } /*',
    "bidi \u202e}; evil(); {\u202c and \u2066isolates\u2069",
    # JavaScript
    "`; require('fs').writeFileSync('PWNED', ''); `",
    "${require('fs').writeFileSync('PWNED', '')}",
    "\u2028require('fs').writeFileSync('PWNED','')\u2029",
    "</script><script>require('fs').writeFileSync('PWNED','')</script>",
    # Verilog
    'endmodule module evil; initial $system("touch PWNED"); endmodule',
    '"); $system("touch PWNED"); $display("',
    '`define atomik_evil 1\n`include "/etc/passwd"',
    # Jinja and other templates
    "{{ 7*7 }} {{ self.__init__.__globals__ }}",
    "{% for x in range(9999999) %}{% endfor %}{% raw %}",
    "{# comment #} {%- endraw %} {{- '' -}}",
    # Tcl, constraint files, shells, make
    "[exec touch PWNED]",
    "$(touch PWNED) `touch PWNED` ; touch PWNED | touch PWNED && touch PWNED",
    'IO_LOC "clk" 52; IO_PORT "x" PULL_MODE=UP; // evil',
    "$(shell touch PWNED)\n\tall: ; touch PWNED",
    # control characters (no NUL), escapes, encodings, length
    "bell\a backspace\b escape\x1b[31m vtab\v formfeed\f del\x7f c1\x85\x9b",
    "\\x41 \\u0041 \\U00000041 \\101 \\n \\0 %s %n %x {0} %(x)s",
    "caf\u00e9 \u65e5\u672c\u8a9e \U0001f600 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \ufeffBOM \ufffd",
    "long " + "x" * 990,
]
assert len(CORPUS) >= 30

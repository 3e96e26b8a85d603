"""Hostile input, by attack class. Every string goes into every student-written field."""

from __future__ import annotations

LONG_WORD = "x" * 10_000

TEXT: dict[str, list[str]] = {
    "HTML and script injection": [
        "<script>window.__xss=1</script>",
        "<img src=x onerror=window.__xss=1>",
        "<svg onload=window.__xss=1>",
        '"><script>window.__xss=1</script>',
        "'><img src=x onerror=window.__xss=1>",
        '<iframe src="javascript:window.__xss=1"></iframe>',
        "<body onload=window.__xss=1>",
        "<ScRiPt>window.__xss=1</sCrIpT>",
        "<scr<script>ipt>window.__xss=1</script>",
        "</textarea></title><script>window.__xss=1</script>",
        "<details open ontoggle=window.__xss=1>",
        '<math><mi xlink:href="javascript:window.__xss=1">x</mi></math>',
        '<object data="data:text/html,<script>window.__xss=1</script>"></object>',
        "&lt;script&gt;window.__xss=1&lt;/script&gt;",
        "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
    ],
    "javascript: and data: links": [
        "javascript:window.__xss=1",
        "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        '<a href="javascript:window.__xss=1">click</a>',
    ],
    "Markdown injection": [
        "[click me](javascript:window.__xss=1)",
        '![img](x" onerror="window.__xss=1)',
        "# A heading",
        "**bold** and _italic_",
        '<div markdown="1">*emphasis*</div>',
        "| a | b |\n|---|---|",
        "```\ncode block\n```",
    ],
    "Attribute injection": [
        '" onmouseover="window.__xss=1',
        "' onfocus='window.__xss=1' autofocus='",
        "` onload=window.__xss=1",
        '{: onclick="window.__xss=1" }',
    ],
    "Template syntax (Jinja, MkDocs)": [
        "{{ 7*7 }}",
        "{% for x in range(3) %}loop{% endfor %}",
        "{{ config.extra }}",
        "{{ lipsum.__globals__ }}",
        "{# a comment #}",
        "{% raw %}",
        "${7*7}",
        "{{ page.meta }}",
    ],
    "Unicode edge cases": [
        "Zoë Ångström-Öberg",
        "👩‍⚕️ nurse 🌍✈️🇸🇪",
        "Z̷̧̛a̴͔l̶g̵o̷ text",
        "مرحبا بالعالم",
        "你好，世界",
        "zero\u200bwidth\u200djoin",
        LONG_WORD,
    ],
    "Spreadsheet formulas": [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(1,1)",
    ],
}

# Line breaks in every spelling a single-line field must refuse.
LINE_BREAKS: dict[str, str] = {
    "line feed (\\n)": "\n",
    "carriage return (\\r)": "\r",
    "U+2028 line separator": "\u2028",
    "U+2029 paragraph separator": "\u2029",
    "U+0085 next line": "\u0085",
}

# Text the validator refuses outright, with the words its message must contain.
REFUSED_TEXT: dict[str, str] = {
    "bidi override \u202eevil": "U+202E",
    "bidi isolate \u2066x\u2069": "U+2066",
    "escape \u001b[31m": "U+001B",
    "personnummer 19811218-9876": "personal identity number",
    "personnummer 811218\u20139876 (en dash)": "personal identity number",
    "personnummer 1981-12-18-9876": "personal identity number",
}


def _mapping_bomb() -> str:
    lines = ["l0: &l0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1, j: 1}"]
    for i in range(1, 7):
        refs = ", ".join([f"k{n}: *l{i - 1}" for n in range(12)])
        lines.append(f"l{i}: &l{i} {{{refs}}}")
    return "\n".join(lines) + "\n"


# YAML documents and the words the problem must contain.
YAML: dict[str, tuple[str, str]] = {
    "alias bomb": (
        "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
        "expand to more than",
    ),
    "anchor bomb in a mapping": (_mapping_bomb(), "expand to more than"),
    "deep flow nesting": ("id: x\nentries: " + "[" * 30_000 + "]" * 30_000 + "\n", "nest"),
    "deep block nesting": ("".join(" " * i + "k:\n" for i in range(0, 400, 2)), "nested more than"),
    "deep inline sequences": (
        "a:\n" + "".join("  " * i + "- \n" for i in range(200)) + "  x\n",
        "nested more than",
    ),
    "duplicate keys": ("id: a\nname: A\nname: B\n", "duplicate key 'name'"),
    "integer key": ("1: x\n", "is not text"),
    "boolean key": ("true: x\n", "is not text"),
    "null key": ("~: x\n", "is not text"),
    "complex key": ("? [a, b]\n: x\n", "is not text"),
    "python tag": ("a: !!python/object/apply:os.system ['id']\n", "is not allowed"),
    "binary tag": ("a: !!binary aGVsbG8=\n", "is not allowed"),
    "set tag": ("a: !!set {x}\n", "is not allowed"),
    "omap tag": ("a: !!omap [{x: 1}]\n", "is not allowed"),
    "timestamp tag": ("a: !!timestamp 2024-01-01\n", "is not allowed"),
    "custom tag": ("a: !evil x\n", "is not allowed"),
    "several documents": ("a: 1\n---\nb: 2\n", "more than one YAML document"),
    "very large file": ("bio: " + "x" * (2 << 20) + "\n", "larger than"),
    "byte-order mark": ("\ufeffid: a\n", "byte-order mark"),
    "tabs": ("a:\n\tb: 1\n", "not tabs"),
    "control character": ("a: \x07\n", "control characters are not allowed"),
    "not a number (.nan)": ("id: sara-ahmed\nx: .nan\n", "not a number you can use"),
    "infinity (.inf)": ("id: sara-ahmed\nx: -.inf\n", "not a number you can use"),
    "malformed integer tag": ("x: !!int xyz\n", "is marked as a number but is not one"),
    "malformed float tag": ("x: !!float xyz\n", "is marked as a number but is not one"),
    "5,000-digit number": ("x: " + "9" * 5000 + "\n", "far too long"),
    "line break in a name": ('id: sara-ahmed\nname: "Sara\\nAhmed"\n', "must be one line"),
    "line separator in a name": ('id: sara-ahmed\nname: "Sara\\LAhmed"\n', "must be one line"),
    "non-character in a name": ('id: sara-ahmed\nname: "Sara\\uFFFEAhmed"\n', "must be one line"),
    "country code with a trailing line break": (
        "id: sara-ahmed\norigin_country: |\n  DE\n",
        "two-letter country code",
    ),
    # 70,000 (the size limit's worth) in test_crashes.py, without the memory tracing here
    "5,000 unknown keys": (
        "id: sara-ahmed\n" + "".join(f"k{i}: 1\n" for i in range(5_000)),
        "unknown key 'k4999'",
    ),
}
INVALID_UTF8 = b"id: a\nname: \xff\xfe\n"

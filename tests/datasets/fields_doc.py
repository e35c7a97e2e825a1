#!/usr/bin/env python3
"""fields_doc.py - the field reference of docs/import.md and docs/importar.md,
generated from the binary itself (`embudo import --fields KIND --format json`), so
the guides list exactly the fields and headers the importer accepts.

Usage: fields_doc.py EMBUDO DOC...          rewrite the generated section of each DOC
       fields_doc.py --check EMBUDO DOC...  exit 1 when a DOC's section is out of date

The section lies between the lines "<!-- fields:begin ... -->" and
"<!-- fields:end -->"; a DOC whose name ends in "importar.md" gets Spanish headings
(the field descriptions are the binary's, in English).
"""
import json
import subprocess
import sys

KINDS = ["users", "teams", "regions", "accounts", "contacts", "leads", "products", "deals",
         "activities", "orders", "order_lines", "goals", "expenses", "rates", "pipelines", "stages"]
BEGIN = "<!-- fields:begin"
END = "<!-- fields:end -->"
WORDS = {
    "en": {"head": "| field | type | required | headers accepted | description |",
           "yes": "yes", "no": "no", "default": "default", "values": "values", "ref": "reference to",
           "note": "(generated from `embudo import --fields KIND`; do not edit by hand)"},
    "es": {"head": "| campo | tipo | obligatorio | cabeceras aceptadas | descripción (en inglés, como la da el programa) |",
           "yes": "sí", "no": "no", "default": "por defecto", "values": "valores", "ref": "referencia a",
           "note": "(generado con `embudo import --fields KIND`; no editar a mano)"},
}


def run(embudo, *args):
    return subprocess.run([embudo, *args], check=True, capture_output=True, text=True).stdout


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def section(embudo, lang):
    w = WORDS[lang]
    out = [f"{BEGIN} {w['note']} -->", ""]
    for kind in KINDS:
        summary = run(embudo, "import", "--fields", kind).splitlines()[0]
        fields = json.loads(run(embudo, "import", "--fields", kind, "--format", "json"))
        out += [f"#### `{kind}`", "", cell(summary.split(": ", 1)[-1]), "", w["head"], "|---|---|---|---|---|"]
        for f in fields:
            typ = f["type"] if f["type"] != "reference" else f"{w['ref']} {f['references']}"
            req = w["yes"] if f["required"] else w["no"]
            desc = f["help"]
            if f.get("default"):
                desc += f"; {w['default']}: {f['default']}"
            if f.get("values"):
                desc += f"; {w['values']}: " + ", ".join(f["values"])
            heads = ", ".join(f"`{h}`" for h in f["headers"])
            out.append(f"| `{f['name']}` | {cell(typ)} | {req} | {cell(heads)} | {cell(desc)} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv[1:] if a != "--check"]
    if len(args) < 2:
        sys.stderr.write("usage: fields_doc.py [--check] EMBUDO DOC...\n")
        return 2
    embudo, docs = args[0], args[1:]
    stale = 0
    for doc in docs:
        text = open(doc, encoding="utf-8").read()
        b, e = text.find(BEGIN), text.find(END)
        if b < 0 or e < b:
            sys.stderr.write(f"fields_doc.py: {doc} has no '{BEGIN} ... {END}' section\n")
            return 1
        new = text[:b] + section(embudo, "es" if doc.endswith("importar.md") else "en") + text[e + len(END):]
        if check:
            if new != text:
                sys.stderr.write(f"fields_doc.py: the field reference of {doc} is out of date; "
                                 f"run tests/datasets/fields_doc.py build/embudo {doc}\n")
                stale += 1
        elif new != text:
            open(doc, "w", encoding="utf-8").write(new)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

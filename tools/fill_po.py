"""Fill a .po catalog from a Python dict file of translations (msgid -> msgstr).

Usage: python tools/fill_po.py CATALOG.po TRANSLATIONS.py
Only used by developers when adding strings; the build compiles the .po files.
"""

import ast
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, dict_path: str) -> None:
    with open(dict_path, encoding="utf-8") as fh:
        translations = ast.literal_eval(fh.read())
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(key)
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, width=100)
    for key in missing:
        print("missing:", key)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

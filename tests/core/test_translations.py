"""German is the default language: its catalogue must be complete and compiled."""

import gettext
import re
from pathlib import Path

import quartiersnetz

LOCALE = Path(quartiersnetz.__file__).parent / "locale" / "de" / "LC_MESSAGES"
ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?'
    r'msgid ((?:".*"\n)+)'
    r'(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.MULTILINE,
)


def unquote(block):
    return "".join(
        line.strip()[1:-1] for line in block.splitlines() if line.strip().startswith('"')
    )


def po_entries():
    text = (LOCALE / "django.po").read_text()
    for match in ENTRY.finditer(text):
        context, msgid = unquote(match.group(1) or ""), unquote(match.group(2))
        if not msgid:
            continue
        translations = [
            unquote(part)
            for part in re.split(r"^msgstr(?:\[\d\])? ", match.group(3), flags=re.MULTILINE)
            if part
        ]
        key = f"{context}\x04{msgid}" if context else msgid
        yield key, translations


def test_every_message_has_a_german_translation():
    missing = [key for key, translations in po_entries() if not all(translations)]
    assert not missing, f"untranslated: {missing}"


def test_no_translation_is_marked_fuzzy():
    text = (LOCALE / "django.po").read_text()
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]


def test_compiled_catalogue_is_up_to_date():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    compiled_keys = {key[0] if isinstance(key, tuple) else key for key in catalogue._catalog}
    # Escaped characters (\n, \") are spelled differently in the .po file.
    stale = [key for key, _ in po_entries() if "\\" not in key and key not in compiled_keys]
    assert not stale, f"run `make messages`: {stale[:5]}"


# gettext inside an f-string: makemessages cannot extract it, so it is never translated.
GETTEXT_IN_F_STRING = re.compile(r"""\bf(["']).*?\{\s*(?:_|gettext|pgettext|ngettext)\(""")


def test_no_message_is_marked_inside_an_f_string():
    source = Path(quartiersnetz.__file__).parent
    offenders = [
        f"{path.relative_to(source)}:{number}"
        for path in source.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if GETTEXT_IN_F_STRING.search(line)
    ]
    assert offenders == []

/*
 * i18n.h - the language of messages for people: the gettext macros and the choice
 * of language.
 *
 * Every message, help text, table heading and unit shown to people is written in
 * English in the sources, wrapped in _() (translated where it is used) or N_()
 * (marked for the catalogue, translated later with _() on the variable). The
 * catalogue of each language is po/LANG.po; `xgettext -k_ -kN_ -kNC_:1c,2` over src/ lists
 * what it must hold (tests/integration/i18n.sh checks es.po is complete).
 *
 * State: this module keeps none of its own. i18n_use() sets what GNU gettext itself
 * keeps per process: the text domain and its directory and codeset, the
 * LC_MESSAGES category of the C locale (only that category: numbers printed with
 * printf keep the C locale's point), and the LANGUAGE environment variable. Call
 * it from the main thread before other threads start, and again only there (the
 * CLI calls it at start and once more when the organisation's locale is known).
 * Machine-readable output (JSON, CSV, keys, codes) never goes through _().
 */
#ifndef EMB_I18N_H
#define EMB_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Words whose translation depends on their use (gettext's msgctxt; "created" is
 * "creación" as a record's field and "creadas" as a part of the waterfall):
 * NC_("field", "created") marks one for the catalogue (xgettext's keyword
 * NC_:1c,2) and i18n_pgettext("field", word) translates it; a word without a
 * translation (or too long, over 200 bytes with its context) is returned as it is. */
#define NC_(c, s) (s)
const char *i18n_pgettext(const char *context, const char *msgid);

/* The text domain of the catalogues (embudo.mo). */
#define I18N_DOMAIN "embudo"

typedef enum { I18N_EN = 0, I18N_ES = 1 } i18n_lang;

/* "en" or "es" (an organisation's locale, --lang) to *out; -1 for anything else. */
int i18n_lang_parse(const char *code, i18n_lang *out);
/* The language of the environment by POSIX precedence (LC_ALL, then LC_MESSAGES,
 * then LANG; the first one set and not empty): Spanish when it begins with "es",
 * English otherwise (also when none is set, or for "C"/"POSIX"). */
i18n_lang i18n_lang_from_env(void);
/* "en" or "es". */
const char *i18n_code(i18n_lang lang);

/* Makes gettext() answer in lang from now on: the catalogue directory is the
 * build tree's po/ beside the running executable when it holds a catalogue, else
 * the installed one (EMB_LOCALEDIR, given by meson). English needs no catalogue. */
void i18n_use(i18n_lang lang);

#endif

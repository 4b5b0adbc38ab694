#!/usr/bin/env bash
# Messages of the dashboard, the situation report and the command line's help: extract, merge into
# es and en, compile.
#   scripts/i18n.sh           extract + update the .po catalogues (then translate the new entries)
#   scripts/i18n.sh compile   compile the .po catalogues to the .mo files shipped in the package
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
PYTHON=${PYTHON:-.venv/bin/python}
LOCALES=src/hito/locale
if [ "${1:-update}" = compile ]; then
  "$PYBABEL" compile -d "$LOCALES" -D hito --statistics
  exit 0
fi
"$PYBABEL" extract -F scripts/babel.cfg --no-location --sort-output --omit-header \
  -k _ -k gettext -k tr:2 -k catalogued -k Problem -k Plural:1,2 -o "$LOCALES/hito.pot" src/hito
# the help of `hito` and its commands: docstrings, options' help, Typer's words (hito/cli/helptext.py)
PYTHONPATH=src "$PYTHON" -m hito.cli.helptext "$LOCALES/hito.pot"
for lang in es en; do
  if [ -f "$LOCALES/$lang/LC_MESSAGES/hito.po" ]; then
    "$PYBABEL" update -w 100 -i "$LOCALES/hito.pot" -d "$LOCALES" -D hito -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    "$PYBABEL" init -i "$LOCALES/hito.pot" -d "$LOCALES" -D hito -l "$lang"
  fi
done

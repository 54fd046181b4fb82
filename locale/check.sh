#!/bin/sh
# Check the translations: the Chinese catalogue compiles, has no untranslated and no fuzzy message, and each
# committed .mo is what its .po compiles to (run `make messages` or compilemessages after editing a .po).
# Usage: sh locale/check.sh
set -eu
cd "$(dirname "$0")/.."
status=0
zh=locale/zh_Hans/LC_MESSAGES/django.po
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$zh" 2>&1)
echo "$zh: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) echo "FAIL: $zh has untranslated or fuzzy messages" >&2; status=1 ;;
esac
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for po in locale/*/LC_MESSAGES/django.po; do
  msgfmt --check-format -o "$tmp" "$po"
  if ! cmp -s "$tmp" "${po%.po}.mo"; then
    echo "FAIL: ${po%.po}.mo is not compiled from the current $po" >&2
    status=1
  fi
done
exit $status

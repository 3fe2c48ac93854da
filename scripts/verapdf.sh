#!/usr/bin/env bash
# Validate PDF files as PDF/A-2b with veraPDF (its greenfield validation library from Maven
# Central, run by scripts/verapdf/Validate.java):
#
#   scripts/verapdf.sh FILE.pdf...     prints each failed rule, then PASS|FAIL FILE per file;
#                                      exits 0 only when every file is compliant
#   scripts/verapdf.sh fetch           only resolve the library (first use does it too)
#
# The jars are cached in ${YEKUO_SERVICES_CACHE:-$HOME/.cache/yekuo-services}/maven/repo, as
# scripts/services.sh caches Elasticsearch; needs Java 17+ and Maven.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${YEKUO_SERVICES_CACHE:-$HOME/.cache/yekuo-services}
CLASSPATH_FILE=$CACHE/verapdf-1.30.2.classpath

die() { echo "verapdf.sh: $*" >&2; exit 2; }

fetch() {
  [ -s "$CLASSPATH_FILE" ] && return 0
  command -v mvn >/dev/null || die "mvn is not installed (apt-get install maven)"
  mkdir -p "$CACHE/maven/repo" "$CACHE/logs"
  (cd "$HERE/verapdf" && mvn -B -q -Dmaven.repo.local="$CACHE/maven/repo" \
    dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE.tmp") \
    >"$CACHE/logs/verapdf-fetch.log" 2>&1 \
    || die "resolving org.verapdf:validation-model failed; see $CACHE/logs/verapdf-fetch.log"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
}

validate() {
  command -v java >/dev/null || die "java is not installed (apt-get install default-jre-headless)"
  fetch
  exec java -cp "$(cat "$CLASSPATH_FILE")" "$HERE/verapdf/Validate.java" "$@"
}

case "${1:-}" in
  "") die "usage: verapdf.sh FILE.pdf... | fetch" ;;
  fetch) fetch ;;
  *) validate "$@" ;;
esac

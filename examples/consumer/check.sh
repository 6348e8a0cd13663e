#!/usr/bin/env bash
# Builds and runs this consumer project against the attentionzoo jars that `mvn install` put in the
# local repository, offline, and checks that it classifies cat.png as a cat: the README's Maven
# coordinates and Java snippet (ReadmeTest checks they are this project's) work for a user.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mvn -B -q -Dai.djl.offline=true compile exec:java -Dexec.args=cat.png 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v "Warning:"
if ! grep -q '"className": "cat"' <<<"$out"; then
    echo "consumer check: expected the top class \"cat\"" >&2
    exit 1
fi
echo "consumer check: passed"

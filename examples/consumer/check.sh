#!/usr/bin/env bash
# The README's "Use it from your project" as a user takes it: its pom and its Java pasted into an
# empty project, built with the system Maven against the jars that `mvn install` put in the local
# repository, offline, and run on cat.png, which must come out a cat with no logging noise.
# ReadmeTest checks that examples/consumer holds the same two files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/src/main/java/com/example"
# The first ```xml block and the first ```java block of the section, as a reader would copy them.
awk '/^## Use it from your project/{on=1; next} /^## /{on=0} on' "$here/../../README.md" > "$project/section.md"
awk '/^```xml$/{if (!done) {on=1; next}} /^```$/{if (on) {on=0; done=1}} on' "$project/section.md" > "$project/pom.xml"
awk '/^```java$/{if (!done) {on=1; next}} /^```$/{if (on) {on=0; done=1}} on' "$project/section.md" \
    > "$project/src/main/java/com/example/Classify.java"
cd "$project"
out=$(mvn -B -q -Dai.djl.offline=true compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.mainClass=com.example.Classify \
    -Dexec.args="$here/cat.png" 2>&1) || { echo "$out"; echo "consumer check: the README's project did not build or run" >&2; exit 1; }
echo "$out"
if ! grep -q '"className": "cat"' <<<"$out"; then
    echo "consumer check: expected the top class \"cat\"" >&2
    exit 1
fi
if grep -q "SLF4J\|LegacyTypeDispatch\|WARN" <<<"$out"; then
    echo "consumer check: logging noise in a user's first run" >&2
    exit 1
fi
echo "consumer check: passed (the README's pom and Java, pasted into an empty project)"

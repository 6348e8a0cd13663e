#!/usr/bin/env bash
# The README's "Use it from your project" as a user takes it: its pom, its Java and its logging file
# pasted into an empty project with cat.png beside them, then the README's own command,
#   mvn compile exec:java -Dexec.mainClass=com.example.Classify -Dexec.args=cat.png
# with the system Maven against the jars that `mvn install` put in the local repository. The program
# must name the cat, and its output (Maven's own lines set apart) must hold no engine or logging
# notice. ReadmeTest checks that examples/consumer holds the same files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/src/main/java/com/example" "$project/src/main/resources"
# The first ```xml, ```java and ```properties blocks of the section, as a reader would copy them.
awk '/^## Use it from your project/{on=1; next} /^## /{on=0} on' "$here/../../README.md" > "$project/section.md"
block() {
    awk -v lang="$1" '$0 == "```" lang {if (!done) {on=1; next}} /^```$/{if (on) {on=0; done=1}} on' "$project/section.md"
}
block xml > "$project/pom.xml"
block java > "$project/src/main/java/com/example/Classify.java"
block properties > "$project/src/main/resources/simplelogger.properties"
cp "$here/cat.png" "$project/cat.png"
command=$(grep -o 'mvn compile exec:java [^`]*' "$project/section.md" | head -1)
[ -n "$command" ] || { echo "consumer check: the README's section names no mvn compile exec:java command" >&2; exit 1; }
cd "$project"
# Maven's colours off so that its own lines can be told apart; otherwise the command as written.
log=$(MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.passthrough=false -Dstyle.color=never" bash -c "$command" 2>&1) || {
    echo "$log"; echo "consumer check: the README's project did not build or run ($command)" >&2; exit 1; }
# Maven's own lines start with [INFO], [WARNING] or [ERROR], or report downloads; the rest is the program's.
program=$(sed 's/\x1b\[[0-9;]*m//g' <<<"$log" | grep -Ev '^\[(INFO|WARNING|ERROR)\]|^Download(ing|ed) from|^Progress' || true)
echo "$program"
if ! grep -q '"className": "cat"' <<<"$program"; then
    echo "consumer check: expected the top class \"cat\"" >&2
    exit 1
fi
if grep -Eq 'NNPACK|^\[W|\[W:onnxruntime|SLF4J|LegacyTypeDispatch|WARN|INFO|Exception' <<<"$program"; then
    echo "consumer check: engine or logging notices in the program's output" >&2
    exit 1
fi
echo "consumer check: passed (the README's project and command, pasted into an empty directory)"

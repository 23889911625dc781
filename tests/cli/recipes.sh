#!/usr/bin/env bash
# README.md's recipes work as written. The fenced blocks tagged
# `file=PATH` (written to PATH) and `append=PATH` (appended to PATH) are
# copied out of README.md into a scratch copy of the source tree and built
# there, in a copy of this binary's build tree (so only what the recipes add
# compiles, a minute or two); the recipes' own tests, the registration test
# and the plan of every experiment's configs run; then a small sweep with
# each new algorithm beside an existing one, and the new experiment's quick
# config, are plotted and reported, and each new name must appear with a
# label in the figure's content (figures/<experiment>.json) and in
# REPORT.md.
source "$(dirname "$0")/common.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(dirname "$exe")
case "$build/" in
  "$root"/*) ;;
  *) echo "SKIP: build tree $build is not inside the source tree $root"; exit 77 ;;
esac
src="$work/src"

# 1. Scratch copies: the sources (no builds, results or git data) and this
# binary's build tree, its absolute paths rewritten to the copy with every
# file's time kept, so the build there sees only the recipes' changes.
mkdir -p "$src"
tar -C "$root" --exclude=./build --exclude=./results --exclude=./.git -cf - . | tar -C "$src" -xf -
copy="$src/${build#"$root"/}"
mkdir -p "$(dirname "$copy")"
cp -a "$build" "$copy"
/usr/bin/python3 - "$copy" "$root" "$src" <<'PY'
import os
import sys

tree, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
for folder, _, files in os.walk(tree):
    for name in files:
        path = os.path.join(folder, name)
        if os.path.islink(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data[:8192] or old not in data:
            continue  # object files and binaries keep their bytes
        times = os.stat(path)
        with open(path, "wb") as f:
            f.write(data.replace(old, new))
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
PY

# 2. The recipes, from the copy's README.md.
/usr/bin/python3 - "$src" <<'PY'
import os
import re
import sys

src = sys.argv[1]
fence = re.compile(r"^(\s*)```(\w+)\s+(file|append)=(\S+)\s*$")
lines = open(os.path.join(src, "README.md"), encoding="utf-8").read().split("\n")
count, i, new_sources = 0, 0, []
while i < len(lines):
    match = fence.match(lines[i])
    i += 1
    if not match:
        continue
    indent, _, mode, path = match.groups()
    body = []
    while not lines[i].strip().startswith("```"):
        body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
        i += 1
    i += 1
    target = os.path.join(src, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if mode == "file" and os.path.exists(target):
        sys.exit("recipe block %s=%s would overwrite a file of the tree" % (mode, path))
    with open(target, "a" if mode == "append" else "w", encoding="utf-8") as f:
        f.write("\n".join(body) + "\n")
    print("recipe: %s %s (%d lines)" % (mode, path, len(body)))
    if mode == "file" and path.endswith(".cc"):
        new_sources.append(target)
    count += 1
if count < 8:
    sys.exit("only %d recipe blocks (file= / append=) in README.md; is the tagging broken?" % count)
# The copied build compiles in unity batches: the recipes' new files compile
# on their own, so the batches already built stay as they are.
with open(os.path.join(src, "CMakeLists.txt"), "a", encoding="utf-8") as f:
    f.write("set_source_files_properties(%s TARGET_DIRECTORY expertlab_algorithms "
            "expertlab_experiments expertlab_tests PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)\n"
            % " ".join(new_sources))
PY

# 3. Build what the recipes add.
start=$SECONDS
cmake --build "$copy" -j "$(nproc)" --target expertlab expertlab_tests > "$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log"; fail "the recipes do not build"; }
pass "recipes built in $((SECONDS - start)) s"
new="$copy/expertlab"
export EXPERTLAB_HOME="$src"
"$copy/tests/expertlab_tests" "uniform_play*,topk_equal*,every algorithm*,every experiment*" \
  > "$work/tests.log" 2>&1 || { cat "$work/tests.log"; fail "the recipes' tests fail"; }
pass "the recipes' tests, the registration test and every config's plan pass"

# 4. Each new algorithm in a sweep beside an existing one, and the new
# experiment's quick config, plotted and reported: check_sweep NAME LABEL
# TEXT EXPERIMENT ARGS... (LABEL in the figure and REPORT.md, TEXT in
# REPORT.md).
check_sweep() {
  local name=$1 label=$2 description=$3 experiment=$4 out="$work/$1"
  shift 4
  "$new" run "$experiment" "$@" --quiet --out "$out" ||
    fail "$name: the sweep failed"
  "$new" plot "$experiment" --results "$out" > /dev/null || fail "$name: plot failed"
  "$new" report --results "$out" > /dev/null || fail "$name: report failed"
  /usr/bin/python3 - "$out/figures/$experiment.json" "$label" <<'PY' || fail "$name: not in the figure"
import json
import sys

content = json.load(open(sys.argv[1]))
texts = content["legend"] + [t for p in content["panels"] for t in [p["title"]] + p["legend"]]
texts += [line["label"] for p in content["panels"] for line in p["lines"]]
if not any(sys.argv[2] in t for t in texts):
    sys.exit("%s: no label or title holds '%s'; found %s" % (sys.argv[1], sys.argv[2], texts))
PY
  grep -qF "$label" "$out/REPORT.md" || fail "$name: REPORT.md does not name it"
  grep -qF "$description" "$out/REPORT.md" || fail "$name: REPORT.md lacks its description"
  pass "$name: swept, in the figure and in REPORT.md"
}
check_sweep learner "uniform_play(support=2)" "plays uniformly over the first m experts" hedge_regret \
  "learner=uniform_play(support=2),hedge" instance=planted_bernoulli n=4 T=256,1024 reps=3 \
  --config /dev/null
check_sweep router "topk_equal" "each weighted 1/k" moe_kernels \
  "router=topk_equal,topk_softmax(renormalize=true)" T=16,64 d=64 f=128 E=8 k=2 repeats=1 \
  references=false --config /dev/null
check_sweep experiment "p = 0.3" "## coin_mean: error of a sample mean vs N" coin_mean --quick

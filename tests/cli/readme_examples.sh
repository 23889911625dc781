#!/usr/bin/env bash
# Every command example in README.md and cluster/README.md runs end to end,
# read from their fenced code blocks so the text cannot drift from the
# program. `./lab X ...` runs as the binary's `expertlab X ...` (as do
# `expertlab ...` and `build/<preset>/expertlab ...`), in a fresh working
# directory per README so results/ lands there. A ```toml block whose first
# line is `# NAME.toml` is written there first, as the file the examples
# name. Skipped, with the reason printed: lab's own commands that are not
# the binary's (the main job, test, asan, bench), Slurm and MPI examples
# (cli.slurm and cli.determinism run those paths), and examples whose
# comment says what they need (`# needs ...`).
source "$(dirname "$0")/common.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

# extract README DIR: writes the named TOML blocks into DIR and prints one
# line per example: "run<TAB>where<TAB>argv (shell-quoted)" or
# "skip<TAB>where<TAB>command<TAB>reason".
extract() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import os
import re
import shlex
import sys

readme, workdir = sys.argv[1], sys.argv[2]
name = os.path.relpath(readme, os.path.dirname(os.path.dirname(os.path.abspath(readme)))) \
    if os.path.basename(os.path.dirname(readme)) == "cluster" else os.path.basename(readme)
blocks, block = [], None
for number, line in enumerate(open(readme, encoding="utf-8").read().splitlines(), 1):
    fence = line.strip()
    if fence.startswith("```"):
        if block is None:
            block = (fence[3:].strip(), [])
        else:
            blocks.append(block)
            block = None
    elif block is not None:
        block[1].append((number, line))

lab_only = {
    "": "lab's help",
    "help": "lab's help",
    "test": "builds and runs this test suite",
    "asan": "builds the asan preset and runs the tests under it",
    "bench": "runs the benchmarks (minutes)",
}
for language, lines in blocks:
    if language == "toml":
        match = re.match(r"#\s*([\w.-]+\.toml)\b", lines[0][1].strip()) if lines else None
        if match:
            with open(os.path.join(workdir, match.group(1)), "w") as f:
                f.write("\n".join(text for _, text in lines) + "\n")
        continue
    if language not in ("", "sh", "bash", "console"):
        continue
    logical = []  # (first line number, text) with continuations joined
    for number, text in lines:
        if logical and logical[-1][1].endswith("\\"):
            logical[-1] = (logical[-1][0], logical[-1][1][:-1] + " " + text.strip())
        else:
            logical.append((number, text.strip()))
    for number, text in logical:
        if not text or text.startswith("#"):
            continue
        where = "%s:%d" % (name, number)
        try:
            tokens = shlex.split(text)
        except ValueError:
            tokens = text.split()
        comment = ""
        for i, token in enumerate(tokens):
            if token.startswith("#"):
                comment = " ".join(tokens[i:]).lstrip("#").strip()
                tokens = tokens[:i]
                break
        commands, current = [], []
        for token in tokens:
            if token in ("&&", ";", "||", "|"):
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
        for argv in commands:
            if not argv:
                continue
            shown = " ".join(argv)
            binary = argv[0] == "expertlab" or argv[0].endswith("/expertlab")
            if any(re.search(r"\b(sbatch|mpirun|srun)\b|mpirun_example", t) for t in argv):
                print("skip\t%s\t%s\tneeds Slurm or MPI (cli.slurm, cli.determinism)"
                      % (where, shown))
            elif argv[0] != "./lab" and not binary:
                continue
            elif comment.startswith("needs "):
                print("skip\t%s\t%s\t%s" % (where, shown, comment))
            elif argv[0] == "./lab" and (len(argv) == 1 or argv[1] in lab_only):
                print("skip\t%s\t%s\tlab only: %s"
                      % (where, shown, lab_only[argv[1] if len(argv) > 1 else ""]))
            elif argv[0] == "./lab" and argv[1:] == ["run"]:
                print("skip\t%s\t%s\tlab only: the main job, every quick config "
                      "(minutes); its steps are binary commands" % (where, shown))
            elif any("$" in t for t in argv):
                print("skip\t%s\t%s\ta template of what a Slurm task runs (cli.slurm)"
                      % (where, shown))
            else:
                print("run\t%s\t%s" % (where, shlex.join(argv[1:])))
PY
}

ran=0
for readme in "$root/README.md" "$root/cluster/README.md"; do
  dir="$work/$(basename "$(dirname "$readme")")"
  mkdir -p "$dir"
  extract "$readme" "$dir" > "$work/examples"
  while IFS=$'\t' read -r kind where text reason; do
    if [ "$kind" = skip ]; then
      echo "skip: $where: $text ($reason)"
      continue
    fi
    eval "args=($text)"
    start=$SECONDS
    (cd "$dir" && "$exe" "${args[@]}" < /dev/null > "$work/output" 2>&1) ||
      { cat "$work/output"; fail "$where: expertlab $text"; }
    pass "$where: expertlab $text ($((SECONDS - start)) s)"
    ran=$((ran + 1))
  done < "$work/examples"
done
[ "$ran" -ge 8 ] || fail "only $ran examples found in the READMEs; is the extraction broken?"
pass "$ran README examples ran"

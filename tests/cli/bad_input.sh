#!/usr/bin/env bash
# Bad input: one readable line naming the problem, non-zero exit, and the
# results already stored left byte-for-byte untouched.
source "$(dirname "$0")/common.sh"
out="$work/results"
base=(hedge_regret T=64 reps=2 --config /dev/null --quiet)
"$exe" run "${base[@]}" n=2,4 --out "$out"
snapshot() { (cd "$out" && find . -type f | sort | xargs sha256sum); }
before=$(snapshot)

# expect_error <substring> <args...>
expect_error() {
  local want=$1; shift
  local status=0
  "$exe" "$@" > "$work/stdout" 2> "$work/stderr" || status=$?
  [ "$status" -ne 0 ] || fail "exit 0 for: $*"
  [ "$(wc -l < "$work/stderr")" -eq 1 ] ||
    { cat "$work/stderr"; fail "expected one line on stderr for: $*"; }
  grep -qF -- "$want" "$work/stderr" ||
    fail "stderr lacks '$want' for: $* (got: $(cat "$work/stderr"))"
  [ "$(snapshot)" = "$before" ] || fail "results changed after: $*"
  pass "$(cat "$work/stderr")"
}

expect_error "unknown experiment 'nope'" run nope --out "$out"
expect_error "unknown key 'm' for experiment 'hedge_regret'" run "${base[@]}" m=3 --out "$out"
expect_error "bad value 'abc' for 'n': expected an integer" run "${base[@]}" n=abc --out "$out"
expect_error "bad value '1' for 'n': out of range; expected an integer in [2, 1048576]" \
  run "${base[@]}" n=1 --out "$out"
expect_error "bad value '0.7' for 'delta': out of range" \
  run "${base[@]}" "instance=planted_bernoulli(delta=0.7)" --out "$out"
expect_error "unknown experts learner 'hedgehog'" run "${base[@]}" learner=hedgehog --out "$out"
printf '[grid\nn = 3\n' > "$work/bad.toml"
expect_error "bad.toml:1:" run hedge_regret --config "$work/bad.toml" --out "$out"
expect_error "malformed TOML" run hedge_regret --config "$work/bad.toml" --out "$out"
printf '[grid]\nn = "many"\n' > "$work/type.toml"
expect_error "bad value 'many' for 'n'" run hedge_regret --config "$work/type.toml" --out "$out"
expect_error "cannot read --config file '$work/missing.toml'" \
  run hedge_regret --config "$work/missing.toml" --out "$out"
expect_error "is not a directory" run "${base[@]}" --out "$out/store.db"
expect_error "cannot create --out directory" run "${base[@]}" --out "$out/store.db/sub"
expect_error "bad --shard '3/2': expected i/N" run "${base[@]}" --shard 3/2 --out "$out"
expect_error "bad --shard 'x': expected i/N" run "${base[@]}" --shard x --out "$out"
expect_error "was made with seed" run "${base[@]}" seed=99 --out "$out"
expect_error "unrecognised option '--thread'" run "${base[@]}" --thread 2 --out "$out"
expect_error "unknown command 'rn'" rn hedge_regret
expect_error "memory S = 32 is not in [1, n = 16]" run regret_vs_memory n=16 memory=8,32 --quick --out "$out"
expect_error "--config file '$work' is a directory, expected a file" \
  run hedge_regret --config "$work" --out "$out"
expect_error "--out is empty; expected a directory" run "${base[@]}" --out ""
expect_error "--reps: bad value '2000000' for 'reps': out of range" \
  run "${base[@]}" --reps 2000000 --out "$out"
expect_error "command line: 'n' is given twice ('n=2,4' and 'n=8')" \
  run "${base[@]}" n=2,4 n=8 --out "$out"
expect_error "bad --threads 100000: expected 0 (every hardware thread) to 1024" \
  run "${base[@]}" --threads 100000 --out "$out"
expect_error "the sweep has 134217728 items (128 cells x 1048576 replicates), more than the limit" \
  run hedge_regret "n=$(seq -s, 2 129)" T=64 reps=1048576 --config /dev/null --out "$out"
# Treatment-effect cells: bad policies and covariate files stop the plan.
printf '1,2,3\n4,nan,6\n' > "$work/nan.csv"
printf '1,2,3\n4,5\n' > "$work/narrow.csv"
cate=(cate_table --quick reps=1 --out "$work/cate")
expect_error "bad value '-1' for 'beta': out of range" run "${cate[@]}" beta=-1
expect_error "d = 11; expected d <= (dim - 2 mask) / 2 = 10 with 100 covariates" \
  run "${cate[@]}" d=11
expect_error "'$work/nan.csv' line 2 column 2 is 'nan'; expected a finite number" \
  run "${cate[@]}" covariates="$work/nan.csv" dim=3 mask=1
expect_error "'$work/narrow.csv' line 2 has 2 columns; expected 3" \
  run "${cate[@]}" covariates="$work/narrow.csv" dim=3 mask=1
expect_error "cannot read '$work/none.csv'" run "${cate[@]}" covariates="$work/none.csv"
[ ! -e "$work/cate" ] || fail "a rejected cate sweep wrote $work/cate"
# Routers: a parameter out of range, or a router the grid's E cannot host,
# stops the plan before anything is written.
routing=(routing_compare --quick reps=1 --out "$work/routing")
expect_error "moe router 'thor': bad value '-1' for 'alpha': out of range; expected a number in [0, inf]" \
  run "${routing[@]}" "router=thor(alpha=-1)"
expect_error "moe router 'moec': bad value '1' for 'q': out of range; expected a number in [0, 1)" \
  run "${routing[@]}" "router=moec(q=1)"
expect_error "moe router 'moec': bad value '-0.5' for 'q': out of range" \
  run "${routing[@]}" "router=moec(q=-0.5)"
expect_error "moec: groups = 3 must divide the number of experts E = 8" \
  run "${routing[@]}" "router=moec(groups=3)"
expect_error "unknown moe router 'nosuch'; expected one of {" run "${routing[@]}" router=nosuch
expect_error "moe router 'top_p': bad value '0' for 'p': out of range; expected a number in (0, 1]" \
  run "${routing[@]}" "router=top_p(p=0)"
expect_error "moe router 'top_p': bad value '1.5' for 'p': out of range" \
  run "${routing[@]}" "router=top_p(p=1.5)"
expect_error "moe router 'expert_choice': bad value '0' for 'capacity_factor': out of range" \
  run "${routing[@]}" "router=expert_choice(capacity_factor=0)"
expect_error "k: must be <= E = 8, got 9" run "${routing[@]}" k=9
# A router the layer's options cannot host.
expect_error "capacity_factor: the router fills every expert to its own capacity (expert choice)" \
  run "${routing[@]}" router=expert_choice capacity_factor=1.25
expect_error "switch: routes one expert per token, so the layer's k must be 1, got k = 2" \
  run "${routing[@]}" router=switch k=2
# A task structure that does not exist, or keys its structure cannot use.
expect_error "routing task: structure must be one of clusters, hierarchical, common_specific, skills" \
  run "${routing[@]}" structure=trees
expect_error "routing task: super must divide clusters K = 8, got 3" \
  run "${routing[@]}" structure=hierarchical super=3
expect_error "give fewer distinct skill subsets than the K = 8 tasks" \
  run "${routing[@]}" structure=skills skills=4
[ ! -e "$work/routing" ] || fail "a rejected routing sweep wrote $work/routing"
expect_error "char corpus: $work/no-corpus does not exist" \
  run routing_charlm --quick reps=1 --out "$work/charlm" corpus="$work/no-corpus"
[ ! -e "$work/charlm" ] || fail "a rejected routing_charlm sweep wrote $work/charlm"
# Slurm's variables, when set, must describe one task of one array.
SLURM_ARRAY_TASK_ID=abc SLURM_ARRAY_TASK_COUNT=4 \
  expect_error "bad SLURM_ARRAY_TASK_ID='abc': expected an integer >= 0" run "${base[@]}" --out "$out"
SLURM_ARRAY_TASK_ID=-1 SLURM_ARRAY_TASK_COUNT=4 \
  expect_error "bad SLURM_ARRAY_TASK_ID='-1'" run "${base[@]}" --out "$out"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=four \
  expect_error "bad SLURM_ARRAY_TASK_COUNT='four'" run "${base[@]}" --out "$out"
SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 \
  expect_error "SLURM_ARRAY_TASK_ID=4 is not one of the SLURM_ARRAY_TASK_COUNT=4 tasks" \
  run "${base[@]}" --out "$out"
SLURM_ARRAY_TASK_ID=2 \
  expect_error "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not" \
  run "${base[@]}" --out "$out"

# Data keys (common random numbers) must be grid keys.
printf 'data_keys = ["n", "horizon"]\n' > "$work/data.toml"
expect_error "data key 'horizon' is not a grid key of experiment 'hedge_regret'" \
  run hedge_regret --config "$work/data.toml" --out "$out"
printf 'reps = 2\ndata_keys = ["n"]\n[grid]\nn = [2, 4]\nT = 64\n' > "$work/other_data.toml"
expect_error "was made with data_keys [instance, n, T], this run uses [n]" \
  run hedge_regret --config "$work/other_data.toml" --quiet --out "$out"

# Explicit cell lists: zip groups and [[cells]] entries.
printf 'zip = [["n", "T"]]\n[grid]\nn = [2, 4]\nT = [8, 16, 32]\n' > "$work/zip.toml"
expect_error "zip group [n, T] needs lists of one length; n has 2, T has 3 values" \
  run hedge_regret --config "$work/zip.toml" --out "$out"
printf 'zip = [["n", "N"]]\n' > "$work/zipkey.toml"
expect_error "zip key 'N' is not a grid key of experiment 'hedge_regret'" \
  run hedge_regret --config "$work/zipkey.toml" --out "$out"
printf '[[cells]]\nn = 4\nm = 2\n' > "$work/cells.toml"
expect_error "[[cells]] entry 1: unknown key 'm' for experiment 'hedge_regret'; expected one of {learner," \
  run hedge_regret --config "$work/cells.toml" --out "$out"
printf '[grid]\nn = [2, 4]\n[[cells]]\nn = 4\n' > "$work/repeat.toml"
expect_error "[[cells]] entry 1 repeats cell {learner=hedge" \
  run hedge_regret --config "$work/repeat.toml" --out "$out"
printf '[grid]\nT = [8, 16]\n[[cells]]\nn = 4\n' > "$work/partial.toml"
expect_error "[[cells]] entry 1 does not give 'T', and the grid lists 2 values for it" \
  run hedge_regret --config "$work/partial.toml" --out "$out"

# Shards of two different sweep configs must not merge.
"$exe" run "${base[@]}" n=2,4 --shard 0/2 --out "$work/mixed"
"$exe" run hedge_regret n=2,8 T=64 reps=2 --config /dev/null --quiet --shard 1/2 --out "$work/mixed"
out="$work/mixed" before=$(cd "$work/mixed" && find . -type f | sort | xargs sha256sum)
expect_error "different sweep configs" merge "$work/mixed"
[ ! -e "$work/mixed/store.db" ] || fail "a failed merge created store.db"

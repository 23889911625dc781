#!/usr/bin/env bash
# Every Catch2 test case must become its own ctest entry. catch_discover_tests
# passes the names through CMake lists, where ';' separates entries and an
# unbalanced '[' or ']' swallows the rest of the list: one such name once
# turned some 250 test cases into a single entry whose filter matched
# nothing, so they silently stopped running. Names keep to other characters.
source "$(dirname "$0")/common.sh"
# Catch2 exits with the number of names listed.
names=$("$exe" --list-test-names-only || true)
[ "$(wc -l <<< "$names")" -gt 100 ] || fail "could not list the test names"
bad=$(grep '[][;\\]' <<< "$names" || true)
[ -z "$bad" ] || fail "test names with ; [ ] or \\ (CMake list syntax), rename them:
$bad"
pass "$(wc -l <<< "$names") test names are safe for ctest"

"""Names, labels and colours of the algorithms in a figure or a report.

What the registries say comes from the binary that draws the figure:
`expertlab plot` and `expertlab report` set EXPERTLAB_BINARY to themselves,
and ``registry()`` runs `$EXPERTLAB_BINARY list --json` once per process
(every family's names, descriptions and parameters). Without a binary (the
scripts' unit tests, a CSV copied elsewhere) every lookup falls back to the
spec text, so a figure is always drawn.

A figure may keep a table of curated labels and colours for the algorithms
it was designed around (``label(spec, known)``, ``Palette(known)``); an
algorithm it does not know gets its spec text as label, its registry
description in REPORT.md, and the next colour of a palette that avoids the
curated ones. No figure code changes when an algorithm is added.
"""

import json
import os
import re
import subprocess

# Okabe-Ito colours, then a few darker tones: distinct for colour-blind
# readers, used in order by algorithms a figure has no colour for.
FALLBACK_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                   "#000000", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD"]

_SPEC = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(?:\((.*)\))?\s*$")
_registry = None


def parse_spec(spec):
    """Algorithm spec string -> (name, {key: value text}):
    'hedge(schedule=fixed, eta=auto)' -> ('hedge', {'schedule': 'fixed', 'eta': 'auto'})."""
    match = _SPEC.match(str(spec))
    if not match:
        return str(spec), {}
    args = {}
    for part in (match.group(2) or "").split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            args[key.strip()] = value.strip()
    return match.group(1), args


def registry():
    """{family: [{"name", "description", "params": [{"name", "help"}]}]} from
    `$EXPERTLAB_BINARY list --json`; {} when there is no binary or it fails."""
    global _registry
    if _registry is None:
        _registry = {}
        binary = os.environ.get("EXPERTLAB_BINARY")
        if binary:
            try:
                out = subprocess.run([binary, "list", "--json"], check=True,
                                     capture_output=True, text=True, timeout=60).stdout
                _registry = json.loads(out)
            except (OSError, subprocess.SubprocessError, ValueError):
                _registry = {}
    return _registry


def _entry(family, name):
    return next((e for e in registry().get(family, []) if e["name"] == name), None)


def family_of(specs):
    """The algorithm family whose registry holds every spec's name (the
    first in registry order if several do; one name may be registered in
    two families), or None."""
    names = {parse_spec(s)[0] for s in specs}
    for family in registry():
        if family != "experiment" and all(_entry(family, n) for n in names):
            return family
    return None


def describe(spec, family):
    """The registry description of the spec's algorithm in ``family``, or
    None."""
    entry = _entry(family, parse_spec(spec)[0]) if family else None
    return entry["description"] if entry else None


def parameters(experiment):
    """The experiment's parameter names in declaration order, or None when
    the registry is not at hand."""
    entry = _entry("experiment", experiment)
    return [p["name"] for p in entry["params"]] if entry else None


def label(spec, known=None):
    """A legend label: the figure's curated label for the spec's name
    (``known``: {name: label}), with the spec's arguments appended; else
    the spec text itself, which names the algorithm as the command line
    does."""
    name, args = parse_spec(spec)
    if known and name in known:
        extra = ", ".join("%s=%s" % kv for kv in sorted(args.items()))
        return known[name] + (" [%s]" % extra if extra else "")
    return str(spec)


class Palette:
    """Colours by key: the curated ones (``known``: {key: colour}), then
    FALLBACK_COLORS not already curated, in the order keys are asked for."""

    def __init__(self, known=None):
        self.known = dict(known or {})
        self.spare = [c for c in FALLBACK_COLORS if c not in self.known.values()]
        self.assigned = {}

    def __call__(self, key):
        if key in self.known:
            return self.known[key]
        if key not in self.assigned:
            self.assigned[key] = self.spare[len(self.assigned) % len(self.spare)]
        return self.assigned[key]

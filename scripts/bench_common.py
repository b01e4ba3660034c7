"""Shared by the benchmark tables: the repository root, the best-known-values files of
../shared/bench, a release example's path, and one JSON answer from a command."""
import json, os, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_best_known(path):
    """Rows `(instance, int column, float column)` of a BKS.tsv / OPT.tsv file, in file order
    (comment lines, blank lines and the `instance` header are skipped)."""
    rows = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(parts) < 3 or parts[0] == "instance":
            continue
        rows.append((parts[0], int(parts[1]), float(parts[2])))
    return rows


def release_example(name):
    """Builds examples/NAME.rs in release mode and returns the binary's path."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", name], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "examples", name)


def run_json(cmd):
    """The last JSON line a command prints, or {"error": its last output}."""
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    return {"error": (out.stderr or out.stdout).strip()[-300:]}

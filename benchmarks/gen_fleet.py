#!/usr/bin/env python3
"""Writes a valid fleet spec: M machines x A actives x J jobs per active.

Each machine has two standbys: `sb0` protects the first half of its actives and
`sb1` the rest (N:1). Every fifth hot-standby job fails over to `sb0` on the next
machine instead (cross-machine). Sizes are chosen so every job starts without
expansion except the last job of each active, which expands from the pool.

    benchmarks/gen_fleet.py [--short] MACHINES ACTIVES JOBS > fleet.yaml

With --short, each machine's standbys get 512 MiB (their kernel) and its pool
8 GiB less: about a tenth of the cases are not covered, and the plan computes
and writes the fix (every other figure is planned alike).
"""
import sys


def main() -> None:
    args = sys.argv[1:]
    short = args[:1] == ["--short"]
    if short:
        args = args[1:]
    if len(args) != 3:
        sys.exit("usage: gen_fleet.py [--short] MACHINES ACTIVES JOBS")
    machines, actives, jobs = (int(a) for a in args)
    out = sys.stdout
    w = out.write
    w("# yaml-language-server: $schema=../schemas/spec.schema.json\n")
    w(f"# Generated fleet: {machines} machines x {actives} actives x {jobs} jobs.\n")
    w("version: 1\n")
    w("policies:\n  faults: [os, job, standby, memory]\n  memory_fault: {lost: 50%}\n")
    w("machines:\n")
    job_mi = 64
    kernel_mi = 512
    for m in range(machines):
        nxt = f"m{(m + 1) % machines}" if machines > 1 else None
        active_mi = kernel_mi + job_mi * (jobs - 1)  # the last job expands by 64Mi
        standby_mi = 512 if short else 1024
        pool_mi = 8192 + actives * job_mi - (8192 if short else 0)
        memory_mi = 4096 + actives * active_mi + 2 * standby_mi + pool_mi
        w(f"  - name: m{m}\n    memory: {memory_mi}Mi\n    monitor: 4Gi\n    oses:\n")
        for a in range(actives):
            sb = "sb0" if a < (actives + 1) // 2 else "sb1"
            w(f"      - name: a{a}\n        role: active\n        memory: {active_mi}Mi\n")
            w(f"        kernel: {kernel_mi}Mi\n        standby: {sb}\n        jobs:\n")
            for j in range(jobs):
                hot = j % 2 == 0
                line = f"          - {{name: a{a}-j{j}, memory: {job_mi}Mi"
                if hot:
                    line += ", hot_standby: true"
                    if j % 10 == 0 and nxt is not None:
                        line += f", standby: {nxt}/sb0"
                    elif j % 4 == 0:
                        line += f", standby_memory: {job_mi // 2}Mi"
                w(line + "}\n")
        for s in range(2):
            w(f"      - name: sb{s}\n        role: standby\n        memory: {standby_mi}Mi\n        kernel: 512Mi\n")


if __name__ == "__main__":
    main()

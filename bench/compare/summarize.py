"""Joins what bench/compare.sh left in its output directory into compare.json and compare.md.

    python3 summarize.py OUT [speedy-loadtest arguments...]

Reads OUT/runs.tsv (one line per registry, in the order they ran, the first being the baseline of the ratios:
name, URL, speedy-loadtest's exit code, what became of the server) and, per registry NAME:
- NAME.json: speedy-loadtest's figures;
- NAME.samples: the server process every 0.2 s (sample.py: time, VmRSS KiB, VmHWM KiB, CPU s);
- NAME.loadtest.txt: speedy-loadtest's output, each line after the Unix time it arrived. A step's line is printed
  as the step ends, so a step ran from that time less the step's seconds (in the JSON) to that time.
"""

import bisect
import json
import os
import sys

MIB_KIB = 1024


def rate(value):
    """Three figures or so, as speedy-loadtest prints them: 2480, 72.5, 1.98."""
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def milliseconds(value):
    return "-" if value is None else f"{value:.2f}" if value < 10 else f"{value:.0f}"


def fixed(value, digits):
    return "-" if value is None else f"{value:.{digits}f}"


def main_figure(step):
    """req/s for manifest requests; MB/s of bodies for every blob, image and mixed step; nothing for a failed setup."""
    if step["operation"] == "setup":
        return None, None
    if step["workload"] == "manifest":
        return "req/s", step["requestsPerSecond"]
    return "MB/s", step["megabytesPerSecond"]


def read_samples(path):
    samples = []
    if os.path.exists(path):
        with open(path) as lines:
            for line in lines:
                t, rss, hwm, cpu = line.split("\t")
                samples.append((float(t), int(rss), int(hwm), float(cpu)))
    return samples


def step_ends(path, steps):
    """The time each step's line arrived, matched in order; None for a step whose line is not found."""
    lines = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as stamped:
            for line in stamped:
                t, _, text = line.rstrip("\n").partition("\t")
                lines.append((float(t), text))
    ends, i = [], 0
    for step in steps:
        prefix = f"{step['workload']}: {step['step']} × {step['clients']}:"
        found = next((j for j in range(i, len(lines)) if lines[j][1].startswith(prefix)), None)
        ends.append(None if found is None else lines[found][0])
        i = i if found is None else found + 1
    return ends


def cpu_at(samples, times, t):
    """CPU seconds at time t, interpolated between the two samples around it (clamped to the first and last)."""
    i = bisect.bisect_left(times, t)
    if i == 0:
        return samples[0][3]
    if i == len(samples):
        return samples[-1][3]
    (t0, _, _, c0), (t1, _, _, c1) = samples[i - 1], samples[i]
    return c0 + (c1 - c0) * (t - t0) / (t1 - t0)


def step_resources(samples, start, end):
    """Peak VmRSS (MiB) of the samples taken during the step, and the CPU cores the server kept busy on average."""
    if not samples or start is None or end <= start:
        return None, None
    times = [s[0] for s in samples]
    during = [s[1] for s in samples if start <= s[0] <= end]
    peak = max(during) / MIB_KIB if during else None
    cores = (cpu_at(samples, times, end) - cpu_at(samples, times, start)) / (end - start)
    return peak, cores


def registry_summary(out, name, url, exit_code, server):
    json_path = os.path.join(out, f"{name}.json")
    report = None
    if os.path.exists(json_path):
        with open(json_path, encoding="utf-8") as f:
            report = json.load(f)
    steps = report["steps"] if report else []
    samples = read_samples(os.path.join(out, f"{name}.samples"))
    ends = step_ends(os.path.join(out, f"{name}.loadtest.txt"), steps)
    results = {}
    for step, end in zip(steps, ends):
        unit, value = main_figure(step)
        start = None if end is None else end - step["seconds"]
        peak, cores = step_resources(samples, start, end)
        results[(step["workload"], step["step"], step["clients"])] = {
            "unit": unit,
            "value": value,
            "p99Ms": step["p99Ms"],
            "failures": step["failures"],
            "errors": step["errors"],
            "peakRssMiB": None if peak is None else round(peak, 1),
            "cpuCores": None if cores is None else round(cores, 2),
        }
    summary = {
        "name": name,
        "url": url,
        "loadtestExitCode": exit_code,
        "server": server,
        "failures": report["failures"] if report else None,
        "peakRssMiB": round(max(s[2] for s in samples) / MIB_KIB, 1) if samples else None,
        "cpuSeconds": round(samples[-1][3] - samples[0][3], 2) if samples else None,
        "seconds": round(samples[-1][0] - samples[0][0], 2) if samples else None,
    }
    return summary, results


def markdown(registries, steps, arguments):
    base = registries[0]["name"]
    others = [r["name"] for r in registries[1:]]
    names = [r["name"] for r in registries]
    text = ["# Registry comparison", ""]
    text.append(f"speedy-loadtest {' '.join(arguments) or '(full run)'}, against each registry in turn on loopback.")
    text.append(f"MB/s is 10^6 bytes of bodies per second (blob, image and mixed steps), req/s is HTTP requests per second "
                f"(manifest steps); p99 is of the step's operation, in ms. A ratio above 1 is faster than {base}.")
    text.append("")
    header = ["workload", "step", "clients", "unit"]
    for name in names:
        header += [name, "p99 ms"]
    header += [f"{name} / {base}" for name in others]
    header.append("failures (" + " / ".join(names) + ")")
    text.append("| " + " | ".join(header) + " |")
    text.append("|---|---|---:|---|" + "---:|" * (len(header) - 4))
    for step in steps:
        cells = [step["workload"], step["step"].replace("|", "\\|"), str(step["clients"]), step["unit"] or "-"]
        for name in names:
            result = step["results"].get(name)
            cells += [rate(result and result["value"]), milliseconds(result and result["p99Ms"])]
        cells += [fixed(step["ratios"].get(f"{name}/{base}"), 2) for name in others]
        cells.append(" / ".join(str(step["results"][n]["failures"]) if n in step["results"] else "-" for n in names))
        text.append("| " + " | ".join(cells) + " |")

    text += ["", "## Server process", ""]
    text.append("Peak RSS is VmHWM at the end of the load (start-up included); CPU s is user plus system time from the "
                "moment the registry answered to the end of the load, and cores is that over the load's wall time.")
    text.append("")
    text.append("| registry | peak RSS MiB | CPU s | load s | cores | failures | speedy-loadtest exit | server |")
    text.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in registries:
        cores = r["cpuSeconds"] / r["seconds"] if r["seconds"] else None
        text.append(f"| {r['name']} | {fixed(r['peakRssMiB'], 0)} | {fixed(r['cpuSeconds'], 1)} | {fixed(r['seconds'], 1)} "
                    f"| {fixed(cores, 2)} | {'-' if r['failures'] is None else r['failures']} | {r['loadtestExitCode']} | {r['server']} |")

    text += ["", "## Per step: peak RSS (MiB) and CPU cores busy", ""]
    text.append("Peak RSS is the highest VmRSS sampled during the step (every 0.2 s); cores is the server's CPU time over the step's time.")
    text.append("")
    header = ["workload", "step", "clients"]
    for name in names:
        header += [f"{name} MiB", "cores"]
    text.append("| " + " | ".join(header) + " |")
    text.append("|---|---|---:|" + "---:|" * (len(header) - 3))
    for step in steps:
        cells = [step["workload"], step["step"].replace("|", "\\|"), str(step["clients"])]
        for name in names:
            result = step["results"].get(name)
            cells += [fixed(result and result["peakRssMiB"], 0), fixed(result and result["cpuCores"], 2)]
        text.append("| " + " | ".join(cells) + " |")

    errors = [(name, step, error) for step in steps for name in names
              if name in step["results"] for error in step["results"][name]["errors"]]
    if errors:
        text += ["", "## Errors (as speedy-loadtest reported them: the first five of each step)", ""]
        for name, step, error in errors:
            text.append(f"- {name}, {step['workload']} / {step['step']} × {step['clients']}: `{error.replace('`', chr(39))}`")
    return "\n".join(text) + "\n"


def main():
    out, arguments = sys.argv[1], sys.argv[2:]
    registries, per_registry = [], {}
    with open(os.path.join(out, "runs.tsv"), encoding="utf-8") as runs:
        for line in runs:
            name, url, exit_code, server = line.rstrip("\n").split("\t")
            summary, results = registry_summary(out, name, url, int(exit_code), server)
            registries.append(summary)
            per_registry[name] = results

    base = registries[0]["name"]
    # Every registry's steps in its own order; a step only some registries have goes after the one before it.
    keys = []
    for results in per_registry.values():
        at = 0
        for key in results:
            if key in keys:
                at = keys.index(key) + 1
            else:
                keys.insert(at, key)
                at += 1
    steps = []
    for workload, step, clients in keys:
        results = {name: r[(workload, step, clients)] for name, r in per_registry.items() if (workload, step, clients) in r}
        unit = next((r["unit"] for r in results.values() if r["unit"]), None)
        ratios = {}
        baseline = results.get(base, {}).get("value")
        for name, result in results.items():
            if name != base and baseline and result["value"] is not None:
                ratios[f"{name}/{base}"] = round(result["value"] / baseline, 3)
        steps.append({"workload": workload, "step": step, "clients": clients, "unit": unit, "results": results, "ratios": ratios})

    with open(os.path.join(out, "compare.json"), "w", encoding="utf-8") as f:
        json.dump({"loadtestArguments": arguments, "baseline": base, "registries": registries, "steps": steps}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out, "compare.md"), "w", encoding="utf-8") as f:
        f.write(markdown(registries, steps, arguments))


if __name__ == "__main__":
    main()

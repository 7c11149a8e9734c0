#!/usr/bin/env bash
# The same speedy-loadtest workloads against three registries on loopback, one after another, in one run:
# CNCF Distribution (Debian's docker-registry, installed with apt if missing), `speedy registry` on the filesystem
# driver with --direct-writes (large uploads past the page cache: on this VM the page-cache copy is most of a push's
# CPU), and `speedy server` (the whole store in one process, with its defaults).
#
#   bench/compare.sh [--out DIR] [-- speedy-loadtest options]
#   bench/compare.sh -- --quick                      (the smoke-test profile: a minute or two in all)
#   bench/compare.sh -- --workloads pull,manifest    (two workloads of the full profile)
#
# Everything after `--` goes to speedy-loadtest (bench/Speedy.LoadTest/README.md); the script gives it --registry,
# --label, --json and --markdown itself. Each registry gets a fresh empty data directory and a free port, takes the
# whole load alone and is stopped before the next one starts. Distribution runs with the storage settings of Debian's
# packaged config.yml (filesystem, in-memory blob descriptor cache, deletes enabled), warn-level logs and no access
# log; `speedy server` with its defaults. While the load runs, the server process is sampled every 0.2 s from /proc
# (VmRSS, VmHWM, user + system CPU time).
#
# Output in DIR (default bench/results/<UTC time>/): per registry NAME.json and NAME.md (speedy-loadtest's figures),
# NAME.log (the server's output), NAME.samples and NAME.loadtest.txt (the raw samples, and speedy-loadtest's output
# with the time of each line); and compare.md + compare.json: per step each registry's MB/s (req/s for manifests) and
# p99, the ratios to Distribution and the failures; the server's peak RSS and CPU seconds; peak RSS and CPU per step.
# compare.md is printed at the end.
#
# Exit code: 0 when every step of every registry passed; 1 when a registry did not start (its log's end is shown:
# the run stops there), or when speedy-loadtest failed against any registry (the run goes on, and the tables show the
# failures); 130 after Ctrl-C.
set -euo pipefail

usage() {
    echo "usage: bench/compare.sh [--out DIR] [-- speedy-loadtest options]" >&2
    exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
out=
while (($#)); do
    case $1 in
        --out) (($# >= 2)) || usage; out=$2; shift 2 ;;
        --) shift; break ;;
        *) usage ;;
    esac
done
loadtest_args=("$@")
out=${out:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
: >"$out/runs.tsv"

work=$(mktemp -d "${TMPDIR:-/tmp}/speedy-compare.XXXXXX")
running=() # the server and the sampler of the registry being measured
cleanup() {
    for pid in "${running[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v docker-registry >/dev/null; then
    mkdir "$work/apt"
    apt-get update
    TMPDIR="$work/apt" apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends docker-registry
fi

build() { # project
    dotnet build "$root/$1" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
}
build src/Speedy.Cli
build bench/Speedy.LoadTest
speedy="$root/src/Speedy.Cli/bin/Release/net10.0/speedy"
loadtest="$root/bench/Speedy.LoadTest/bin/Release/net10.0/speedy-loadtest"

# Three distinct free ports: bound together, so the kernel hands out three different ones.
read -r -a ports < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')

cat >"$out/distribution.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/distribution
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${ports[0]}
  secret: $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
EOF

alive() { # pid: running, not gone and not a zombie
    [[ -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1) != Z ]]
}

stop() { # pid: SIGTERM, then SIGKILL after 10 s
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do
        alive "$1" || break
        sleep 0.2
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

wait_ready() { # name base pid
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "http://$2/v2/" && return 0
        alive "$3" || break
        sleep 0.2
    done
    echo "$1 did not start on $2; the end of its log ($out/$1.log):" >&2
    tail -n 20 "$out/$1.log" >&2
    exit 1
}

stamp() { # file: copies its input to the terminal, and to the file with each line's arrival time in front
    local line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        printf '%s\t%s\n' "${EPOCHREALTIME/,/.}" "$line" >>"$1"
    done
}

measure() { # name port command...: start the registry, load it while sampling it, stop it
    local name=$1 base=127.0.0.1:$2
    shift 2
    echo "== $name on $base"
    "$@" >"$out/$name.log" 2>&1 &
    local server=$!
    running=("$server")
    wait_ready "$name" "$base" "$server"

    python3 "$root/bench/compare/sample.py" "$server" "$out/$name.samples" &
    local sampler=$!
    running+=("$sampler")
    local status=0
    "$loadtest" --registry "http://$base" --label "$name" --json "$out/$name.json" --markdown "$out/$name.md" \
        "${loadtest_args[@]}" 2>&1 | stamp "$out/$name.loadtest.txt" || status=${PIPESTATUS[0]}
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" || true
    running=("$server")
    # speedy-loadtest exits 130 after Ctrl-C: stop here too.
    ((status != 130)) || exit 130

    local state=ran
    if alive "$server"; then
        stop "$server"
    else
        local code=0
        wait "$server" || code=$?
        state="exited ($code) during the load"
        echo "$name $state; the end of its log ($out/$name.log):" >&2
        tail -n 20 "$out/$name.log" >&2
    fi
    running=()
    rm -rf "${work:?}/$name"
    printf '%s\t%s\t%s\t%s\n' "$name" "http://$base" "$status" "$state" >>"$out/runs.tsv"
}

measure distribution "${ports[0]}" env -u AWS_CA_BUNDLE docker-registry serve "$out/distribution.yml"
measure speedy-fs "${ports[1]}" "$speedy" registry --storage filesystem --direct-writes --data "$work/speedy-fs" --listen "127.0.0.1:${ports[1]}"
measure speedy-server "${ports[2]}" "$speedy" server --auth none --data "$work/speedy-server" --listen "127.0.0.1:${ports[2]}"

python3 "$root/bench/compare/summarize.py" "$out" "${loadtest_args[@]}"
echo
cat "$out/compare.md"
echo "results in $out"
awk -F'\t' '$3 != 0 {failed = 1} END {exit failed}' "$out/runs.tsv"

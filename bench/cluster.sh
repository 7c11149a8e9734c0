#!/usr/bin/env bash
# Push and pull throughput of `speedy server` (the whole cluster in one process, 3 chunk servers, 3 replicas)
# against `speedy registry` on the filesystem driver, in one run on this machine.
#
#   bench/cluster.sh [runs]        (default 3 runs; prints the median of each figure)
#   FRAGMENT_SIZE=1048576 bench/cluster.sh   (the speedy driver's fragment size; default: the driver's default)
#
# Workloads, each through the registry API with curl (POST an upload, PUT the whole blob, GET it back), so the
# figures are the registries', not a client's (skopeo would add its own compression checks and retries):
#   - one 512 MiB layer;
#   - a 20-layer image: 20 blobs of 16 MiB, 4 at a time, as docker and skopeo push and pull layers in parallel.
# Every run pushes into a new repository; the blobs are random, so every byte crosses the wire on every push.
set -euo pipefail

runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/speedy-bench.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$root/src/Speedy.Cli" -c Release -v quiet -nologo >/dev/null
speedy="$root/src/Speedy.Cli/bin/Release/net10.0/speedy"

mkdir -p "$work/blobs"
head -c $((512 << 20)) /dev/urandom >"$work/blobs/big"
for i in $(seq 1 20); do head -c $((16 << 20)) /dev/urandom >"$work/blobs/layer$i"; done
declare -A digest
for f in "$work"/blobs/*; do digest[$(basename "$f")]="sha256:$(sha256sum "$f" | cut -d' ' -f1)"; done

wait_ready() {
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "http://$1/v2/" && return 0
        sleep 0.2
    done
    echo "registry on $1 did not start" >&2
    exit 1
}

push() { # base repo file
    local location
    location=$(curl -sf -X POST -D - -o /dev/null "http://$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
    [[ $location == /* ]] && location="http://$1$location"
    local separator='?'
    [[ $location == *\?* ]] && separator='&'
    # -T streams the file (--data-binary would read it into memory first); no Expect: 100-continue round trip.
    curl -sf -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$work/blobs/$3" \
        -o /dev/null "$location${separator}digest=${digest[$3]}"
}

pull() { # base repo file
    local got
    got=$(curl -sf -o /dev/null -w '%{size_download}' "http://$1/v2/$2/blobs/${digest[$3]}")
    [[ $got == $(stat -c %s "$work/blobs/$3") ]] || { echo "short pull of $3: $got bytes" >&2; exit 1; }
}

layers() { # verb base repo: the 20 layers, 4 at a time
    local verb=$1 base=$2 repo=$3 worker status=0
    local workers=()
    for worker in 0 1 2 3; do
        (for i in $(seq $((worker + 1)) 4 20); do "$verb" "$base" "$repo" "layer$i"; done) &
        workers+=($!)
    done
    for worker in "${workers[@]}"; do wait "$worker" || status=1; done
    return $status
}

seconds() { awk -v start="$1" -v end="$(date +%s.%N)" 'BEGIN {print end - start}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # name base
    local name=$1 base=$2
    local big=$((512 << 20)) image=$((20 * (16 << 20)))
    for run in $(seq 1 "$runs"); do
        local repo="bench/$name-$run-$RANDOM"
        local t
        t=$(date +%s.%N); push "$base" "$repo" big; echo "$big $(seconds "$t")" >>"$work/$name.push-big"
        t=$(date +%s.%N); pull "$base" "$repo" big; echo "$big $(seconds "$t")" >>"$work/$name.pull-big"
        t=$(date +%s.%N); layers push "$base" "$repo"; echo "$image $(seconds "$t")" >>"$work/$name.push-image"
        t=$(date +%s.%N); layers pull "$base" "$repo"; echo "$image $(seconds "$t")" >>"$work/$name.pull-image"
    done
}

rate() { awk '{printf "%.0f\n", $1 / $2 / 1048576}' "$1" | median; }

fs_port=5101
cluster_port=5102
"$speedy" registry --storage filesystem --data "$work/fs" --listen "127.0.0.1:$fs_port" >"$work/fs.log" 2>&1 &
pids+=($!)
"$speedy" server --auth none --data "$work/cluster" --listen "127.0.0.1:$cluster_port" --chunk-servers 3 --replicas 3 \
    ${FRAGMENT_SIZE:+--fragment-size "$FRAGMENT_SIZE"} >"$work/cluster.log" 2>&1 &
pids+=($!)
wait_ready "127.0.0.1:$fs_port"
wait_ready "127.0.0.1:$cluster_port"

measure filesystem "127.0.0.1:$fs_port"
measure cluster "127.0.0.1:$cluster_port"

printf '\n%-28s %12s %12s %8s\n' "MB/s (median of $runs)" "filesystem" "speedy" "ratio"
for workload in push-big pull-big push-image pull-image; do
    fs=$(rate "$work/filesystem.$workload")
    cl=$(rate "$work/cluster.$workload")
    case $workload in
        push-big) label="push, one 512 MiB layer" ;;
        pull-big) label="pull, one 512 MiB layer" ;;
        push-image) label="push, 20 layers x 16 MiB" ;;
        pull-image) label="pull, 20 layers x 16 MiB" ;;
    esac
    printf '%-28s %12s %12s %8.2f\n' "$label" "$fs" "$cl" "$(awk -v a="$cl" -v b="$fs" 'BEGIN {print a / b}')"
done

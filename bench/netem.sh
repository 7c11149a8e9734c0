#!/usr/bin/env bash
# Push and pull throughput of the Speedy cluster when every store node sits behind its own 1 Gbit/s link.
#
#   bench/netem.sh [runs]            (default 3 runs; prints the median of each figure; run as root)
#   LAYER_MIB=64 bench/netem.sh 1    (layer size in MiB, default 1024; a short run while developing)
#   LINK_RATE=1gbit                  (tc rate of every link, each direction; default 1gbit)
#
# The seed measured on 1 GbE that its upload was a third of its download: the writer sent each of the 3 replicas
# itself. Speedy's image server sends a fragment once, to the first chunk server of the group, which forwards it
# along a chain (X-Speedy-Replicate-To), so push should approach pull. This script builds that network:
#
#   root namespace: bridge speedy-br 10.231.0.1/24; speedy master, speedy metaserver (SQLite) and
#                   speedy registry --storage speedy, all listening on 10.231.0.1, and curl, the client
#   speedy-img      10.231.0.10  speedy imageserver :7200
#   speedy-cs1..3   10.231.0.11-13  speedy chunkserver :7101, one group (--group 1) of three replicas; cs2 and cs3
#                   with --direct-writes, as `speedy server` sets up the members of a group that share one machine
#
# Each namespace is joined to the bridge by a veth pair whose two ends both carry `tbf rate $LINK_RATE`: the end in
# the namespace shapes what leaves it, the end on the bridge what enters it, so each namespace has one full-duplex
# link of that rate, like a host on a switch. A bridge rather than routing through the root namespace: traffic between
# two namespaces (the chain cs1 -> cs2 -> cs3, the image server -> cs1) still leaves one shaped link and enters another,
# as through a switch, and nothing in the host's own network settings changes (routing would need
# net.ipv4.ip_forward=1, a host-wide setting on a shared machine). The master and the meta server carry no blob
# bytes; the registry and curl share the root namespace, so the client's hop is not limited, and every blob byte
# crosses the image server's link once each way, push or pull. tbf counts Ethernet frames without preamble and gap,
# so TCP tops out near 119 MB/s where real 1 GbE gives about 117.
#
# Measured through the registry API with curl, as bench/cluster.sh (POST an upload, PUT the whole blob, GET it back
# and check its size and SHA-256): one layer of LAYER_MIB random MiB per run, a new layer every run (so no pull is
# served from the image server's cache of hot fragments). MB/s are 10^6 bytes a second, the unit of the link rate.
# Each run also measures, with the same layer, two references across speedy-cs1's one link: raw TCP (a perl sink and
# source in speedy-cs1: what the shaped link carries) and the same push and pull against `speedy registry --storage
# memory` in speedy-cs1 (what one Speedy HTTP hop across it reaches).
#
# Two checks follow the table:
#   - the bytes each link carried during the cluster's pushes and pulls, per byte of layer, from the bridge ports'
#     counters. With chained replication every direction of every link carries a pushed byte once (cs3's outbound
#     none); a writer that sent every replica itself would show 3 on the image server's outbound link.
#   - the CPU time of each role per GiB, and the most all roles together could carry with every core of this machine
#     to themselves. The namespaces share this machine's cores, where a real cluster gives every node its own: when
#     that rate is near the measured one, the figure is bound by CPU, not by the links.
set -euo pipefail

runs=${1:-3}
layer_mib=${LAYER_MIB:-1024}
rate=${LINK_RATE:-1gbit}
shaping=(rate "$rate" burst 256kb latency 20ms) # one TCP flow reaches the rate (64kb and 5ms: about 100 MB/s)
root=$(cd "$(dirname "$0")/.." && pwd)

[[ $(id -u) == 0 ]] || { echo "run as root: it creates network namespaces" >&2; exit 1; }
for tool in ip tc curl jq perl; do
    command -v "$tool" >/dev/null || { echo "needs $tool (ip and tc: apt-get install iproute2)" >&2; exit 1; }
done

subnet=10.231.0
bridge="speedy-br"
host=$subnet.1
declare -A address=([img]=$subnet.10 [cs1]=$subnet.11 [cs2]=$subnet.12 [cs3]=$subnet.13)
nodes=(img cs1 cs2 cs3)

for node in "${nodes[@]}"; do
    if ip netns list | grep -qw "speedy-$node"; then
        echo "namespace speedy-$node exists: another run, or a leftover (ip netns del speedy-$node)" >&2
        exit 1
    fi
done
if ip link show "$bridge" >/dev/null 2>&1 || ip -4 addr | grep -q "inet $subnet\."; then
    echo "$bridge or $subnet.0/24 is in use: another run, or a leftover (ip link del $bridge)" >&2
    exit 1
fi

dotnet build "$root/src/Speedy.Cli" -c Release -v quiet -nologo >/dev/null
speedy="$root/src/Speedy.Cli/bin/Release/net10.0/speedy"

work=$(mktemp -d "${TMPDIR:-/tmp}/speedy-netem.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for node in "${nodes[@]}"; do
        ip link del "speedy-$node" 2>/dev/null || true
        ip netns del "speedy-$node" 2>/dev/null || true
    done
    ip link del "$bridge" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip link add "$bridge" type bridge
ip addr add "$host/24" dev "$bridge"
ip link set "$bridge" up
for node in "${nodes[@]}"; do
    ns=speedy-$node
    ip netns add "$ns"
    ip link add "speedy-$node" type veth peer name eth0 netns "$ns"
    ip link set "speedy-$node" master "$bridge" up
    ip -n "$ns" addr add "${address[$node]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    tc qdisc add dev "speedy-$node" root tbf "${shaping[@]}"
    tc -n "$ns" qdisc add dev eth0 root tbf "${shaping[@]}"
done

start() { # log-name command...: runs in the background, logs to $work/<log-name>.log
    local name=$1
    shift
    "$@" >"$work/$name.log" 2>&1 &
    pids+=($!)
}

wait_for() { # what url
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "$2" && return 0
        sleep 0.2
    done
    echo "$1 did not answer at $2" >&2
    exit 1
}

layer=$work/layer
bytes=$((layer_mib << 20))
new_layer() {
    head -c "$bytes" /dev/urandom >"$layer"
    digest="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
}

push() { # base repo
    local location
    location=$(curl -sf -X POST -D - -o /dev/null "$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
    [[ $location == /* ]] && location="$1$location"
    local separator='?'
    [[ $location == *\?* ]] && separator='&'
    # -T streams the file (--data-binary would read it into memory first); no Expect: 100-continue round trip.
    curl -sf -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$layer" \
        -o /dev/null "$location${separator}digest=$digest"
}

pull() { # base repo: checks the size and the SHA-256 of what came back
    local size sum
    sum=sha256:$(curl -sf -w '%{stderr}%{size_download}' "$1/v2/$2/blobs/$digest" 2>"$work/pulled.size" | sha256sum | cut -d' ' -f1)
    size=$(cat "$work/pulled.size")
    [[ $size == "$bytes" && $sum == "$digest" ]] || { echo "pulled $size bytes with $sum, not $bytes with $digest" >&2; exit 1; }
}

seconds() { awk -v start="$1" -v end="$(date +%s.%N)" 'BEGIN {print end - start}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rates() { awk -v bytes="$bytes" '{printf "%.1f\n", bytes / $1 / 1e6}' "$work/$1"; } # MB/s of each run
rate_of() { rates "$1" | median; }

# What each link carried and each role's CPU time, summed per phase (push, pull) over the cluster's runs.
declare -A carried cpu role_pid
roles=(registry imageserver cs1 cs2 cs3 metaserver master)
count() { # phase sign: adds (sign 1) or subtracts (sign -1) the counters as they are now
    local node role stats
    for node in "${nodes[@]}"; do
        stats=/sys/class/net/speedy-$node/statistics # on the bridge port: tx goes into the namespace, rx comes out
        carried[$1,$node,in]=$((${carried[$1,$node,in]:-0} + $2 * $(cat "$stats/tx_bytes")))
        carried[$1,$node,out]=$((${carried[$1,$node,out]:-0} + $2 * $(cat "$stats/rx_bytes")))
    done
    for role in "${roles[@]}"; do
        cpu[$1,$role]=$((${cpu[$1,$role]:-0} + $2 * $(awk '{print $14 + $15}' "/proc/${role_pid[$role]}/stat")))
    done
}

timed() { # file command...: appends the command's duration in seconds to $work/<file>
    local file=$1 t
    shift
    t=$(date +%s.%N)
    "$@"
    seconds "$t" >>"$work/$file"
}

registry=http://$host:5000
reference=http://${address[cs1]}:5000
start master "$speedy" master --listen "$host:9333"
role_pid[master]=${pids[-1]}
start metaserver "$speedy" metaserver --listen "$host:7003" --data "$work/meta"
role_pid[metaserver]=${pids[-1]}
for node in cs1 cs2 cs3; do
    # As `speedy server` lays out a group on one machine: the first member writes through the page cache (reads find
    # it there), the other two with O_DIRECT; three page-cache copies of every byte would be this one VM's CPU.
    direct=()
    [[ $node == cs1 ]] || direct=(--direct-writes)
    start "$node" ip netns exec "speedy-$node" "$speedy" chunkserver --dir "$work/$node" --group 1 "${direct[@]}" \
        --listen "${address[$node]}:7101" --public-url "http://${address[$node]}:7101" --master "http://$host:9333"
    role_pid[$node]=${pids[-1]}
done
start imageserver ip netns exec speedy-img "$speedy" imageserver --listen "${address[img]}:7200" --master "http://$host:9333"
role_pid[imageserver]=${pids[-1]}
start registry "$speedy" registry --storage speedy --data "$work/registry" --listen "$host:5000" \
    --meta-server "http://$host:7003" --image-server "http://${address[img]}:7200"
role_pid[registry]=${pids[-1]}
start reference ip netns exec speedy-cs1 "$speedy" registry --storage memory --listen "${address[cs1]}:5000"
# Raw TCP across the same link, with perl (in every Debian, as perl-base): a sink that reports how long each
# connection took to deliver its bytes, and a source that sends the current layer to whoever connects.
# shellcheck disable=SC2016 # perl code, not shell
start sink ip netns exec speedy-cs1 perl -MIO::Socket::INET -MTime::HiRes=time -e '
    $| = 1;
    my $server = IO::Socket::INET->new(LocalAddr => $ARGV[0], Listen => 1, ReuseAddr => 1) or die "$ARGV[0]: $!";
    while (my $peer = $server->accept) {
        my ($bytes, $start, $buffer) = (0, time);
        while (my $n = sysread($peer, $buffer, 1 << 20)) { $bytes += $n }
        printf "%d %.6f\n", $bytes, time - $start;
    }' "${address[cs1]}:9000"
# shellcheck disable=SC2016 # perl code, not shell
start source ip netns exec speedy-cs1 perl -MIO::Socket::INET -e '
    my $server = IO::Socket::INET->new(LocalAddr => $ARGV[0], Listen => 1, ReuseAddr => 1) or die "$ARGV[0]: $!";
    while (my $peer = $server->accept) {
        open my $file, "<", $ARGV[1] or die "$ARGV[1]: $!";
        while (sysread($file, my $buffer, 1 << 20)) { print $peer $buffer or last }
        close $peer;
    }' "${address[cs1]}:9001" "$layer"

wait_for registry "$registry/v2/"
wait_for "reference registry" "$reference/v2/"
wait_for "image server" "http://${address[img]}:7200/health"
writable='.groups | length == 1 and .[0].writable and (.[0].members | length == 3)'
for _ in $(seq 1 150); do
    curl -sf "http://$host:9333/v1/topology" | jq -e "$writable" >/dev/null && break
    sleep 0.2
done
curl -sf "http://$host:9333/v1/topology" | jq -e "$writable" >/dev/null ||
    { echo "the group did not become writable: $(curl -s "http://$host:9333/v1/topology")" >&2; exit 1; }

# Warm-up, not counted: 128 MiB through the cluster and the reference registry, so that the measured runs find
# the JIT's optimised code (the meta server takes one call per 4 MiB fragment), pooled connections and the image
# server's topology in place.
layer_bytes=$bytes
bytes=$((128 << 20))
new_layer
for base in "$registry" "$reference"; do
    push "$base" bench/warmup
    pull "$base" bench/warmup
done
curl -sf -X DELETE -o /dev/null "$reference/v2/bench/warmup/blobs/$digest"
bytes=$layer_bytes

raw_push() { # run: the layer into the sink; its duration as the sink saw it
    cat "$layer" >"/dev/tcp/${address[cs1]}/9000"
    for _ in $(seq 1 600); do
        [[ $(wc -l <"$work/sink.log") -ge $1 ]] && break
        sleep 0.1
    done
    local size seconds
    read -r size seconds < <(sed -n "${1}p" "$work/sink.log")
    [[ $size == "$bytes" ]] || { echo "the sink received $size bytes, not $bytes" >&2; exit 1; }
    echo "$seconds" >>"$work/raw.push"
}

raw_pull() { # the layer from the source
    local size
    size=$(wc -c <"/dev/tcp/${address[cs1]}/9001")
    [[ $size == "$bytes" ]] || { echo "the source sent $size bytes, not $bytes" >&2; exit 1; }
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
for run in $(seq 1 "$runs"); do
    new_layer
    raw_push "$run"
    timed raw.pull raw_pull
    timed reference.push push "$reference" "bench/reference-$run"
    timed reference.pull pull "$reference" "bench/reference-$run"
    curl -sf -X DELETE -o /dev/null "$reference/v2/bench/reference-$run/blobs/$digest" # the memory driver frees it
    count push -1
    timed speedy.push push "$registry" "bench/speedy-$run"
    count push 1
    count pull -1
    timed speedy.pull pull "$registry" "bench/speedy-$run"
    count pull 1
done

load_end=$(cut -d' ' -f1 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
push_rate=$(rate_of speedy.push)
pull_rate=$(rate_of speedy.pull)
ref_push=$(rate_of reference.push)
ref_pull=$(rate_of reference.pull)
link_bytes=$(tc -j qdisc show dev speedy-img | jq -r '.[0].options.rate')
total=$((runs * bytes))

echo
echo "Every link, each direction: tc qdisc ... tbf ${shaping[*]} = $(awk -v r="$link_bytes" 'BEGIN {print r / 1e6}') MB/s"
echo "One $layer_mib MiB layer; median of $runs runs; MB/s = 10^6 bytes/s; load average $load_start at the start, $load_end at the end"
echo
echo "| MB/s | push | pull | push/pull |"
echo "|---|---:|---:|---:|"
echo "| speedy: one group of 3 chunk servers, chained replication | $push_rate | $pull_rate | $(ratio "$push_rate" "$pull_rate") |"
echo "| reference: one link, raw TCP (perl in speedy-cs1) | $(rate_of raw.push) | $(rate_of raw.pull) | $(ratio "$(rate_of raw.push)" "$(rate_of raw.pull)") |"
echo "| reference: one link (speedy registry, memory driver, in speedy-cs1) | $ref_push | $ref_pull | $(ratio "$ref_push" "$ref_pull") |"
echo
echo "speedy, each run (MB/s): push $(rates speedy.push | paste -sd' '), pull $(rates speedy.pull | paste -sd' ')"
echo
echo "Bytes each link carried per byte of layer (speedy, all runs; in = into the namespace):"
echo
echo "| link | push in | push out | pull in | pull out |"
echo "|---|---:|---:|---:|---:|"
for node in "${nodes[@]}"; do
    echo "| speedy-$node | $(ratio "${carried[push,$node,in]}" "$total") | $(ratio "${carried[push,$node,out]}" "$total") |" \
        "$(ratio "${carried[pull,$node,in]}" "$total") | $(ratio "${carried[pull,$node,out]}" "$total") |"
done
echo
cores=$(nproc)
echo "CPU-seconds per GiB of layer (speedy, all runs), and the most all roles together could carry with every one of this"
echo "machine's $cores cores to themselves (an upper bound: curl, softirqs not charged to a role and other tenants take CPU too):"
echo
printf '| |'; printf ' %s |' "${roles[@]}"; echo " all | at most, MB/s |"
printf '|---|'; printf -- '---:|%.0s' "${roles[@]}"; echo '---:|---:|'
per_gib=$(awk -v total="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {print total / 2^30 * hz}')
for phase in push pull; do
    printf '| %s |' "$phase"
    all=0
    for role in "${roles[@]}"; do
        printf ' %s |' "$(ratio "${cpu[$phase,$role]}" "$per_gib")"
        all=$((all + ${cpu[$phase,$role]}))
    done
    echo " $(ratio "$all" "$per_gib") | $(awk -v all="$all" -v per_gib="$per_gib" -v cores="$cores" 'BEGIN {printf "%.0f", cores / (all / per_gib) * 2^30 / 1e6}') |"
done

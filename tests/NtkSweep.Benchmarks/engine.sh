#!/usr/bin/env bash
# The engine's benchmarks (issue 10), side by side on this machine: quick.yaml on the local single silo and on two
# clustered silos with one slot each, and 2,000 runs of ~10 ms locally and on the cluster (wall and CPU time, the
# CPU of every process summed). Needs redis-server; builds nothing (run `dotnet build -c Release` first).
#   bash tests/NtkSweep.Benchmarks/engine.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
cli="dotnet src/NtkSweep.Cli/bin/Release/net10.0/ntksweep.dll"
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly yes --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
silos=()
cleanup() { kill "${silos[@]}" "$redis_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 0.5
grep -m1 "model name" /proc/cpuinfo | sed 's/.*: /cpu: /'
echo "instruction set: $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo AVX2), cores: $(nproc), kernel path: $($cli train --width 8 --max-steps 1 --json | sed 's/.*"kernelPath":"\([a-z0-9]*\)".*/\1/')"

# usage: timed LABEL COMMAND... ; prints wall and CPU seconds (user+sys of the command and its children)
timed() {
  local label=$1; shift
  /usr/bin/time -f "$label %e s wall, %U+%S s CPU" "$@" >/dev/null 2>"$work/time" || { cat "$work/time"; return 1; }
  tail -1 "$work/time"
}

cluster() {
  local sweep=$1 name=$2 prefix=$3 runs=$4
  silos=()
  for slot in 1 2; do
    $cli silo --redis "127.0.0.1:$port" --key-prefix "$prefix" --concurrency 1 --advertise 127.0.0.1 \
      --silo-port $((port + 10 * slot)) --gateway-port $((port + 10 * slot + 1)) >"$work/silo-$prefix-$slot.log" 2>&1 &
    silos+=($!)
  done
  until grep -q "Silo started" "$work/silo-$prefix-1.log" && grep -q "Silo started" "$work/silo-$prefix-2.log"; do sleep 0.2; done
  local before after start end
  $cli status --redis "127.0.0.1:$port" --key-prefix "$prefix" >/dev/null
  before=$(for pid in "${silos[@]}"; do awk '{print $14+$15}' "/proc/$pid/stat"; done | paste -sd+ | bc)
  start=$(date +%s.%N)
  $cli submit "$sweep" --redis "127.0.0.1:$port" --key-prefix "$prefix" >/dev/null
  # Polled in Redis itself: a status client is a .NET process, whose start would cost the silos CPU.
  until [ "$(redis-cli -p "$port" HLEN "${prefix}results")" -ge "$runs" ]; do sleep 0.1; done
  end=$(date +%s.%N)
  after=$(for pid in "${silos[@]}"; do awk '{print $14+$15}' "/proc/$pid/stat"; done | paste -sd+ | bc)
  echo "cluster 2 silos x 1 slot $name: $(echo "$end - $start" | bc) s wall (submit to all stored), $(echo "scale=2; ($after - $before) / $(getconf CLK_TCK)" | bc) s CPU of the silos"
  kill "${silos[@]}"; wait "${silos[@]}" 2>/dev/null || true
}

for repeat in $(seq "$repeats"); do
  echo "--- repeat $repeat"
  timed "local --workers 2 quick:" $cli run sweeps/quick.yaml --workers 2 --store "$work/local-quick-$repeat"
  cluster sweeps/quick.yaml quick "q$repeat:" 432
  timed "local --workers 2 tiny-2000:" $cli run tests/NtkSweep.Benchmarks/sweeps/tiny-2000.yaml --workers 2 --store "$work/local-tiny-$repeat"
  cluster tests/NtkSweep.Benchmarks/sweeps/tiny-2000.yaml tiny-2000 "t$repeat:" 2000
done

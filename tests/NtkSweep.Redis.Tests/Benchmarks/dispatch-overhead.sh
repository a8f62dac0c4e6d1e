#!/usr/bin/env bash
# Dispatch overhead of the distributed mode (a benchmark, not a test): the same 2,000 short runs in local mode
# (`run --workers 2`) and through Redis (`submit` + one `worker --concurrency 2`), each on a fresh store, reporting
# wall time and CPU time (user+sys of the ntksweep processes, plus redis-server's). Loopback only; cleans up.
# Usage: bash tests/NtkSweep.Redis.Tests/Benchmarks/dispatch-overhead.sh [RUNS_PER_SEED_AXIS=100] [SEEDS=20] [MAX_STEPS=2000]
set -euo pipefail
cd "$(dirname "$0")/../../.."
points=${1:-100}
seeds=${2:-20}
max_steps=${3:-2000}
flock /tmp/ntksweep-build.lock dotnet build src/NtkSweep.Cli -c Release -v q >/dev/null
ntk=(dotnet src/NtkSweep.Cli/bin/Release/net10.0/ntksweep.dll)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly yes --daemonize no >/dev/null &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/bench.yaml" <<YAML
name: bench
fixed: {data: luo1d, antisymmetric: true, width: 32, maxSteps: $max_steps, lossTolerance: 0}
axes:
  gamma: {linspace: [0.5, 1.5, $points]}
seeds: $seeds
YAML
runs=$((points * seeds))
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done

/usr/bin/time -o "$work/local.time" -f "%e %U %S" "${ntk[@]}" run "$work/bench.yaml" --store "$work/local" --workers 2 >/dev/null 2>&1
read -r local_wall local_user local_sys < "$work/local.time"

redis_before=$(ticks "$redis_pid")
/usr/bin/time -o "$work/worker.time" -f "%U %S" "${ntk[@]}" worker --redis "127.0.0.1:$port" --concurrency 2 --poll-seconds 0.1 --checkpoint-seconds 10 >"$work/worker.log" 2>&1 &
time_pid=$!
sleep 2
start=$(date +%s.%N)
"${ntk[@]}" submit "$work/bench.yaml" --redis "127.0.0.1:$port" >/dev/null
until [ "$(redis-cli -p "$port" zcard ntksweep:commits)" -ge "$runs" ]; do sleep 0.02; done
end=$(date +%s.%N)
kill -TERM "$(pgrep -P "$time_pid" || echo "$time_pid")"
wait "$time_pid" || true
read -r worker_user worker_sys < "$work/worker.time"
redis_cpu=$(echo "($(ticks "$redis_pid") - $redis_before) / $(getconf CLK_TCK)" | bc -l)

printf '%d runs\n' "$runs"
printf 'local : wall %6.2f s (incl. process start and report), cpu %6.2f s\n' "$local_wall" "$(echo "$local_user + $local_sys" | bc -l)"
printf 'redis : wall %6.2f s (submit to last commit),         cpu %6.2f s (worker) + %.2f s (redis-server)\n' \
  "$(echo "$end - $start" | bc -l)" "$(echo "$worker_user + $worker_sys" | bc -l)" "$redis_cpu"

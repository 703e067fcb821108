#!/usr/bin/env bash
# TruthTable benchmark: one command, not part of CI. Builds in Release, starts the fake upstream, bare YARP, a fast
# fake audit engine and TruthTable twice (external fake engine / embedded engine), drives load on 127.0.0.1 only,
# and prints the tables. Every run is bounded in time; all processes it starts are stopped when it ends.
#
#   bench/run.sh                  # everything: proxy fanout audit micro
#   bench/run.sh proxy            # only the proxy table (a, b, c)
#   BENCH_REPS=1 BENCH_DURATION=5 bench/run.sh proxy   # a quick look
#
# Knobs: BENCH_REPS (3), BENCH_DURATION seconds per load run (10), BENCH_CONNECTIONS for wrk (16),
# BENCH_RATE fixed rate for (a) (1000), BENCH_RATE_SLICE seconds each target gets in turn at that rate (1),
# BENCH_SSE_STREAMS (400), BENCH_SSE_RATE streams started a second (40), BENCH_SSE_GAP_MS (5),
# BENCH_CASES the proxy cases to run (all: json sse big json-rate sse-timing), BENCH_OUT (bench/results/<date>),
# BENCH_TARGETS (all five; add bare-yarp-twin, a second identical bare YARP, to see what a run cannot resolve),
# BENCH_WARMUP seconds of wrk per shape and target before measuring (15),
# BENCH_FAKE_ENGINE_NICE the fake engine's nice value (10: it stands in for an engine on another host; 0 to 19),
# BENCH_FANOUT_WARMUP seconds of unrecorded load before each fan-out case (40),
# BENCH_BASELINE_ROOT: another checkout of TruthTable (e.g. a git worktree of an older commit); its Proxy.Host is
# built and measured as target "tt-baseline" (fake engine), interleaved with the others, for before/after
# comparisons under the same machine load. BENCH_BASELINE_ENGINE=embedded gives it its own embedded engine instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PARTS=${*:-proxy fanout audit micro}
REPS=${BENCH_REPS:-3}
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-16}
RATE=${BENCH_RATE:-1000}
RATE_SLICE=${BENCH_RATE_SLICE:-1}
WARMUP=${BENCH_WARMUP:-15}
FANOUT_WARMUP=${BENCH_FANOUT_WARMUP:-40}
# 400 streams per target and rep, started 40 a second (about 40 open at once): each stream gives one time to first
# byte, and the p99 of 40 (the old default) was the second-largest sample, so one late stream decided the cell.
SSE_STREAMS=${BENCH_SSE_STREAMS:-400}
SSE_RATE=${BENCH_SSE_RATE:-40}
SSE_GAP_MS=${BENCH_SSE_GAP_MS:-5}
FAKE_ENGINE_NICE=${BENCH_FAKE_ENGINE_NICE:-10}
if ! [[ $FAKE_ENGINE_NICE =~ ^[0-9]+$ ]] || (( FAKE_ENGINE_NICE > 19 )); then
  echo "BENCH_FAKE_ENGINE_NICE: '$FAKE_ENGINE_NICE' is not a nice value from 0 to 19" >&2; exit 2
fi
CASES=" ${BENCH_CASES:-json sse big json-rate sse-timing} "
WRK_SHAPES=$(for s in json sse big; do if [[ $CASES == *" $s "* ]]; then printf '%s ' $s; fi; done)
OUT=${BENCH_OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

UPSTREAM=5101; BARE=5102; BARE_TWIN=5130; TT_FAKE=5103; FAKE_ENGINE=5104; TT_EMB=5105; TT_EMB_ENGINE=5106; TT_NOCAP=5109; TT_BASE=5110; TT_BASE_ENGINE=5111
case ${BENCH_BASELINE_ENGINE:-fake} in
  fake) BASELINE_ENGINE_ARGS=(--Audit:Endpoint="http://127.0.0.1:$FAKE_ENGINE") ;;
  embedded) BASELINE_ENGINE_ARGS=(--EmbeddedEngine:Url="http://127.0.0.1:$TT_BASE_ENGINE") ;;
  *) echo "BENCH_BASELINE_ENGINE: '$BENCH_BASELINE_ENGINE' is neither fake nor embedded" >&2; exit 2 ;;
esac

port_of() { case $1 in direct) echo $UPSTREAM;; bare-yarp) echo $BARE;; bare-yarp-twin) echo $BARE_TWIN;; tt-no-capture) echo $TT_NOCAP;; tt-fake-engine) echo $TT_FAKE;; tt-embedded) echo $TT_EMB;; tt-baseline) echo $TT_BASE;; esac; }
# tt-no-capture is TruthTable with no audited path: the host, request ids and YARP, but no tee and no audits.
TARGETS=${BENCH_TARGETS:-direct bare-yarp tt-no-capture tt-fake-engine tt-embedded}
[[ -n ${BENCH_BASELINE_ROOT:-} ]] && TARGETS="$TARGETS tt-baseline"
for target in $TARGETS; do
  if [[ -z $(port_of "$target") ]]; then
    echo "BENCH_TARGETS: unknown target '$target' (known: direct bare-yarp bare-yarp-twin tt-no-capture tt-fake-engine tt-embedded)" >&2
    exit 2
  fi
done

log() { printf '== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# The machine's CPU ticks as "total steal" (/proc/stat), and the share of them the hypervisor gave to other guests since
# an earlier reading: on this shared VM the noisy hours in every target's tail come with steal.
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $9; exit}' /proc/stat; }
steal_since() { # "total steal" from cpu_ticks
  local t0 s0 t1 s1; read -r t0 s0 <<<"$1"; read -r t1 s1 <<<"$(cpu_ticks)"
  awk -v t="$((t1 - t0))" -v s="$((s1 - s0))" 'BEGIN { printf "%.1f", (t > 0 ? 100 * s / t : 0) }'
}
STEAL=

# --- tools ------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

log "building in Release"
for p in Proxy.Host/Proxy.Host.csproj bench/FakeUpstream bench/BareYarp bench/FakeEngine bench/LoadClient bench/FanOut; do
  dotnet build -c Release -v quiet -nologo "$p" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done
if [[ -n ${BENCH_BASELINE_ROOT:-} ]]; then
  dotnet build -c Release -v quiet -nologo "$BENCH_BASELINE_ROOT/Proxy.Host/Proxy.Host.csproj" >"$OUT/build-baseline.log" 2>&1 \
    || { cat "$OUT/build-baseline.log"; exit 1; }
fi
dll() { echo "$ROOT/$1/bin/Release/net10.0/$2.dll"; }
LOADCLIENT=$(dll bench/LoadClient LoadClient)
FANOUT=$(dll bench/FanOut FanOut)

# --- processes --------------------------------------------------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

STARTED_PID=
start() { # name, port, command...  (sets STARTED_PID; not to be called in a subshell, so cleanup knows the pid)
  local name=$1 port=$2; shift 2
  "$@" >"$OUT/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  STARTED_PID=$pid
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/health"; then return; fi
    kill -0 "$pid" 2>/dev/null || { cat "$OUT/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$name did not start" >&2; exit 1
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

truthtable() { # name, port, engine args...  (TT_ROOT picks another checkout's build)
  local name=$1 port=$2 root=${TT_ROOT:-$ROOT}; shift 2
  # Each instance writes its own history file: with one shared file (the default path under the shared content
  # root) an instance still committing its backlog could hold SQLite's write lock while the next target was measured,
  # and each instance's retention trimmed the others' rows.
  start "$name" "$port" dotnet "$root/Proxy.Host/bin/Release/net10.0/Proxy.Host.dll" \
    --Proxy:Upstream="http://127.0.0.1:$UPSTREAM" --Proxy:Url="http://127.0.0.1:$port" --History:Path="$OUT/history-$name.db" \
    --contentRoot "$root/Proxy.Host/bin/Release/net10.0" --Hub:StatsInterval=00:00:01 "$@"
}

log "starting fake upstream, bare YARP, fake engine"
start upstream $UPSTREAM dotnet "$(dll bench/FakeUpstream FakeUpstream)" --urls "http://127.0.0.1:$UPSTREAM"
start bare-yarp $BARE dotnet "$(dll bench/BareYarp BareYarp)" --Upstream="http://127.0.0.1:$UPSTREAM" --Url="http://127.0.0.1:$BARE"
if [[ " $TARGETS " == *" bare-yarp-twin "* ]]; then
  start bare-yarp-twin $BARE_TWIN dotnet "$(dll bench/BareYarp BareYarp)" --Upstream="http://127.0.0.1:$UPSTREAM" --Url="http://127.0.0.1:$BARE_TWIN"
fi
# The fake engine has no /health; wait for its port instead. It stands in for an engine on a host of its own, so by
# default it runs at nice +10: its quarter core at 1,000 audits/s then waits while the proxies want the two cores, as
# it would not compete with them at all on its own host. BENCH_FAKE_ENGINE_NICE=0 runs it at the proxies' priority.
nice -n "$FAKE_ENGINE_NICE" dotnet "$(dll bench/FakeEngine FakeEngine)" --Url="http://127.0.0.1:$FAKE_ENGINE" >"$OUT/fake-engine.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$FAKE_ENGINE) 2>/dev/null && break; sleep 0.2; done

# Adds run metadata to one JSON line of results (and the steal of the measurement that set $STEAL, if one did).
record() { # case target rep [extra json]
  jq -c --arg case "$1" --arg target "$2" --argjson rep "$3" --argjson load1 "$LOAD" --argjson steal "${STEAL:-null}" \
    --argjson extra "${4:-{\}}" \
    '. + {case:$case, target:$target, rep:$rep, load1:$load1} + (if $steal == null then {} else {stealPct:$steal} end) + $extra' >>"$RESULTS"
}

stats() { dotnet "$FANOUT" stats --url "http://127.0.0.1:$1" --wait-drain true; }

audits() { [[ $1 == tt-fake-engine || $1 == tt-embedded || $1 == tt-baseline ]]; }

# Records a target's result line, with the audit outcomes it caused since the stats in $5 (empty: not auditing).
record_result() { # case target rep line before-stats
  # A load tool that printed no result for a target would otherwise only show as one run fewer in the table.
  if [[ -z $4 ]]; then echo "$1 rep $3: the load tool printed no result for $2 (see $OUT/*.log)" >&2; exit 1; fi
  local extra="{}"
  if [[ -n $5 ]]; then
    extra=$(jq -cn --argjson b "$5" --argjson a "$(stats "$(port_of "$2")")" \
      '{auditsComplete:($a.successful-$b.successful), auditsFailed:($a.failed-$b.failed), auditsSkipped:($a.skipped-$b.skipped)}')
  fi
  echo "$4" | record "$1" "$2" "$3" "$extra"
  log "$1 $2 rep $3: $(echo "$4" | cut -c1-160)"
}

# Runs one measurement; for TruthTable also the audit outcomes it caused (queue drained before and after).
measure() { # case target rep command...
  local c=$1 target=$2 rep=$3; shift 3
  local before=""
  if audits "$target"; then before=$(stats "$(port_of "$target")"); fi
  LOAD=$(load1)
  local ticks; ticks=$(cpu_ticks)
  local line; line=$("$@" | grep '^{' | tail -n 1)
  STEAL=$(steal_since "$ticks")
  record_result "$c" "$target" "$rep" "$line" "$before"
  STEAL=
}

# Runs one LoadClient measurement that takes turns between all targets (see FixedRateRun), and records a line per
# target, with the audit outcomes each TruthTable had over the whole run.
measure_interleaved() { # case rep command...
  local c=$1 rep=$2; shift 2
  local target
  declare -A before=()
  for target in $TARGETS; do
    if audits "$target"; then before[$target]=$(stats "$(port_of "$target")"); fi
  done
  LOAD=$(load1)
  local ticks; ticks=$(cpu_ticks)
  local lines; lines=$("$@" | grep '^{')
  STEAL=$(steal_since "$ticks")
  for target in $TARGETS; do
    record_result "$c" "$target" "$rep" "$(echo "$lines" | jq -c --arg t "$target" 'select(.label == $t)')" "${before[$target]:-}"
  done
  STEAL=
}

# label=url for every target, for the LoadClient's --targets.
target_urls() { local t out=""; for t in $TARGETS; do out+="$t=http://127.0.0.1:$(port_of "$t"),"; done; echo "${out%,}"; }

wrk_run() { # port shape seconds
  wrk -t1 -c"$CONNS" -d"$3"s --timeout 10s -s "$ROOT/bench/wrk/chat.lua" "http://127.0.0.1:$1/v1/chat/completions" -- "$2"
}

if [[ " $PARTS " == *" proxy "* ]]; then
  log "starting TruthTable: no capture, fake engine, embedded engine"
  declare -A TT_PID
  truthtable tt-no-capture $TT_NOCAP --Audit:Endpoint="http://127.0.0.1:$FAKE_ENGINE" --Proxy:AuditedPaths:0=/bench/not-audited
  TT_PID[tt-no-capture]=$STARTED_PID
  truthtable tt-fake-engine $TT_FAKE --Audit:Endpoint="http://127.0.0.1:$FAKE_ENGINE"
  TT_PID[tt-fake-engine]=$STARTED_PID
  truthtable tt-embedded $TT_EMB --EmbeddedEngine:Url="http://127.0.0.1:$TT_EMB_ENGINE"
  TT_PID[tt-embedded]=$STARTED_PID
  if [[ -n ${BENCH_BASELINE_ROOT:-} ]]; then
    TT_ROOT=$BENCH_BASELINE_ROOT truthtable tt-baseline $TT_BASE "${BASELINE_ENGINE_ARGS[@]}"
    TT_PID[tt-baseline]=$STARTED_PID
  fi

  # Under saturating load a fresh TruthTable tiers up for 15-20 s and its throughput climbs for ~40 s (bare YARP has
  # far less code to compile), so a short warm-up measured start-up rather than the proxy.
  log "warm-up (JIT, tiered compilation, connection pools): ${WARMUP}s per shape and target"
  for target in $TARGETS; do
    for shape in ${WRK_SHAPES:-json}; do wrk_run "$(port_of "$target")" $shape "$WARMUP" >/dev/null; done
  done
  # At max rate most exchanges are shed (queue_full), so the wrk warm-up runs few audits: after it TruthTable was still
  # compiling 40-80 methods a second through its first fixed-rate run, and rep 1 was its slowest in runs O and P.
  # Below saturation every exchange is audited.
  for target in $TARGETS; do
    dotnet "$LOADCLIENT" rate --url "http://127.0.0.1:$(port_of "$target")" --label warm-up --rate "$RATE" \
      --duration "$WARMUP" >/dev/null
  done
  stats $TT_EMB >/dev/null

  for rep in $(seq 1 "$REPS"); do
    for shape in $WRK_SHAPES; do
      for target in $TARGETS; do
        measure "$shape" "$target" "$rep" wrk_run "$(port_of "$target")" $shape "$DURATION"
      done
    done
    # The latency cases take turns between the targets (1 s slices at the fixed rate, rounds of 80 SSE streams), so
    # the neighbours' bursts land on every target alike; one after the other, 10 s each, they decided the p99 deltas.
    if [[ $CASES == *" json-rate "* ]]; then
      measure_interleaved json-rate "$rep" dotnet "$LOADCLIENT" rate --targets "$(target_urls)" \
        --rate "$RATE" --duration "$DURATION" --slice "$RATE_SLICE"
    fi
    if [[ $CASES == *" sse-timing "* ]]; then
      measure_interleaved sse-timing "$rep" dotnet "$LOADCLIENT" sse --targets "$(target_urls)" \
        --streams "$SSE_STREAMS" --stream-rate "$SSE_RATE" --gap-ms "$SSE_GAP_MS"
    fi
  done
  for target in "${!TT_PID[@]}"; do
    LOAD=$(load1)
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/${TT_PID[$target]}/status")
    echo "{\"kind\":\"rss\",\"rssMiB\":$((rss / 1024))}" | record rss "$target" 1
  done
fi

if [[ " $PARTS " == *" fanout "* ]]; then
  log "fan-out: TruthTable with the embedded engine"
  for n in 100 1000; do
    for r in 50 200; do
      # A fresh server per case, so the memory per idle connection is read from a clean start.
      # JSON (browsers, the default) and MessagePack (.NET clients that opt in) on the wire.
      for protocol in json messagepack; do
        truthtable "tt-fanout-$n-$r-$protocol" 5107 --EmbeddedEngine:Url="http://127.0.0.1:5108"
        LOAD=$(load1)
        ticks=$(cpu_ticks)
        line=$(dotnet "$FANOUT" fanout --url "http://127.0.0.1:5107" --subscribers $n --rate $r --protocol $protocol \
          --duration "$DURATION" --warmup "$FANOUT_WARMUP" --server-pid "$STARTED_PID" | grep '^{' | tail -n 1)
        STEAL=$(steal_since "$ticks") # over the case, its warm-up included
        echo "$line" | record fanout "$protocol" 1
        STEAL=
        log "fanout N=$n rate=$r $protocol: $line"
        stop "$STARTED_PID"
      done
    done
  done
fi

if [[ " $PARTS " == *" audit "* ]]; then
  for w in 1 2 4; do
    log "audit throughput, embedded engine, $w worker(s)"
    port=$((5110 + w)); engine=$((5120 + w))
    truthtable "tt-workers-$w" $port --EmbeddedEngine:Url="http://127.0.0.1:$engine" --Audit:Workers=$w
    pid=$STARTED_PID
    for rep in $(seq 1 "$REPS"); do
      LOAD=$(load1)
      dotnet "$FANOUT" audit-throughput --url "http://127.0.0.1:$port" --count 2000 | grep '^{' | tail -n 1 \
        | record audit-throughput "workers-$w" "$rep" "{\"workers\":$w}"
      tail -n 1 "$RESULTS" >&2
    done
    if [[ $w == 2 ]]; then
      for rep in $(seq 1 "$REPS"); do
        LOAD=$(load1)
        dotnet "$FANOUT" audit-latency --url "http://127.0.0.1:$port" --rate 20 --duration "$DURATION" | grep '^{' | tail -n 1 \
          | record audit-latency "workers-$w" "$rep" "{\"workers\":$w}"
        tail -n 1 "$RESULTS" >&2
      done
    fi
    stop "$pid"
  done
fi

if [[ " $PARTS " == *" micro "* ]]; then
  log "micro-benchmarks (BenchmarkDotNet, short job)"
  (cd "$ROOT" && dotnet run -c Release --project bench/Micro -- --filter '*' --job short --artifacts "$OUT/micro") \
    >"$OUT/micro.log" 2>&1
fi

{
  echo "# TruthTable benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/{print $2}') memory, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "command: bench/run.sh $PARTS (reps $REPS, ${DURATION}s per run, wrk -t1 -c$CONNS, fixed rate $RATE/s)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  if [[ " $PARTS " == *" proxy "* ]]; then
    dotnet "$LOADCLIENT" report --file "$RESULTS"
    echo
  fi
  if grep -q '"case":"rss"' "$RESULTS"; then
    echo "server RSS after all proxy runs: $(jq -rs 'map(select(.case=="rss")) | map("\(.target) \(.rssMiB) MiB") | join(", ")' "$RESULTS")"
    echo
  fi
  if grep -q '"case":"fanout"' "$RESULTS"; then
    echo "| fan-out: AuditComplete raised → received (protocol) | subscribers | audits/s | p50 ms | p90 ms | p99 ms | max ms | received / expected | server cores | client cores | server RSS per idle connection | load1 | CPU steal |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    jq -r 'select(.case=="fanout") | "| \(.target) | \(.subscribers) | \(.rate) | \(.p50) | \(.p90) | \(.p99) | \(.max) | \(.received) / \(.expected)\(if (.failed // 0) > 0 then " (\(.failed) AuditFailed)" else "" end)\(if (.refused // 0) > 0 then " (\(.refused) audits refused: queue full)" else "" end) | \(.serverCores) | \(.clientCores) | \(.rssPerConnectionKiB) KiB | \(.load1) | \(.stealPct // "") % |"' "$RESULTS"
    echo
  fi
  if grep -q '"case":"audit-' "$RESULTS"; then
    echo "| audit pipeline (embedded engine) | workers | runs | median audits/s | all runs | p50 ms | p99 ms | load1 |"
    echo "|---|---:|---:|---:|---|---:|---:|---:|"
    jq -rs 'map(select(.case=="audit-throughput")) | group_by(.workers)[] | (map(.auditsPerSecond)|sort) as $v
      | "| throughput (2,000 direct audits) | \(.[0].workers) | \(length) | \($v[(length/2|floor)]) | \($v|join(", ")) | | | \(map(.load1)|join(", ")) |"' "$RESULTS"
    jq -rs 'map(select(.case=="audit-latency")) | select(length>0) | (map(.p50)|sort) as $a | (map(.p99)|sort) as $b
      | "| answer → AuditComplete at \(.[0].rate)/s | \(.[0].workers) | \(length) | | | \($a[(length/2|floor)]) | \($b[(length/2|floor)]) | \(map(.load1)|join(", ")) |"' "$RESULTS"
    echo
  fi
  if [[ -f $OUT/micro.log ]]; then
    sed -n '/^| Method/,/^$/p' "$OUT/micro.log" | head -n 20
  fi
} | tee "$OUT/report.md"
echo "raw results: $RESULTS" >&2

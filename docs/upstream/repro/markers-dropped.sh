#!/bin/bash
# Reproduces Kafka dropping a transaction's markers after a crash of a single KRaft node (KAFKA-20734's path):
# a fresh node, a transactional producer committing 16 partitions per transaction (TxnLoop.java), the node SIGKILLed
# KILLS times at random moments and restarted at once; then every partition is read for a transaction left without
# its marker (two batches of data with no control batch between them) and the node's log for the coordinator's
# "likely deleted already" line. Run from the project's root after ./allotment test (or mvn -f deploy/broker/pom.xml
# package). Usage: docs/upstream/repro/markers-dropped.sh [KILLS] [WORK_DIR]; EXTRA_PROPERTIES (lines of key=value)
# are added to the node's properties.
set -u
KILLS=${1:-6}
T=${2:-$(mktemp -d -t markers-dropped.XXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
LIB="deploy/broker/target/lib/*"
[ -d deploy/broker/target/lib ] || { echo "run from the project's root after building deploy/broker" >&2; exit 2; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(port); CPORT=$(port)
mkdir -p "$T"
sed -e "s#@KAFKA_PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CPORT#g" -e "s#@LOG_DIR@#$T/data#g" \
  deploy/broker/server.properties.template > "$T/server.properties"
printf '\n%s\n' "${EXTRA_PROPERTIES:-}" >> "$T/server.properties"
TOOLS="-Dlog4j2.configurationFile=deploy/broker/tools-log4j2.properties"
java $TOOLS -cp "$LIB" kafka.tools.StorageTool format -t "$(java $TOOLS -cp "$LIB" kafka.tools.StorageTool random-uuid)" \
  -c "$T/server.properties" > /dev/null
BOOT=0
start() {
  BOOT=$((BOOT + 1))
  java -Xmx512m -Dlog4j2.configurationFile=deploy/broker/log4j2.properties -Dallotment.broker.log.file="$T/broker-$BOOT.log" \
    -cp "$LIB" kafka.Kafka "$T/server.properties" > /dev/null 2>&1 &
  echo $! > "$T/pid"
  for _ in $(seq 1 120); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return; sleep 0.5; done
  echo "the node did not listen" >&2; exit 1
}
start
java $TOOLS -cp "$LIB" "$HERE/TxnLoop.java" 127.0.0.1:$PORT create
java $TOOLS -cp "$LIB" "$HERE/TxnLoop.java" 127.0.0.1:$PORT run $((KILLS * 25 + 10)) > "$T/producer.out" 2> "$T/producer.err" &
PRODUCER=$!
for k in $(seq 1 "$KILLS"); do
  sleep $((5 + RANDOM % 5)).$((RANDOM % 10))
  kill -9 "$(cat "$T/pid")"
  echo "kill $k at $(date +%T.%N)" >> "$T/kills"
  sleep 1
  start
done
wait $PRODUCER
MISSING=0
for d in "$T"/data/t*-*; do
  m=$(java $TOOLS -cp "$LIB" org.apache.kafka.tools.DumpLogSegments --files "$d"/00000000000000000000.log \
      | grep '^baseOffset' | awk '{c=""; for(i=1;i<=NF;i++) if($i=="isControl:") c=$(i+1);
                                   if(c=="false" && last=="false") n++; last=c } END {print n+0}')
  [ "$m" != 0 ] && echo "$(basename "$d"): $m transaction(s) without a marker" >> "$T/missing"
  MISSING=$((MISSING + m))
done
DROPPED=$(cat "$T"/broker-*.log | grep -c 'these partitions are likely deleted already')
echo "kills $KILLS; $(cat "$T/producer.out"); partitions' transactions without a marker $MISSING;" \
  "coordinator lines 'likely deleted already' $DROPPED; data and logs in $T"
kill "$(cat "$T/pid")"; sleep 3; kill -9 "$(cat "$T/pid")" 2> /dev/null
[ "$MISSING" = 0 ]

#!/usr/bin/env bash
# A guided scenario against a running engine (`./allotment up` in another terminal):
# two warehouses and a supplier, a channel's routing, stock, an order allocated whole, an order split
# across warehouses, an order waiting as backorder and filled by a stock receipt, a manual (Veeqo)
# allocation, an Envoy completion, a cancellation releasing stock to waiting demand, order edits (a line's
# quantity changed, a line added, a line cancelled), a stock count below what is allocated, and a cart hold
# converted into an order, and a promise date that moves when its delivery slips.
# usage: docs/demo.sh [API_KEY] [BASE_URL]   (the key defaults to the admin key in .allotment/api-keys)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KEY=${1:-$(grep -m1 '=admin' "$here/.allotment/api-keys" 2>/dev/null | cut -d= -f1)}
BASE=${2:-http://127.0.0.1:8080}
RUN=${DEMO_RUN:-$(date +%s)}   # ids unique per run, so the demo can be repeated on the same data
[ -n "$KEY" ] || { echo "give the API key printed by ./allotment up"; exit 1; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
call() {  # call METHOD PATH [JSON]: prints the answer; fails the demo on a 5xx
  local code
  code=$(curl -s -o /tmp/demo.$$ -w '%{http_code}' -X "$1" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' ${3:+--data "$3"} "$BASE$2")
  echo "$1 $2 -> $code"; python3 -m json.tool < /tmp/demo.$$ 2>/dev/null | head -${LINES_SHOWN:-40} || cat /tmp/demo.$$; echo
  rm -f /tmp/demo.$$; [ "${code:0:1}" != 5 ]
}
field() { curl -s -H "Authorization: Bearer $KEY" "$BASE$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
wait_status() {  # wait_status ORDER STATUS
  for _ in $(seq 1 100); do [ "$(field /orders/$1 "d['status']")" = "$2" ] && return 0; sleep 0.1; done
  echo "order $1 did not reach $2"; return 1
}
S1=DEMO-MUG-$RUN; S2=DEMO-TEE-$RUN

step "Locations: two warehouses (direct) and a supplier (confirm, untracked)"
call PUT /locations/wh-ams '{"name":"Amsterdam","kind":"WAREHOUSE","confirm_mode":"DIRECT","tracks_stock":true}'
call PUT /locations/wh-ber '{"name":"Berlin","kind":"WAREHOUSE","confirm_mode":"DIRECT","tracks_stock":true}'
call PUT /locations/sup-1 '{"name":"Supplier One","kind":"SUPPLIER","confirm_mode":"CONFIRM","confirm_timeout_seconds":3600,"tracks_stock":false}'
step "Routing of channel web: Amsterdam, then Berlin"
call PUT /channels/web/routing '{"locations":["wh-ams","wh-ber"]}'

step "Stock: $S1 3 in Amsterdam and 2 in Berlin; $S2 5 in Berlin only"
call PUT /stock/wh-ams/$S1 '{"physical":3,"incoming":10}'
call PUT /stock/wh-ber/$S1 '{"physical":2}'
call PUT /stock/wh-ber/$S2 '{"physical":5}'

step "Order A ($S1 x1 + $S2 x1): Amsterdam lacks $S2, so the whole order goes to Berlin"
call POST /orders "{\"order_id\":\"demo-a-$RUN\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S1\",\"quantity\":1},{\"line_id\":\"2\",\"sku\":\"$S2\",\"quantity\":1}]}"
wait_status demo-a-$RUN allocated; LINES_SHOWN=60 call GET /orders/demo-a-$RUN

step "Order B ($S1 x4): no single warehouse has 4, so it is split in rank order"
call POST /orders "{\"order_id\":\"demo-b-$RUN\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S1\",\"quantity\":4}]}"
wait_status demo-b-$RUN allocated; LINES_SHOWN=60 call GET /orders/demo-b-$RUN

step "Order C ($S1 x2): nothing left, it waits as backorder"
call POST /orders "{\"order_id\":\"demo-c-$RUN\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S1\",\"quantity\":2}]}"
sleep 1; call GET /orders/demo-c-$RUN
[ "$(field /orders/demo-c-$RUN "d['lines'][0]['backordered_quantity']")" = 2 ]

step "A stock receipt of 5 in Amsterdam fills the backorder"
call POST /stock/adjustments "{\"adjustments\":[{\"location_id\":\"wh-ams\",\"sku\":\"$S1\",\"delta\":5,\"reason\":\"receipt PO-1\"}]}"
wait_status demo-c-$RUN allocated; call GET /orders/demo-c-$RUN
call GET /stock/$S1

step "Order D on a channel without routing, allocated by hand (Veeqo)"
call POST /orders "{\"order_id\":\"demo-d-$RUN\",\"channel\":\"phone\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S1\",\"quantity\":2}]}"
LINES_SHOWN=25 call POST /orders/demo-d-$RUN/allocations "{\"allocation\":{\"warehouse_id\":\"wh-ams\",\"line_items_attributes\":[{\"sellable_id\":\"$S1\",\"quantity\":2}]}}"

step "Completing order A's allocation (Envoy PATCH): physical and allocated drop together"
alloc=$(field /orders/demo-a-$RUN "d['allocations'][0]['id']")
call PATCH /allocations/orders/demo-a-$RUN "{\"allocations\":[{\"id\":\"$alloc\",\"completed_at\":\"2026-11-25T12:00:00Z\"}]}"
call GET /stock/$S2

step "Order E waits for $S1; cancelling order D releases 2, which go to E"
call POST /orders "{\"order_id\":\"demo-e-$RUN\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S1\",\"quantity\":2}]}"
sleep 1
call POST /orders/demo-d-$RUN/cancel '{"reason":"customer request"}'
wait_status demo-e-$RUN allocated; call GET /orders/demo-e-$RUN
call GET /stock/$S1
step "Order edits: order E's line 1 goes from 2 to 1 (one released), a line of $S2 is added, then line 1 is cancelled"
call PATCH /orders/demo-e-$RUN/lines/1 '{"quantity":1,"reason":"customer changed the basket"}'
call POST /orders/demo-e-$RUN/lines "{\"line_id\":\"2\",\"sku\":\"$S2\",\"quantity\":1}"
call POST /orders/demo-e-$RUN/lines/1/cancel '{"reason":"out of season"}'
[ "$(field /orders/demo-e-$RUN "d['lines'][0]['cancelled_at'] is not None")" = True ]
LINES_SHOWN=80 call GET /orders/demo-e-$RUN/events

step "A count is a fact: Amsterdam counts 4 of $S1 where 5 are allocated; the newest order (C) gives one back and waits"
call PUT /stock/wh-ams/$S1 '{"physical":4}'
for _ in $(seq 1 100); do [ "$(field /orders/demo-c-$RUN "d['lines'][0]['backordered_quantity']")" = 1 ] && break; sleep 0.1; done
call GET /orders/demo-c-$RUN
[ "$(field /orders/demo-c-$RUN "d['lines'][0]['backordered_quantity']")" = 1 ]
call GET /stock/$S1
step "A cart hold: a checkout holds 1 of $S2 (Berlin, the only place with it); the order naming the hold converts it"
call POST /holds "{\"hold_id\":\"demo-h-$RUN\",\"sku\":\"$S2\",\"quantity\":1,\"channel\":\"web\",\"ttl_seconds\":600}"
[ "$(field /stock/$S2 "d['totals']['held']")" = 1 ]
call POST /orders "{\"order_id\":\"demo-f-$RUN\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"$S2\",\"quantity\":1,\"hold_id\":\"demo-h-$RUN\"}]}"
wait_status demo-f-$RUN allocated
[ "$(field /orders/demo-f-$RUN/events "[e['payload'].get('reason') for e in d['events'] if e['type']=='AllocationRequested'][0]")" = "hold demo-h-$RUN converted" ]
call GET /stock/$S2
[ "$(field /stock/$S2 "d['totals']['held']")" = 0 ]
step "Promise dates: 5 of $S1 expected in Amsterdam on 10 January; order C's waiting unit is promised that date"
call PUT /stock/wh-ams/$S1/incoming '[{"quantity":5,"expected_at":"2030-01-10T00:00:00Z"}]'
for _ in $(seq 1 100); do [ "$(field /orders/demo-c-$RUN "d['lines'][0]['expected_at']")" = 2030-01-10T00:00:00Z ] && break; sleep 0.1; done
[ "$(field /orders/demo-c-$RUN "d['lines'][0]['expected_at']")" = 2030-01-10T00:00:00Z ]
call GET "/stock/$S1/atp?until=2030-02-01T00:00:00Z"
step "The delivery slips to 1 February: the promise moves with it"
call PUT /stock/wh-ams/$S1/incoming '[{"quantity":5,"expected_at":"2030-02-01T00:00:00Z"}]'
for _ in $(seq 1 100); do [ "$(field /orders/demo-c-$RUN "d['lines'][0]['expected_at']")" = 2030-02-01T00:00:00Z ] && break; sleep 0.1; done
[ "$(field /orders/demo-c-$RUN "d['lines'][0]['expected_at']")" = 2030-02-01T00:00:00Z ]
call GET /orders/demo-c-$RUN
step "Done: every decision is on allotment.allocation-events; projections on allotment.order-projections"

#!/bin/sh
# An agent that calls an LLM provider within the fleet's limit (docs/providers.md), in plain sh
# and curl: reserve a request on the worker's local API, call the provider, commit what it used.
#
#   agentctl spawn caller --cmd /bin/sh --arg /path/to/shell-agent.sh \
#     --env PROVIDER=openai --env PROVIDER_URL=http://127.0.0.1:8090/call --env PAUSE=1
#
# PROVIDER     the provider (or provider group) to reserve on (default: fake)
# PROVIDER_URL what to call once a reservation is granted (default: http://127.0.0.1:8090/call)
# PAUSE        seconds to wait between calls (default: 0)
# CALLS        stop after this many calls (default: run forever)
# The worker sets AGENTD_LOCAL_API, AGENTD_AGENT_SECRET and AGENTD_WORKER_ID.
provider=${PROVIDER:-fake}
url=${PROVIDER_URL:-http://127.0.0.1:8090/call}
auth="Authorization: Bearer $AGENTD_AGENT_SECRET"
api="$AGENTD_LOCAL_API/v1/self/providers/$provider"
made=0
while [ -z "$CALLS" ] || [ "$made" -lt "$CALLS" ]; do
  # One request and an estimate of its tokens, waiting up to 5 s for this worker's share.
  r=$(curl -s -m 10 -H "$auth" -d '{"requests":1,"tokens":0,"wait":"5s"}' "$api/reserve")
  id=$(printf '%s' "$r" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  if [ -n "$id" ]; then
    # The reservation may have gone to another provider of a group: the answer says which.
    code=$(curl -s -m 30 -o /dev/null -w '%{http_code}' "$url?w=$AGENTD_WORKER_ID")
    echo "call $made: HTTP $code"
    curl -s -m 10 -o /dev/null -H "$auth" -d '{"tokens":0}' "$api/reservations/$id/commit"
    made=$((made + 1))
  else
    # 429 (no room within the wait; Retry-After says when) or 404 (no such provider).
    echo "no reservation: $r"
    sleep 1
  fi
  sleep "${PAUSE:-0}"
done

#!/usr/bin/env python3
"""An agent that calls an LLM provider within the fleet's limit (docs/providers.md), with the
standard library only: reserve on the worker's local API, call, commit the tokens really used.

    agentctl spawn caller --cmd /usr/bin/python3 --arg /path/to/python-agent.py \
        --env PROVIDER=openai --env PROVIDER_URL=http://127.0.0.1:8090/call

PROVIDER, PROVIDER_URL, PAUSE and CALLS as in shell-agent.sh. The worker sets AGENTD_LOCAL_API,
AGENTD_AGENT_SECRET and AGENTD_WORKER_ID.
"""
import json
import os
import time
import urllib.error
import urllib.request

API = os.environ["AGENTD_LOCAL_API"] + "/v1/self/providers/" + os.environ.get("PROVIDER", "fake")
AUTH = {"Authorization": "Bearer " + os.environ["AGENTD_AGENT_SECRET"], "Content-Type": "application/json"}
URL = os.environ.get("PROVIDER_URL", "http://127.0.0.1:8090/call")


def local(path, body):
    """POSTs to the local API; returns (status, answer, Retry-After seconds or None)."""
    request = urllib.request.Request(API + path, data=json.dumps(body).encode(), headers=AUTH, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer), None
    except urllib.error.HTTPError as refused:
        retry = refused.headers.get("Retry-After")
        return refused.code, json.load(refused), int(retry) if retry else None


def main():
    calls = int(os.environ["CALLS"]) if os.environ.get("CALLS") else None
    made = 0
    while calls is None or made < calls:
        estimate = 800  # what this call's prompt and answer are expected to use
        status, answer, retry = local("/reserve", {"requests": 1, "tokens": estimate, "wait": "5s"})
        if status != 200:
            print("no reservation:", status, answer["error"]["message"], flush=True)
            time.sleep(retry or 1)
            continue
        with urllib.request.urlopen(URL + "?w=" + os.environ.get("AGENTD_WORKER_ID", "?"), timeout=30) as reply:
            used = int(reply.headers.get("X-Tokens-Used", estimate))
        print("call", made, "on", answer["provider"], "used", used, "tokens", flush=True)
        local("/reservations/" + answer["id"] + "/commit", {"tokens": used})
        made += 1
        time.sleep(float(os.environ.get("PAUSE", "0")))


if __name__ == "__main__":
    main()

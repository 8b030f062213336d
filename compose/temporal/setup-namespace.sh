#!/bin/sh
# One-shot step after the Temporal Service is up (the `temporal-namespace-setup` service of
# docker-compose.yml, run by temporalio/admin-tools): creates the namespace, as temporalio/samples-server's
# compose/scripts/create-namespace.sh does, and registers the search attributes that make channels listable
# (`webtv channel list`, the Web UI's filters; src/shared/searchAttributes.ts names them; the dev server of
# `npm start` registers them with --search-attribute). Each step checks first, so it is safe to repeat.
set -eu

NAMESPACE="${DEFAULT_NAMESPACE:-default}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
MAX_ATTEMPTS="${TEMPORAL_HEALTH_CHECK_MAX_ATTEMPTS:-60}"
SLEEP_SECONDS="${TEMPORAL_HEALTH_CHECK_SLEEP_SECONDS:-5}"
export TEMPORAL_ADDRESS

# Runs "$@" until it succeeds, at most MAX_ATTEMPTS times (the server answers health before it serves
# every namespace call).
retry() {
  what="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "temporal-namespace-setup: ${what} still failing after ${MAX_ATTEMPTS} attempts" >&2
      exit 1
    fi
    echo "temporal-namespace-setup: ${what} not ready yet (attempt ${attempt}/${MAX_ATTEMPTS})"
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

retry "cluster health" temporal operator cluster health

ensure_namespace() {
  temporal operator namespace describe -n "$NAMESPACE" >/dev/null 2>&1 \
    || temporal operator namespace create -n "$NAMESPACE"
}
retry "namespace ${NAMESPACE}" ensure_namespace
echo "temporal-namespace-setup: namespace ${NAMESPACE} ready"

# Keyword: channel names and states are matched exactly (WebtvChannel = "news", WebtvChannelState = "on air").
ensure_search_attribute() {
  temporal operator search-attribute list -n "$NAMESPACE" | grep -qw "$1" \
    || temporal operator search-attribute create -n "$NAMESPACE" --name "$1" --type Keyword
}
for name in WebtvChannel WebtvChannelState; do
  retry "search attribute ${name}" ensure_search_attribute "$name"
  echo "temporal-namespace-setup: search attribute ${name} (Keyword) registered"
done

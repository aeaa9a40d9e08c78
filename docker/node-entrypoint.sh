#!/bin/sh
# Starts `biglearn node` in a container from environment variables (docker-compose.yml sets them):
#   BIGLEARN_ROLES        model,agents | agents | model            (default agents)
#   BIGLEARN_PORT         the remoting port                          (default 4053)
#   BIGLEARN_SEED_NODES   HOST:PORT,... of the seed nodes            (default: none, the node starts a cluster)
#   BIGLEARN_PUBLIC_HOST  the name other nodes reach this one by     (default: this container's address)
#   BIGLEARN_TLS_CERT     the cluster's PKCS#12 certificate (mutual TLS; its password in BIGLEARN_TLS_PASSWORD)
#   BIGLEARN_INSECURE     1 to bind without TLS
# A container binds every interface (0.0.0.0), which the node refuses without TLS unless told --insecure.
set -eu
public_host=${BIGLEARN_PUBLIC_HOST:-$(hostname -i | cut -d' ' -f1)}
set -- node --roles "${BIGLEARN_ROLES:-agents}" --port "${BIGLEARN_PORT:-4053}" --host 0.0.0.0 --public-host "$public_host"
if [ -n "${BIGLEARN_SEED_NODES:-}" ]; then set -- "$@" --seed-nodes "$BIGLEARN_SEED_NODES"; fi
if [ -n "${BIGLEARN_TLS_CERT:-}" ]; then set -- "$@" --tls-cert "$BIGLEARN_TLS_CERT"; fi
if [ "${BIGLEARN_INSECURE:-0}" = "1" ]; then set -- "$@" --insecure; fi
exec dotnet /app/biglearn.dll "$@"

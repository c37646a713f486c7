#!/usr/bin/env bash
# What `make run` needs to watch the shop, installed only when missing and silent when present
# (`make install` runs it):
#   - Debian's `prometheus` package (the server and promtool); `make run` starts its own
#     Prometheus with a configuration for the shop's ports (var/prometheus);
#   - RabbitMQ's Prometheus endpoint (plugin rabbitmq_prometheus, port 15692) where the broker
#     is on this machine: enabled on the running node, or offline for its next start.
# apt-get runs as root (CI does), or through `sudo -n`; otherwise this says what to install and
# carries on: the shop runs without Prometheus.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 126
  fi
}

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "==> apt-get install -y prometheus (make run watches the shop with it)"
  status=0
  { as_root apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      prometheus >/dev/null; } || status=$?
  if [ "$status" -eq 126 ]; then
    echo "warning: Prometheus is missing and cannot be installed without root:" \
      "run 'sudo apt-get install -y prometheus'" >&2
  elif [ "$status" -ne 0 ]; then
    exit "$status"
  fi
fi

if command -v rabbitmq-plugins >/dev/null 2>&1; then
  enabled=/etc/rabbitmq/enabled_plugins
  if ! grep -qs rabbitmq_prometheus "$enabled"; then
    echo "==> rabbitmq-plugins enable rabbitmq_prometheus (the broker's metrics on port 15692)"
    as_root rabbitmq-plugins -q enable rabbitmq_prometheus >/dev/null 2>&1 \
      || as_root rabbitmq-plugins -q enable --offline rabbitmq_prometheus >/dev/null 2>&1 \
      || echo "warning: could not enable rabbitmq_prometheus:" \
        "run 'sudo rabbitmq-plugins enable rabbitmq_prometheus'" >&2
  fi
fi

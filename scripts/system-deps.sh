#!/usr/bin/env bash
# Debian packages tipkg needs beyond Python: a Java runtime (HermiT, the OWL reasoner owlready2
# runs), Chromium (the browser tests) and npm (make installs the pages' packages with it); with the
# argument 'virtuoso', Virtuoso (the remote-store tests start a virtuoso-t of their own). Installs
# only what is missing; fails loudly if it can't.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
for extra in "$@"; do
  case "$extra" in
    virtuoso) command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource) ;;
  esac
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${need[*]} (run 'sudo apt-get install ${need[*]}' or run make as root)" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

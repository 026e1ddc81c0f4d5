#!/usr/bin/env bash
# Runs one walkthrough of README.md exactly as written: the fenced bash block that follows the
# line `<!-- walkthrough: NAME -->`, under `set -euxo pipefail`, so any failing command fails the
# test. It runs in a scratch directory where `build/custseg` is the binary under test, `configs`
# the repository's and DATA the shared datasets, so the README's commands (relative paths,
# build/custseg) work unchanged. Usage: readme_walkthrough.sh README.md NAME BIN WORKDIR
set -euo pipefail
readme=$1 name=$2 bin=$3 work=$4
block=$(awk -v tag="<!-- walkthrough: $name -->" '
  $0 == tag { found = 1; next }
  found && /^```bash/ { inside = 1; next }
  inside && /^```/ { exit }
  inside { print }' "$readme")
[[ -n $block ]] || { echo "readme_walkthrough: no block '$name' in $readme" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work/build"
ln -s "$(realpath "$bin")" "$work/build/custseg"
ln -s "$(cd "$(dirname "$readme")" && pwd)/configs" "$work/configs"
cd "$work"
export DATA=${CUSTSEG_SHARED_DATA:-../shared/data}
echo "+ walkthrough '$name' in $work:"
echo "$block"
bash -euxo pipefail -c "$block"

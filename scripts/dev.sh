#!/bin/sh
# The newcomer's entry point, behind `npm test` and `npm run demo`.
#
#   sh scripts/dev.sh setup          pnpm 12.4.2 (installed if absent) + pnpm install --frozen-lockfile
#   sh scripts/dev.sh test           setup, then every package's tests through turbo, then one totals line
#   sh scripts/dev.sh demo           setup, then the examples app's demo
#   sh scripts/dev.sh pnpm ARGS...   setup, then `pnpm ARGS...` (e.g. `pnpm support-matrix --check`)
#
# Needs only Node 20 and npm. POSIX sh on purpose: Debian runs it with dash.
set -eu

PNPM_VERSION=12.4.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/.tools"
cd "$ROOT"

say() { printf '%s\n' "$*" >&2; }

has_pnpm() { # $1: a pnpm command; true when it runs and is the pinned version
  [ "$("$1" --version 2>/dev/null)" = "$PNPM_VERSION" ]
}

# Sets PNPM to a pnpm of the pinned version: the one on PATH, one installed earlier under
# .tools/, a fresh global install, or (without permission for that) a fresh one under .tools/.
find_pnpm() {
  for candidate in pnpm "$TOOLS/node_modules/.bin/pnpm"; do
    if has_pnpm "$candidate"; then PNPM=$candidate; return; fi
  done
  say "pnpm $PNPM_VERSION not found; installing it with npm"
  if npm install --global "pnpm@$PNPM_VERSION" >&2 && has_pnpm pnpm; then
    PNPM=pnpm
    return
  fi
  say "global install not possible here; installing pnpm $PNPM_VERSION under .tools/"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-package-lock "pnpm@$PNPM_VERSION" >&2
  PNPM="$TOOLS/node_modules/.bin/pnpm"
  has_pnpm "$PNPM" || { say "error: could not install pnpm $PNPM_VERSION"; exit 1; }
}

# `gl` (headless GL for @lintra/backend-gpujs) compiles from source on install. pnpm passes
# node-gyp the Node headers only through the environment (it ignores .npmrc's nodedir), and
# the build takes minutes on one core.
gl_build_env() {
  if [ -z "${npm_config_nodedir:-}" ]; then
    nodedir=$(node -p 'require("path").resolve(process.execPath, "../..")')
    if [ -f "$nodedir/include/node/common.gypi" ]; then
      npm_config_nodedir=$nodedir
      export npm_config_nodedir
    fi
  fi
  JOBS=${JOBS:-max}
  export JOBS
}

# `gl` did not build when node_modules was installed before the GL system packages (its
# failed build does not fail the install: it is optional). Where they are present now,
# build it again instead of leaving backend-gpujs without GL.
rebuild_gl_if_needed() {
  (cd packages/backend-gpujs && node -e 'require("gl")' >/dev/null 2>&1) && return 0
  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists x11 xi xext glew 2>/dev/null || return 0
  say "the native 'gl' package is not built but the GL build packages are installed: rebuilding it (a few minutes)"
  "$PNPM" rebuild gl >&2 || say "warning: rebuilding 'gl' failed; @lintra/backend-gpujs tests will fail"
}

setup() {
  find_pnpm
  # Nested pnpm/npm runs must find this pnpm too (root scripts call `pnpm`).
  PATH="$(dirname "$(command -v "$PNPM")"):$PATH"
  export PATH
  gl_build_env
  "$PNPM" install --frozen-lockfile >&2
  rebuild_gl_if_needed
}

run_tests() {
  node scripts/test-summary.mjs --clean
  status=0
  TURBO_TELEMETRY_DISABLED=1 "$PNPM" exec turbo run typecheck test --continue || status=$?
  node scripts/test-summary.mjs --turbo-status "$status"
}

# Each step on its own line: `set -e` does not apply inside a function called left of `&&`.
cmd=${1:-}
[ $# -eq 0 ] || shift
case "$cmd" in
  setup | test | demo | pnpm) setup ;;
  *)
    say "usage: sh scripts/dev.sh setup | test | demo | pnpm ARGS..."
    exit 2
    ;;
esac
case "$cmd" in
  test) run_tests ;;
  demo) "$PNPM" --filter @lintra/examples demo ;;
  pnpm) "$PNPM" "$@" ;;
esac

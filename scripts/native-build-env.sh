# Sourced (not run, POSIX sh) before `npm install` / `npm ci`: lets native addons build offline.
#
# better-sqlite3 first tries a prebuilt binary from github.com (prebuild-install) and falls back to
# compiling with node-gyp (needs g++, make, python3: scripts/install-system-deps.sh). node-gyp needs
# the headers of the running Node and downloads them from nodejs.org unless `nodedir` points at a
# local copy. Debian's nodejs package ships them in /usr/include/node, so when the running node is
# Debian's /usr/bin/node and the header version matches, use them. Elsewhere nothing changes.
_raqib_node="$(command -v node || true)"
if [ "$_raqib_node" = /usr/bin/node ] && [ -f /usr/include/node/node_version.h ]; then
  _raqib_headers="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION /{printf "%s%s", sep, $3; sep="."}' /usr/include/node/node_version.h)"
  if [ "v$_raqib_headers" = "$(node -v)" ]; then
    npm_config_nodedir=/usr
    export npm_config_nodedir
  fi
  unset _raqib_headers
fi
unset _raqib_node

#!/usr/bin/env bash
# refresh.sh fetches GraphiQL's browser bundles from the npm registry at the
# versions pinned below into assets/, which graphiql.go embeds in the
# binary, and records where each file came from, with its SHA-256, in
# assets/SOURCES (TestAssetsMatchSources checks the files against it).
# Only the production UMD bundles, their CSS and the licences are kept.
# Change a version, run this, commit assets/.
set -euo pipefail
cd "$(dirname "$0")"

GRAPHIQL=4.1.2 # graphiql 4 is the last major with a UMD bundle (5 is ES modules only)
EXPLORER=4.0.6 # @graphiql/plugin-explorer for graphiql 4 (@graphiql/react 0.34)
REACT=18.3.1   # React 18 is the last major with UMD bundles (19 has none)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack --silent --pack-destination "$tmp" \
  "graphiql@$GRAPHIQL" "@graphiql/plugin-explorer@$EXPLORER" "react@$REACT" "react-dom@$REACT" >/dev/null

rm -rf assets
mkdir -p assets
# take PACKAGE VERSION TARBALL FILE ASSET copies FILE of the package into
# assets/ASSET and records it.
take() {
  local dir="$tmp/${3%.tgz}"
  if [ ! -d "$dir" ]; then mkdir -p "$dir" && tar xzf "$tmp/$3" -C "$dir"; fi
  cp "$dir/package/$4" "assets/$5"
  printf '%s  %s  %s@%s/%s\n' "$(sha256sum "assets/$5" | cut -d' ' -f1)" "$5" "$1" "$2" "$4" >>assets/SOURCES
}
take graphiql "$GRAPHIQL" "graphiql-$GRAPHIQL.tgz" graphiql.min.js graphiql.min.js
take graphiql "$GRAPHIQL" "graphiql-$GRAPHIQL.tgz" graphiql.min.css graphiql.min.css
take graphiql "$GRAPHIQL" "graphiql-$GRAPHIQL.tgz" LICENSE LICENSE.graphiql
take @graphiql/plugin-explorer "$EXPLORER" "graphiql-plugin-explorer-$EXPLORER.tgz" dist/index.umd.js plugin-explorer.umd.js
take @graphiql/plugin-explorer "$EXPLORER" "graphiql-plugin-explorer-$EXPLORER.tgz" dist/style.css plugin-explorer.css
take react "$REACT" "react-$REACT.tgz" umd/react.production.min.js react.production.min.js
take react "$REACT" "react-$REACT.tgz" LICENSE LICENSE.react
take react-dom "$REACT" "react-dom-$REACT.tgz" umd/react-dom.production.min.js react-dom.production.min.js
take react-dom "$REACT" "react-dom-$REACT.tgz" LICENSE LICENSE.react-dom
cat assets/SOURCES

#!/bin/bash
# Installs what tests/deploy/check.sh needs, as root, from the top of the
# tree or anywhere. Idempotent: what is there already is left alone.
#   - with apt-get, when missing: promtool (Debian's prometheus),
#     python3-yaml, node and npm, kubectl (Debian's kubernetes-client: its
#     kustomize is enough)
#   - the schema validator: the npm packages kubernetes-models 4.5.1 (the
#     Kubernetes API's schemas, of 1.33 by their fields),
#     @kubernetes-models/prometheus-operator 4.4.4 (PodMonitor) and yaml,
#     with every dependency at the version of tests/deploy/package-lock.json,
#     into build/deploy-tools. Needs the npm registry once; check.sh then
#     runs offline.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=${DEPLOY_TOOLS:-build/deploy-tools}

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
python3 -c 'import yaml' 2>/dev/null || /usr/bin/python3 -c 'import yaml' 2>/dev/null ||
	missing+=(python3-yaml)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-tools: apt-get install ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if cmp -s tests/deploy/package.json "$dest/package.json" &&
   cmp -s tests/deploy/package-lock.json "$dest/package-lock.json" &&
   [ -f "$dest/node_modules/.package-lock.json" ]; then
	echo "install-tools: $dest is up to date"
	exit 0
fi
mkdir -p "$dest"
cp tests/deploy/package.json tests/deploy/package-lock.json "$dest/"
echo "install-tools: npm ci --prefix $dest"
npm ci --prefix "$dest" --no-audit --no-fund --ignore-scripts --loglevel=error

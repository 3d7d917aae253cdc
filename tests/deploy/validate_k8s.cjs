// Validates Kubernetes manifests against the JSON schemas bundled in the npm
// packages kubernetes-models (the core API) and
// @kubernetes-models/prometheus-operator (the PodMonitor CRD), offline.
//   node tests/deploy/validate_k8s.cjs TOOLS_DIR FILE...
// TOOLS_DIR: where tests/deploy/install-tools.sh installed them. Prints one
// line per document ("ok KIND/NAME" or the errors); exits 1 on any error.
//
// The schemas do not reject unknown fields (no additionalProperties: false),
// so a misspelt field would pass. Strict mode, as kubectl's: each object is
// wrapped in a Proxy that records which fields the schema's validator
// reads; a field of the manifest it never read is unknown to the schema.
// An object whose schema reads no field at all (free-form) is not checked.
"use strict";
const fs = require("fs");
const path = require("path");

const [tools, ...files] = process.argv.slice(2);
if (!tools || files.length === 0) {
  console.error("usage: validate_k8s.cjs TOOLS_DIR FILE...");
  process.exit(2);
}
const modules = path.resolve(tools, "node_modules");
const YAML = require(path.join(modules, "yaml"));
const { runValidateFunc } = require(path.join(modules, "@kubernetes-models/validate"));

// apiVersion/kind -> the package's compiled schema. Any other kind fails:
// add its schema here.
const SCHEMAS = {
  "v1/Namespace": "kubernetes-models/_schemas/IoK8sApiCoreV1Namespace.js",
  "v1/Service": "kubernetes-models/_schemas/IoK8sApiCoreV1Service.js",
  "apps/v1/DaemonSet": "kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet.js",
  "monitoring.coreos.com/v1/PodMonitor":
    "@kubernetes-models/prometheus-operator/_schemas/MonitoringCoreosComV1PodMonitor.js",
};

function track(value, seen) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  const children = new Map();
  seen.set(value, read);
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== "string") return Reflect.get(target, key, receiver);
      read.add(key);
      if (!Object.prototype.hasOwnProperty.call(target, key)) return Reflect.get(target, key, receiver);
      if (!children.has(key)) children.set(key, track(target[key], seen));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") read.add(key);
      return Reflect.has(target, key);
    },
  });
}

function unknownFields(value, seen, where, out) {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, seen, `${where}/${i}`, out));
    return;
  }
  const read = seen.get(value);
  if (!read || read.size === 0) return; // not validated, or free-form
  for (const key of Object.keys(value)) {
    if (read.has(key)) unknownFields(value[key], seen, `${where}/${key}`, out);
    else out.push(`${where}/${key}: unknown field`);
  }
}

let failed = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  docs.forEach((doc, i) => {
    const where = `${file}#${i}`;
    const errors = doc.errors.map((e) => e.message);
    const obj = errors.length ? null : doc.toJS();
    if (obj === null || obj === undefined) {
      if (!errors.length) return; // an empty document
    } else {
      const gvk = `${obj.apiVersion}/${obj.kind}`;
      const schema = SCHEMAS[gvk];
      if (!schema) {
        errors.push(`no schema for ${gvk} in validate_k8s.cjs`);
      } else {
        const fn = require(path.join(modules, schema)).validate;
        const seen = new Map();
        try {
          runValidateFunc(fn, track(obj, seen));
        } catch (e) {
          errors.push(...String(e.message).split("\n"));
        }
        unknownFields(obj, seen, "", errors);
      }
    }
    const name = obj && obj.metadata ? `${obj.kind}/${obj.metadata.name}` : where;
    if (errors.length) {
      failed++;
      for (const e of errors) console.log(`${where} ${name}: ${e}`);
    } else {
      console.log(`ok ${name} (${where})`);
    }
  });
}
process.exit(failed ? 1 : 0);

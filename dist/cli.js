#!/usr/bin/env node
import { createRequire as __zrRequire } from 'node:module'; const require = __zrRequire(import.meta.url);
import {
  INPUTS,
  VERSION,
  cancelOnSignals,
  realClock,
  run
} from "./chunks/chunk-KBPAWFF7.js";

// src/cli.ts
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
var BOOLEAN_INPUTS = /* @__PURE__ */ new Set(["dry-run", "allow-downgrade", "verify-allow-http"]), EXTRA = {
  repository: { type: "string", description: "owner/name of the repository (GITHUB_REPOSITORY)" },
  "forge-api-url": { type: "string", description: "GitHub/Gitea API URL (GITHUB_API_URL), e.g. https://gitea.example.com/api/v1" },
  "server-url": { type: "string", description: "GitHub/Gitea server URL (GITHUB_SERVER_URL)" },
  "summary-file": { type: "string", description: "also write the Markdown summary to this file" },
  "report-dir": { type: "string", description: "directory for the JSON report (default: the system temp dir)" },
  help: { type: "boolean", description: "show this help" },
  version: { type: "boolean", description: "print the version" }
};
function envName(input) {
  return `ZEROPS_ROLLOUT_${input.toUpperCase().replace(/-/g, "_")}`;
}
function usage() {
  let lines = [
    `zerops-rollout ${VERSION} \u2014 release a verified commit to a production Zerops project`,
    "",
    "Usage: zerops-rollout --project-id <id> --services <list> [options]",
    "",
    "Options (each also read from the environment variable shown):"
  ];
  for (let spec of INPUTS) {
    let def = spec.actionDefault && !spec.actionDefault.includes("${{") ? ` (default: ${spec.actionDefault})` : "", env = [envName(spec.name), spec.env].filter(Boolean).join(", ");
    lines.push(`  --${spec.name}${BOOLEAN_INPUTS.has(spec.name) ? "" : " <value>"}${def}`, `      ${firstSentence(spec)} [${env}]`);
  }
  for (let [name, o] of Object.entries(EXTRA)) lines.push(`  --${name}${o.type === "string" ? " <value>" : ""}`, `      ${o.description}`);
  return lines.push("", "Exit status: 0 for success, noop, disabled, superseded, dry-run; 1 for halted, failed, rolled-back; 2 for bad usage."), lines.join(`
`);
}
function firstSentence(spec) {
  return spec.description.replace(/`/g, "").split(/(?<=\.)\s/)[0] ?? spec.description;
}
function main() {
  let options = {};
  for (let spec of INPUTS) options[spec.name] = { type: BOOLEAN_INPUTS.has(spec.name) ? "boolean" : "string" };
  for (let [name, o] of Object.entries(EXTRA)) options[name] = { type: o.type };
  let values;
  try {
    values = parseArgs({ options, allowPositionals: !1, strict: !0 }).values;
  } catch (err) {
    return process.stderr.write(`zerops-rollout: ${err instanceof Error ? err.message : String(err)}
Run with --help for the options.
`), 2;
  }
  if (values.help)
    return process.stdout.write(`${usage()}
`), 0;
  if (values.version)
    return process.stdout.write(`${VERSION}
`), 0;
  let env = { ...process.env };
  typeof values.repository == "string" && (env.GITHUB_REPOSITORY = values.repository), typeof values["forge-api-url"] == "string" && (env.GITHUB_API_URL = values["forge-api-url"]), typeof values["server-url"] == "string" && (env.GITHUB_SERVER_URL = values["server-url"]);
  let readInput = (name) => {
    let flag = values[name];
    if (typeof flag == "boolean") return String(flag);
    if (typeof flag == "string") return flag;
    let fromEnv = env[envName(name)];
    if (fromEnv !== void 0) return fromEnv;
    let def = INPUTS.find((i) => i.name === name)?.actionDefault ?? "";
    return def.includes("${{") ? "" : def;
  }, tty = !!process.stdout.isTTY && !env.CI, reportDir = typeof values["report-dir"] == "string" ? values["report-dir"] : env.RUNNER_TEMP || tmpdir(), summary = "", runner = {
    setOutput: (name, value) => {
      env.GITHUB_OUTPUT || tty || process.stdout.write(`${name}=${value}
`);
    },
    appendSummary: async (markdown) => {
      summary += markdown;
    },
    mask: () => {
    },
    tempDir: () => reportDir
  }, signal = cancelOnSignals((s) => process.stderr.write(`
${s} received: stopping \u2014 no new change will start.
`));
  return run({ readInput, env, log: terminalLogger(tty), runner, clock: realClock, signal }).then((outcome) => {
    tty && process.stderr.write(`
${serviceTable(outcome.facts.records)}
`);
    let file = values["summary-file"];
    return typeof file == "string" && writeFileSync(file, summary), outcome.reportPath && process.stderr.write(`Report: ${outcome.reportPath}
`), outcome.exitCode;
  });
}
function serviceTable(records) {
  if (records.length === 0) return "";
  let rows = records.map((r) => [r.hostname, r.stage, `${r.before.sha?.slice(0, 7) ?? "\u2014"} \u2192 ${r.after.sha?.slice(0, 7) ?? "\u2014"}`, r.strategy, r.outcome, r.reason ?? ""]), widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => i < 5 ? c.padEnd(widths[i]) : c).join("  ").trimEnd()).join(`
`);
}
function terminalLogger(tty) {
  let started = Date.now(), paint = (code, s) => tty ? `\x1B[${code}m${s}\x1B[0m` : s, stamp = () => tty ? paint("2", `[${((Date.now() - started) / 1e3).toFixed(1).padStart(6)}s] `) : "", transient = !1, out = (line) => {
    transient && process.stderr.write("\r\x1B[2K"), transient = !1, process.stderr.write(`${stamp()}${line}
`);
  };
  return {
    progress: (m) => {
      tty && (process.stderr.write(`\r\x1B[2K${stamp()}${paint("2", `\u2026 ${m}`)}`), transient = !0);
    },
    debug: (m) => {
      process.env.ZEROPS_ROLLOUT_DEBUG && out(paint("2", `debug: ${m}`));
    },
    info: (m) => out(m),
    notice: (m, t) => out(paint("36", `notice${t ? ` (${t})` : ""}: ${m}`)),
    warning: (m, t) => out(paint("33", `warning${t ? ` (${t})` : ""}: ${m}`)),
    error: (m, t) => out(paint("31", `error${t ? ` (${t})` : ""}: ${m}`)),
    group: async (title, fn) => (out(paint("1", `\u2500\u2500 ${title}`)), fn())
  };
}
Promise.resolve(main()).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`zerops-rollout crashed: ${err instanceof Error ? err.message : String(err)}
`), process.exit(1);
  }
);

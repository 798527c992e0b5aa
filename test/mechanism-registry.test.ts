import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CALL_SELECTIONS } from "../scripts/kinds/macro/macroSpec.ts";
import { globalState, MACRO_MECHANISMS, MECHANISM_NAMES, MECHANISMS } from "../scripts/model/vocabulary.ts";
import { BUILD_DIR, buildNative, removeDir, tempDir } from "./support/native.ts";
import { requireTool } from "./support/requireTool.ts";
import { withMachineLock } from "./support/machineLock.ts";

// The C registry (native/mechanisms.c) and the TypeScript vocabulary must
// name the same mechanisms with the same properties, and the runners must
// act on what the registry says.

const COLUMNS = ["name", "os", "tracer_process", "handlers", "macro", "selections", "filter", "global"];

let scratch: string;

before(() => {
  buildNative();
  scratch = tempDir("registry");
});
after(() => removeDir(scratch));

function run(program: string, args: string[], input?: string) {
  const r = spawnSync(join(BUILD_DIR, program), args, { encoding: "utf8", input, timeout: 60_000 });
  assert.equal(r.error, undefined, `${program}: ${r.error}`);
  return r;
}

function listing(program: string): string {
  const r = run(program, ["--list-mechanisms"]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The registry as tt-driver lists it: one record per mechanism, by name. */
function registry(): Map<string, Record<string, string>> {
  const [header, ...rows] = listing("tt-driver").trimEnd().split("\n");
  assert.deepEqual(header.split("\t"), COLUMNS);
  const entries = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const fields = row.split("\t");
    assert.equal(fields.length, COLUMNS.length, row);
    assert.equal(entries.has(fields[0]), false, `${fields[0]} listed twice`);
    entries.set(fields[0], Object.fromEntries(COLUMNS.map((c, i) => [c, fields[i]])));
  }
  return entries;
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

test("tt-driver lists exactly the mechanisms of the vocabulary, each with its properties", () => {
  const listed = registry();
  assert.deepEqual([...listed.keys()], MECHANISM_NAMES, "the same names, in the same order");
  for (const name of MECHANISM_NAMES) {
    const m = listed.get(name)!;
    const known = MECHANISMS[name];
    assert.equal(m.os, known.os, `${name}: os`);
    assert.equal(m.tracer_process, yesNo(known.tracerProcess), `${name}: tracer_process`);
    assert.equal(m.handlers, yesNo(known.handlers), `${name}: handlers`);
    assert.equal(m.macro, yesNo((MACRO_MECHANISMS as readonly string[]).includes(name)), `${name}: macro`);
    assert.equal(m.filter, yesNo(known.filter), `${name}: filter`);
    assert.equal(m.global, globalState(name), `${name}: global`);
    if (m.macro === "no") {
      assert.equal(m.selections, "-", `${name}: selections`);
    } else {
      const selections = m.selections.split(",");
      assert.ok(selections.length > 0 && selections.every((s) => (CALL_SELECTIONS as readonly string[]).includes(s)), `${name}: ${m.selections}`);
    }
  }
});

test("tt-macro prints the identical listing, from the same table", () => {
  assert.equal(listing("tt-macro"), listing("tt-driver"));
});

test("tt-driver takes the placements and handlers the listing says, and no others", () => {
  // Refused before any process starts: the cell's end line says why.
  const cells: { id: string; tracer: string; placement: string; reason: RegExp }[] = [];
  for (const [name, m] of registry()) {
    const traced = m.tracer_process === "yes";
    cells.push({ id: `${name}-placed`, tracer: name, placement: traced ? "pinned" : "same-cpu", reason: new RegExp(`${traced ? "with" : "without"} a tracer process the placement is`) });
    if (m.handlers === "no") cells.push({ id: `${name}-inspect`, tracer: `${name}:inspect`, placement: "unpinned", reason: new RegExp(`mechanism ${name} has no handler inspect`) });
  }
  const batch = cells.map((c) => `${c.id} getppid valid ${c.tracer} ${c.placement} 1 3 0\n`).join("");
  const r = run("tt-driver", ["-b", BUILD_DIR, "-d", join(scratch, "driver")], batch);
  assert.equal(r.status, 0, r.stderr);
  for (const c of cells) {
    const end = r.stdout.split("\n").find((l) => l.startsWith(`#cell ${c.id} `) && !l.endsWith(" begin")) ?? "(no end line)";
    assert.match(end, new RegExp(`^#cell ${c.id} failed `), c.id);
    assert.match(end, c.reason, c.id);
  }
});

test("tt-driver takes MECH@CALL for the mechanisms the listing says have a filter, and skips the others' cells", () => {
  requireTool("strace", "apt-get install strace"); // strace-seccomp's filter is strace's
  const listed = [...registry()];
  const batch = listed.map(([name]) => `${name} getppid valid ${name}@open unpinned 1 1 0\n`).join("");
  const r = run("tt-driver", ["-b", BUILD_DIR, "-d", join(scratch, "filter")], batch);
  assert.equal(r.status, 0, r.stderr);
  for (const [name, m] of listed) {
    const end = r.stdout.split("\n").find((l) => l.startsWith(`#cell ${name} `) && !l.endsWith(" begin"));
    if (m.filter === "yes") assert.equal(end, `#cell ${name} done`, name);
    else assert.equal(end, `#cell ${name} skipped ${name} has no filter that could select open's system calls instead of getppid's`, name);
  }
});

test("tt-macro runs whole programs under the mechanisms and selections the listing says, and refuses the others", async () => {
  // The observers among them change machine-wide state (tracefs, BPF, a cgroup).
  await withMachineLock("tt-macro under every mechanism", () => {
    for (const [name, m] of registry()) {
      for (const selection of CALL_SELECTIONS) {
        const r = run("tt-macro", ["-b", BUILD_DIR, "-m", name, "-c", selection, "-n", "1", "-T", "10", "--", "true"]);
        const what = `${name} -c ${selection}`;
        if (m.macro === "no") {
          assert.equal(r.status, 2, what);
          assert.match(r.stderr, new RegExp(`unknown mechanism "${name}"`), what);
        } else if (!m.selections.split(",").includes(selection)) {
          assert.equal(r.status, 2, what);
          assert.match(r.stderr, new RegExp(`${name} cannot be told to intercept`), what);
        } else {
          assert.doesNotMatch(r.stderr, /cannot be told to intercept|unknown mechanism/, what);
          assert.match(r.stdout, /^run,real_s,user_s,sys_s,exit\n1,/, `${what}: a row for the run (${r.stderr.trim()})`);
        }
      }
    }
  });
});

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";

const EXAMPLE = "results/examples/zinke2009-local.tar.gz";
const out = tempDir("example");
after(() => removeDir(out));

test("the committed example dataset verifies and renders a complete report without measuring", () => {
  const verified = tracetax(["verify", EXAMPLE]);
  assert.equal(verified.status, 0, verified.stderr + verified.stdout);
  const r = tracetax(["report", EXAMPLE, "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(out, "index.html"), "utf8");
  for (const frame of ["Frame 25", "Frame 26", "Frame 27", "Frame 28"]) assert.ok(html.includes(frame), frame);
  assert.equal((html.match(/<svg/g) ?? []).length >= 4, true);
  assert.match(html, /5 trials|× 5 trials/, "the full default spec: 5 trials per cell");
});

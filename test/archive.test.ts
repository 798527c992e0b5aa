import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readTar } from "../scripts/archive/tarReader.ts";
import { writeTar } from "../scripts/archive/tarWriter.ts";
import { type MicroManifest } from "../scripts/model/manifest.ts";
import { tracetax } from "./support/cli.ts";
import { removeDir, tempDir } from "./support/native.ts";

const dir = tempDir("archive");
let runDir: string;
let runId: string;
let archive: string;

before(() => {
  const r = tracetax([
    "run", "experiments/zinke2009.yaml", "--rounds", "3", "--trials", "1",
    "--results", join(dir, "results"), "--report-root", join(dir, "report"), "--quiet",
  ]);
  assert.equal(r.status, 0, r.stderr);
  runDir = /^results: (.+)$/m.exec(r.stdout)![1];
  runId = runDir.split("/").pop()!;
  const a = tracetax(["archive", runDir]);
  assert.equal(a.status, 0, a.stderr);
  archive = `${runDir}.tar.gz`;
  assert.match(a.stdout, new RegExp(`^archive: ${archive}$`, "m"));
});
after(() => removeDir(dir));

let scratchCount = 0;
function scratch(name: string): string {
  const path = join(dir, `${name}-${++scratchCount}`);
  mkdirSync(path);
  return path;
}

/**
 * A copy of the archive, unpacked and packed again by the system's tar after
 * `edit` changed the bag. tar packs `what`: the bag's directory, or "." (the
 * directory it was unpacked into), which makes every path start with "./".
 */
function repacked(edit: (bagDir: string) => void, what = runId): string {
  const work = scratch("repack");
  execFileSync("tar", ["-xzf", archive, "-C", work]);
  edit(join(work, runId));
  const out = `${work}.tar.gz`;
  execFileSync("tar", ["-czf", out, "-C", work, what]);
  return out;
}

function outputLines(text: string): string[] {
  return text.trim().split("\n").filter(Boolean);
}

/** Run tracetax with TMPDIR pointing at a fresh directory, to see what it leaves there. */
function withTmpdir(args: string[]) {
  const tmp = scratch("tmpdir");
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return { ...tracetax(args), tmp };
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** What tracetax extracted into a temporary directory and left there (tsx keeps its own cache beside it). */
function extractedCopies(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("tracetax-"));
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `no stack trace: ${stderr}`);
}

/** The run directory's files: two logs, the manifest, raw.csv, trials.csv, summary.csv and the published numbers. */
const payloadFiles = () => 6 + readdirSync(join(runDir, "reference")).length;

test("archive writes a BagIt bag that the system's tar and sha*sum accept, and verify passes it", () => {
  const listed = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).trim().split("\n");
  const expected = [
    "", "bag-info.txt", "bagit.txt", "data/", "data/logs/", "data/logs/local-build.log", "data/logs/local-driver.log",
    "data/manifest.json", "data/raw.csv", "data/reference/",
    ...readdirSync(join(runDir, "reference")).sort().map((f) => `data/reference/${f}`),
    "data/summary.csv", "data/trials.csv", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt",
  ].map((p) => `${runId}/${p}`);
  assert.deepEqual(listed, expected);

  const work = scratch("extract");
  execFileSync("tar", ["-xzf", archive, "-C", work]);
  const bag = join(work, runId);
  assert.equal(readFileSync(join(bag, "bagit.txt"), "utf8"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  const info = readFileSync(join(bag, "bag-info.txt"), "utf8");
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
  const payload = expected.filter((p) => p.includes("/data/") && !p.endsWith("/")).map((p) => join(work, p));
  const octets = payload.reduce((sum, p) => sum + statSync(p).size, 0);
  assert.match(info, new RegExp(`^External-Identifier: ${runId}$`, "m"));
  assert.match(info, new RegExp(`^Bagging-Date: ${manifest.endedAt!.slice(0, 10)}$`, "m"));
  assert.match(info, new RegExp(`^Payload-Oxum: ${octets}\\.${payload.length}$`, "m"));
  assert.match(info, /^Bag-Software-Agent: tracetax /m);
  assert.match(info, /^Host: local \(/m);
  for (const [tool, file] of [["sha256sum", "manifest-sha256.txt"], ["sha512sum", "manifest-sha512.txt"], ["sha256sum", "tagmanifest-sha256.txt"], ["sha512sum", "tagmanifest-sha512.txt"]]) {
    execFileSync(tool, ["--check", "--strict", "--quiet", file], { cwd: bag });
  }

  const v = tracetax(["verify", archive]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`^ok: .*${payloadFiles()} payload files, sha256 and sha512 checksums$`, "m"));
  const extracted = tracetax(["verify", bag]);
  assert.equal(extracted.status, 0, extracted.stdout + extracted.stderr);
});

test("archiving the same run twice gives byte-identical archives", () => {
  const again = join(scratch("again"), "again.tar.gz");
  const r = tracetax(["archive", runDir, "--out", again]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readFileSync(again).equals(readFileSync(archive)), "same bytes");
  assert.ok(readFileSync(archive).subarray(4, 8).equals(Buffer.alloc(4)), "no time in the gzip header");
  const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as MicroManifest;
  const ended = manifest.endedAt!.replace("T", " ").slice(0, 19);
  const listing = execFileSync("tar", ["-tvzf", archive, "--full-time"], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
  for (const line of outputLines(listing)) assert.match(line, new RegExp(`^[-d]rw[-x]r-[-x]r-[-x] root/root +\\d+ ${ended} ${runId}/`));
});

test('an archive unpacked into a directory and packed again from it with tar ("./" paths) verifies', () => {
  const again = repacked(() => {}, ".");
  const listed = execFileSync("tar", ["-tzf", again], { encoding: "utf8" }).trim().split("\n");
  assert.deepEqual(listed.slice(0, 2), ["./", `./${runId}/`], "tar wrote the root and a ./ prefix");
  const r = tracetax(["verify", again]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^ok: .*: bag ${runId}/, ${payloadFiles()} payload files, sha256 and sha512 checksums$`, "m"));
});

for (const [what, packing] of [[undefined, "its bag directory"], [".", 'its directory, paths starting "./"']] as const) {
  test(`a flipped byte in a payload file is named as changed, and nothing else (repacked from ${packing})`, () => {
    const tampered = repacked((bag) => {
      const path = join(bag, "data", "raw.csv");
      const bytes = readFileSync(path);
      const at = bytes.toString("latin1").search(/\d(?=\D*$)/); // the last digit: a cycle count
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
      writeFileSync(path, bytes);
    }, what);
    const r = tracetax(["verify", tampered]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.deepEqual(outputLines(r.stdout), ["changed: data/raw.csv"]);
    assert.match(r.stderr, /1 problem\(s\)/);
  });
}

test("a removed and an added payload file are named as missing and extra", () => {
  const tampered = repacked((bag) => {
    rmSync(join(bag, "data", "logs", "local-build.log"));
    writeFileSync(join(bag, "data", "notes.txt"), "added later\n");
  });
  const r = tracetax(["verify", tampered]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = outputLines(r.stdout);
  assert.deepEqual(lines.slice(0, 2), ["missing: data/logs/local-build.log", "extra: data/notes.txt"]);
  assert.match(lines[2], /^Payload-Oxum: bag-info.txt says \d+\.(\d+) \(octets\.files\), the payload is \d+\.\1$/, "as many files, other octets");
  assert.equal(lines.length, 3);
});

test("an edited tag file is named by the tag manifests", () => {
  const tampered = repacked((bag) => writeFileSync(join(bag, "bag-info.txt"), `${readFileSync(join(bag, "bag-info.txt"), "utf8")}Note: edited\n`));
  const r = tracetax(["verify", tampered]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.deepEqual(outputLines(r.stdout), ["changed: bag-info.txt"]);
});

test("report ARCHIVE draws the same figures as report RUN-DIR, and removes its extracted copy", () => {
  const work = scratch("report");
  const fromDir = tracetax(["report", runDir, "--out", join(work, "from-dir")]);
  assert.equal(fromDir.status, 0, fromDir.stderr);
  const r = withTmpdir(["report", archive, "--out", join(work, "from-archive")]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `report: ${join(work, "from-archive", "index.html")}`);
  const figures = readdirSync(join(work, "from-dir", "figures")).sort();
  assert.ok(figures.some((f) => f.endsWith(".svg")), "the report has SVG figures");
  assert.deepEqual(readdirSync(join(work, "from-archive", "figures")).sort(), figures);
  for (const f of figures) {
    const same = readFileSync(join(work, "from-archive", "figures", f)).equals(readFileSync(join(work, "from-dir", "figures", f)));
    assert.ok(same, `${f} is byte-identical`);
  }
  assert.deepEqual(extractedCopies(r.tmp), [], "the extracted copy is removed");
});

test("report ARCHIVE refuses an archive that does not verify", () => {
  const tampered = repacked((bag) => writeFileSync(join(bag, "data", "summary.csv"), "edited\n"));
  const out = join(dir, "not-rendered");
  const r = tracetax(["report", tampered, "--out", out]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /changed: data\/summary\.csv/);
  assert.equal(existsSync(out), false);
});

test("archives with entries escaping the bag, absolute paths, links or an empty file name are refused, writing nothing", () => {
  const file = (path: string, text: string) => ({ path, kind: "file" as const, data: Buffer.from(text) });
  const crafted = (name: string, entries: ReturnType<typeof file>[]) => {
    const path = join(scratch("crafted"), name);
    writeFileSync(path, gzipSync(writeTar(entries, 0)));
    return path;
  };
  const bagit = file("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  const dotdot = crafted("dotdot.tar.gz", [bagit, file("bag/../escaped.txt", "out")]);
  const dotDotdot = crafted("dot-dotdot.tar.gz", [file("./bag/bagit.txt", "BagIt-Version: 1.0\n"), file("./bag/../../escaped.txt", "out")]);
  const emptyName = crafted("empty-name.tar.gz", [file("./", "a file where the root should be")]);
  const absolute = crafted("absolute.tar.gz", [bagit, file(join(dir, "absolute.txt"), "out")]);
  const linkBag = join(scratch("link"), "bag");
  mkdirSync(join(linkBag, "data"), { recursive: true });
  symlinkSync("/etc/passwd", join(linkBag, "data", "passwd"));
  const link = join(scratch("link-archive"), "link.tar.gz"); // outside the directory that "." packs below
  execFileSync("tar", ["-czf", link, "-C", join(linkBag, ".."), "bag"]);
  const dotLink = join(scratch("dot-link"), "link.tar.gz");
  execFileSync("tar", ["-czf", dotLink, "-C", join(linkBag, ".."), "."]);

  for (const [archivePath, why] of [
    [dotdot, /refused: entry "bag\/\.\.\/escaped\.txt" has "\.\." in its path/],
    [dotDotdot, /refused: entry "\.\/bag\/\.\.\/\.\.\/escaped\.txt" has "\.\." in its path/],
    [emptyName, /refused: entry "\.\/" has an empty path/],
    [absolute, /refused: entry "\/.*absolute\.txt" has an absolute path/],
    [link, /refused: entry "bag\/data\/passwd" is a symbolic link \(to "\/etc\/passwd"\)/],
    [dotLink, /refused: entry "\.\/bag\/data\/passwd" is a symbolic link \(to "\/etc\/passwd"\)/],
  ] as const) {
    const v = tracetax(["verify", archivePath]);
    assert.equal(v.status, 2, v.stderr);
    assert.match(v.stderr, why);
    assertNoStackTrace(v.stderr);
    const out = join(dir, "evil-report");
    const r = withTmpdir(["report", archivePath, "--out", out]);
    assert.equal(r.status, 2, r.stderr);
    assert.deepEqual(extractedCopies(r.tmp), [], "nothing extracted");
    assert.equal(existsSync(out), false, "no report");
  }
  assert.equal(existsSync(join(dir, "absolute.txt")), false);
  assert.equal(existsSync(join(dir, "escaped.txt")), false);
});

test("a truncated or corrupted archive gives a clear message, not a stack trace", () => {
  const bytes = readFileSync(archive);
  const work = scratch("damaged");
  const cut = join(work, "cut.tar.gz");
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const cutTar = join(work, "cut-tar.tar.gz");
  const tar = execFileSync("gzip", ["-dc", archive]);
  writeFileSync(cutTar, gzipSync(tar.subarray(0, tar.indexOf("host,call,fd") + 100))); // inside raw.csv's data
  const flipped = join(work, "flipped.tar.gz");
  const copy = Buffer.from(bytes);
  copy[Math.floor(copy.length / 2)] ^= 0xff;
  writeFileSync(flipped, copy);

  for (const [path, message] of [
    [cut, /cut\.tar\.gz: the archive is truncated or corrupted \(gzip: /],
    [cutTar, /cut-tar\.tar\.gz: archive is truncated: an entry's data is cut off \(at byte \d+ of the tar stream\)/],
    [flipped, /flipped\.tar\.gz: the archive is truncated or corrupted \(gzip: /],
  ] as const) {
    const r = tracetax(["verify", path]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assertNoStackTrace(r.stderr);
  }
  const notAnArchive = tracetax(["verify", join(runDir, "raw.csv")]);
  assert.equal(notAnArchive.status, 2);
  assert.match(notAnArchive.stderr, /raw\.csv: not a tar archive/);
});

test("verify RUN-DIR checks that raw.csv and summary.csv agree with the manifest", () => {
  const ok = tracetax(["verify", runDir]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ok: .*done cells, \d+ rows in raw\.csv, summary\.csv recomputed$/m);

  const editedSummary = join(scratch("run"), runId);
  cpSync(runDir, editedSummary, { recursive: true });
  const summary = readFileSync(join(editedSummary, "summary.csv"), "utf8").split("\n");
  summary[1] = summary[1].replace(/,(\d+),/, (_, n: string) => `,${Number(n) + 1},`);
  writeFileSync(join(editedSummary, "summary.csv"), summary.join("\n"));
  const s = tracetax(["verify", editedSummary]);
  assert.equal(s.status, 1, s.stdout + s.stderr);
  assert.deepEqual(outputLines(s.stdout), [
    `summary.csv: 1 line(s) differ from what raw.csv gives (first: line 2, cell ${summary[1].split(",").slice(0, 5).join("/")}); tracetax analyze rewrites it`,
  ]);

  const droppedRow = join(scratch("run"), runId);
  cpSync(runDir, droppedRow, { recursive: true });
  const raw = readFileSync(join(droppedRow, "raw.csv"), "utf8").split("\n");
  const cell = raw[1].split(",").slice(0, 5).join("/");
  writeFileSync(join(droppedRow, "raw.csv"), [raw[0], ...raw.slice(2)].join("\n"));
  const d = tracetax(["verify", droppedRow]);
  assert.equal(d.status, 1, d.stdout + d.stderr);
  assert.match(d.stdout, new RegExp(`^raw\\.csv: trial 1 of cell ${cell}: rounds 2–3 \\(2\\), expected 1–3 once each$`, "m"));
  assert.match(d.stdout, /^summary\.csv: /m);
});

test("a manifest from a newer tracetax is refused with status 2", () => {
  const newer = join(scratch("run"), runId);
  cpSync(runDir, newer, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(newer, "manifest.json"), "utf8")) as MicroManifest;
  writeFileSync(join(newer, "manifest.json"), JSON.stringify({ ...manifest, format: manifest.format + 1 }));
  for (const command of ["verify", "archive", "report"]) {
    const r = tracetax([command, newer, ...(command === "verify" ? [] : ["--out", join(dir, `newer-${command}`)])]);
    assert.equal(r.status, 2, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /manifest\.json: manifest format \d+ is newer than this tracetax reads \(\d+\); use a newer tracetax/);
  }
  assert.equal(existsSync(join(dir, "newer-archive")), false);
});

test("paths too long for a ustar name field survive the tar writer and reader", () => {
  const long = `${"d".repeat(60)}/${"e".repeat(70)}/file.txt`; // fits ustar's prefix + name
  const longer = `bag/${"f".repeat(120)}.txt`; // a name over 100 bytes: needs a pax header
  const entries = [long, longer].map((path) => ({ path, kind: "file" as const, data: Buffer.from(path) }));
  const tar = writeTar(entries, 0);
  assert.deepEqual(readTar(tar, "test").map((m) => [m.path, m.data.toString()]), [[long, long], [longer, longer]]);
  const path = join(scratch("long"), "long.tar");
  writeFileSync(path, tar);
  assert.deepEqual(execFileSync("tar", ["-tf", path], { encoding: "utf8" }).trim().split("\n"), [long, longer]);
});

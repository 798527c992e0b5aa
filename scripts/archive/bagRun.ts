import { parse } from "yaml";
import { InputError } from "../inputError.ts";
import { hostsOf, type RunManifest } from "../model/manifest.ts";
import { toolIdentity } from "../results/toolIdentity.ts";
import {
  BAG_INFO_TXT,
  BAGIT_TXT,
  CHECKSUM_ALGORITHMS,
  PAYLOAD_DIR,
  bagitDeclaration,
  formatManifest,
  formatTagFile,
  isPayloadPath,
  manifestFileName,
  payloadFiles,
  payloadOxum,
  type Bag,
} from "./bagit.ts";
import { readFileTree } from "./fileTree.ts";

/** When a run's data was last written: its end, or its start when it never ended. */
export function runFinishedAt(manifest: RunManifest): Date {
  return new Date(manifest.endedAt ?? manifest.startedAt);
}

function specTitle(manifest: RunManifest): string {
  const title = (parse(manifest.spec.text) as { title?: unknown } | null)?.title;
  return typeof title === "string" ? title : manifest.spec.path;
}

function hostLine(manifest: RunManifest, host: string): string {
  const facts = manifest.hosts[host];
  return facts ? `${host} (${facts.os}, ${facts.osRelease}, ${facts.arch}, ${facts.cpuModel})` : `${host} (no facts gathered)`;
}

/**
 * bag-info.txt: who bagged what. Every value comes from the manifest (the
 * bagging date is the run's end), so bagging the same run again says the same.
 */
function bagInfo(manifest: RunManifest, description: string, bag: Bag): string {
  const tool = toolIdentity();
  return formatTagFile([
    ["Bag-Software-Agent", `${tool.name} ${tool.version}`],
    ["Title", specTitle(manifest)],
    ["External-Description", `Measurements of one tracetax ${manifest.kind} run of ${manifest.spec.path}: ${description}`],
    ["External-Identifier", manifest.runId],
    ...hostsOf(manifest).map((host): [string, string] => ["Host", hostLine(manifest, host)]),
    ["Run-Started", manifest.startedAt],
    ["Run-Ended", manifest.endedAt ?? "not ended"],
    ["Run-State", manifest.state],
    ["Bagging-Date", runFinishedAt(manifest).toISOString().slice(0, 10)],
    ["Payload-Oxum", payloadOxum(bag)],
  ]);
}

/** A run directory as a bag named after the run: its files as the payload (`description` says what they are), then the tag files over them. */
export function bagRun(runDir: string, manifest: RunManifest, description: string): Bag {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(manifest.runId)) {
    throw new InputError(`${runDir}/manifest.json: runId "${manifest.runId}" cannot name a bag directory`);
  }
  const bag: Bag = { name: manifest.runId, files: new Map() };
  for (const [path, data] of readFileTree(runDir)) bag.files.set(`${PAYLOAD_DIR}/${path}`, data);
  const payload = payloadFiles(bag);

  bag.files.set(BAGIT_TXT, Buffer.from(bagitDeclaration()));
  bag.files.set(BAG_INFO_TXT, Buffer.from(bagInfo(manifest, description, bag)));
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    bag.files.set(manifestFileName("manifest", algorithm), Buffer.from(formatManifest(payload, algorithm)));
  }
  // Tag manifests cover the tag files written so far, not each other.
  const tagFiles = [...bag.files].filter(([path]) => !isPayloadPath(path));
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    bag.files.set(manifestFileName("tagmanifest", algorithm), Buffer.from(formatManifest(tagFiles, algorithm)));
  }
  return bag;
}

/** ssh exits with this status when it, not the remote command, failed. */
export const SSH_FAILED = 255;

/**
 * What ssh said about why it failed, on one line: its banner art and the
 * "Permanently added" notes dropped, the first line (what happened) and the
 * last two (what it concluded) kept.
 */
export function sshComplaint(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.replace(/^[@\s]+|[@\s]+$/g, ""))
    .filter((l) => l !== "" && !/^Warning: Permanently added/.test(l));
  if (lines.length === 0) return "ssh gave no reason";
  return (lines.length <= 3 ? lines : [lines[0], "…", ...lines.slice(-2)]).join(" ");
}

/** ssh could not reach a host, authenticate, or verify its key: the host's cells fail with ssh's own words. */
export class SshError extends Error {
  constructor(host: string, destination: string, stderr: string) {
    super(`cannot reach ${host} over ssh (${destination}): ${sshComplaint(stderr)}`);
    this.name = "SshError";
  }
}

/** Waiting will not cure these: the key or the credentials are wrong. */
export function isPermanentSshFailure(message: string): boolean {
  return /Host key verification failed|Permission denied|HOST IDENTIFICATION HAS CHANGED/.test(message);
}

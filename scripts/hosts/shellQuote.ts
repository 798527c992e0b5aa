/**
 * The one way a command reaches a remote shell: ssh joins its arguments
 * into a single string that the remote user's login shell parses again, so
 * every argument is quoted here, never pasted.
 */

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument, as the remote shell (sh, ksh, bash or csh) must see it: verbatim. */
export function shellQuote(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  // Inside single quotes nothing is special except the quote itself: close, escape it, reopen.
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Commands given as argument arrays, run one after another while each succeeds. */
export function remoteCommand(...commands: string[][]): string {
  return commands.map((argv) => argv.map(shellQuote).join(" ")).join(" && ");
}

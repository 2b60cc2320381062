/**
 * Errors that say the checker ran out of something of its own, not that a server failed:
 * a probe process out of file descriptors (`EMFILE`, e.g. while something holds its
 * `/metrics` connections open), kernel buffers or local ports. Reported as such, a
 * server-down or quorum-lost alarm from them would be false and would go to every channel.
 */
const LOCAL_RESOURCE_ERRORS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL', 'EAGAIN']);

export function isLocalResourceError(code: string | undefined): boolean {
  return code !== undefined && LOCAL_RESOURCE_ERRORS.has(code);
}

export function checkerFaultMessage(code: string, what: string): string {
  return `the checker could not ${what}: ${code} (a local resource of zk-lookout ran out; the server was not probed)`;
}

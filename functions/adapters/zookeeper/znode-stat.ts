/** The stat the server keeps for each znode, as the native client reports it. */
export interface ZnodeStat {
  mzxid: number;
  mtime: Date | number;
  ctime: Date | number;
  version: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

/** A persistent znode's owner is session 0, which the client writes as `0` or as a run of zeros. */
export const isEphemeral = (stat: ZnodeStat): boolean => stat.ephemeralOwner !== '0' && !/^0+$/.test(stat.ephemeralOwner);

export const statTime = (t: Date | number): string => new Date(t).toISOString();

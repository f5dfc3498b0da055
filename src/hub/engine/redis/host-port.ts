/** Sentinel addresses from the command line; no Redis client here, so the CLI can parse them cheaply. */
export interface HostPort {
  host: string;
  port: number;
}

/** `["host:port", "[::1]:26379"]` → nodes; throws a clear message on anything else. */
export function parseHostPorts(list: readonly string[]): HostPort[] {
  return list.map((item) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(item.trim());
    const port = Number(m?.[2]);
    if (!m?.[1] || !(port > 0 && port < 65536)) throw new Error(`"${item}" is not host:port`);
    return { host: m[1], port };
  });
}

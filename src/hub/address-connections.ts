/**
 * Concurrent TCP connections per remote address (note 54): HTTP requests, WebSockets before and
 * after hello, and requests still sending their headers all count, so one peer cannot hold the
 * hub's file descriptors and memory. Counted at accept, released at close.
 */
export class AddressConnections {
  private readonly open = new Map<string, number>();

  /** `max` ≤ 0: no bound. */
  constructor(readonly max: number) {}

  /** Counts one more connection from `address`; false (nothing counted) when it already has `max`. */
  admit(address: string): boolean {
    if (this.max <= 0) return true;
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    if (this.max <= 0) return;
    const n = (this.open.get(address) ?? 0) - 1;
    if (n > 0) this.open.set(address, n);
    else this.open.delete(address);
  }
}

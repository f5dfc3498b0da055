/**
 * A WebSocket peer written by hand on a TCP socket: frames the `ws` client would never send
 * (unknown opcodes, reserved bits, unmasked client frames, lying lengths, fragmented control
 * frames), as an attacker sends them. It reads the hub's text and close frames back.
 */
import crypto from 'node:crypto';
import net from 'node:net';

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface RawFrame {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  /** The three RSV bits (0-7); a server without extensions must refuse any. */
  rsv?: number;
  /** Clients must mask (RFC 6455 5.1); false sends the payload in the clear. */
  mask?: boolean;
  /** A header length other than the payload's (a lie, or 2^63-1 for "the rest of time"). */
  claimedLength?: bigint;
}

export function encodeFrame(f: RawFrame): Buffer {
  const mask = f.mask ?? true;
  const len = f.claimedLength ?? BigInt(f.payload.length);
  const b0 = (f.fin === false ? 0 : 0x80) | ((f.rsv ?? 0) & 7) << 4 | (f.opcode & 0x0f);
  const m = mask ? 0x80 : 0;
  let header: Buffer;
  if (len < 126n) header = Buffer.from([b0, m | Number(len)]);
  else if (len < 65_536n) {
    header = Buffer.from([b0, m | 126, 0, 0]);
    header.writeUInt16BE(Number(len), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = m | 127;
    header.writeBigUInt64BE(len & 0xffff_ffff_ffff_ffffn, 2);
  }
  if (!mask) return Buffer.concat([header, f.payload]);
  const key = crypto.randomBytes(4);
  const body = Buffer.from(f.payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([header, key, body]);
}

export const textFrame = (text: string | Buffer, extra: Partial<RawFrame> = {}): Buffer =>
  encodeFrame({ opcode: OPCODE.text, payload: typeof text === 'string' ? Buffer.from(text) : text, ...extra });

export class RawWsPeer {
  /** Text frames from the hub, in order. */
  readonly texts: string[] = [];
  closeCode: number | null = null;
  ended = false;
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Completes the opening handshake at `path`; rejects unless the hub answers 101. */
  static open(port: number, path = '/v1/ws'): Promise<RawWsPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let head = Buffer.alloc(0);
      const onData = (d: Buffer): void => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1').split(' ')[1];
        if (status !== '101') {
          socket.destroy();
          return reject(new Error(`upgrade answered ${head.subarray(0, 200).toString('latin1')}`));
        }
        const peer = new RawWsPeer(socket);
        socket.emit('data', head.subarray(end + 4));
        resolve(peer);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      const key = crypto.randomBytes(16).toString('base64');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: stagecall.v1\r\n\r\n`,
      );
    });
  }

  /** Opens and says hello with `token`; resolves once welcome arrived. */
  static async connect(port: number, token: string): Promise<RawWsPeer> {
    const p = await RawWsPeer.open(port);
    p.write(textFrame(JSON.stringify({ t: 'hello', token, client: { name: 'raw', version: '0' } })));
    await p.until(() => (p.texts.some((t) => t.includes('"t":"welcome"')) ? true : undefined), 30_000, 'welcome');
    return p;
  }

  get open(): boolean {
    return !this.ended && this.closeCode === null;
  }

  write(bytes: Buffer): void {
    if (!this.ended) this.socket.write(bytes);
  }

  /** Resolves once `check` returns a value; re-checked on every frame and at close. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw peer timed out waiting for ${what}; got ${JSON.stringify(this.texts.slice(-3))}`)), timeoutMs);
      const test = (): void => {
        const v = check();
        if (v !== undefined) {
          clearTimeout(timer);
          return resolve(v);
        }
        if (this.ended) {
          clearTimeout(timer);
          return reject(new Error(`raw peer closed (${this.closeCode}) while waiting for ${what}`));
        }
        this.waiters.push(test);
      };
      test();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Gone at once with a TCP reset, as a phone that lost its network mid-frame. */
  reset(): void {
    if (!this.ended) this.socket.resetAndDestroy();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Server frames are never masked (RFC 6455 5.1); the hub sends no fragments. */
  private parse(): void {
    for (;;) {
      if (this.buf.length < 2) break;
      const opcode = (this.buf[0] ?? 0) & 0x0f;
      let len = (this.buf[1] ?? 0) & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) break;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) break;
        len = Number(this.buf.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buf.length < at + len) break;
      const payload = this.buf.subarray(at, at + len);
      this.buf = this.buf.subarray(at + len);
      if (opcode === OPCODE.text) this.texts.push(payload.toString('utf8'));
      if (opcode === OPCODE.close) this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    }
    this.wake();
  }
}

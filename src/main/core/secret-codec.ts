/**
 * Secrets at rest (the console's staff token and the hub's admin key, kept in the journal's
 * settings): sealed by the operating system's key store when there is one. The Electron main
 * process passes `safeStorage` as the backend (the same three methods); the web host and tests
 * in plain Node use PLAIN_SECRETS, or any backend of this shape.
 *
 * Stored form: `sealed:v1:<base64>` for a sealed value; anything else is a plaintext value
 * (written by an older console, or where no key store was available) and is read as it is, then
 * sealed on the next save.
 */

/** Electron's `safeStorage` has exactly this shape. */
export interface EncryptionBackend {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /**
   * Linux: which secret store is used. `basic_text` means none: Electron then "encrypts" with a
   * hard-coded password, which protects nothing, so it counts as no key store.
   */
  getSelectedStorageBackend?(): string;
}

function sealingProblem(backend: EncryptionBackend): string | null {
  if (!backend.isEncryptionAvailable()) return 'the system key store is not available';
  let store = '';
  try {
    store = backend.getSelectedStorageBackend?.() ?? '';
  } catch {
    // not on Linux: there is no choice of store to report
  }
  return store === 'basic_text' ? 'no secret store (keyring) runs on this desktop, so the system key store would only obscure them' : null;
}

export interface SecretCodec {
  /** True when values are sealed by a key store; false: kept as plain text (file mode 0600 only). */
  readonly sealing: boolean;
  seal(plain: string): string;
  /** Throws SecretCodecError when a sealed value cannot be opened here. */
  open(stored: string): string;
  /** True for a stored value this codec would seal but that is still plain text. */
  needsSealing(stored: string): boolean;
}

export class SecretCodecError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretCodecError';
  }
}

const PREFIX = 'sealed:v1:';

const openPlain = (stored: string): string => {
  if (stored.startsWith(PREFIX))
    throw new SecretCodecError('a stored secret was sealed by the system key store, which this console cannot use: join the event again');
  return stored;
};

export const PLAIN_SECRETS: SecretCodec = { sealing: false, seal: (plain) => plain, open: openPlain, needsSealing: () => false };

/**
 * Seals with `backend` when it can encrypt; otherwise warns once (through `warn`) and keeps
 * plain text, so a machine without a key store (Linux without a keyring) still works.
 */
export function systemSecretCodec(backend: EncryptionBackend, warn: (message: string) => void): SecretCodec {
  const problem = sealingProblem(backend);
  if (problem) {
    warn(`${problem}: the console keeps its token and admin key in plain text (in a file only this user can read)`);
    return PLAIN_SECRETS;
  }
  return {
    sealing: true,
    seal: (plain) => `${PREFIX}${backend.encryptString(plain).toString('base64')}`,
    open: (stored) => {
      if (!stored.startsWith(PREFIX)) return stored;
      try {
        return backend.decryptString(Buffer.from(stored.slice(PREFIX.length), 'base64'));
      } catch (err) {
        throw new SecretCodecError(`a stored secret could not be opened by the system key store (${(err as Error).message}): join the event again`, { cause: err });
      }
    },
    needsSealing: (stored) => !stored.startsWith(PREFIX),
  };
}

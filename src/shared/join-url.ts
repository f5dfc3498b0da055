/** Whether a join URL names this machine only (loopback): a phone could never open it. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

/** The warning, in words, shown wherever the join URL is (console, CLI). */
export const LOOPBACK_WARNING =
  'Phones cannot open this join link: it points at this computer only (loopback). Connect this computer to the venue network and start again (without --local-only), or run the hub on a server.';

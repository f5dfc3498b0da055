export { canonicalJson } from './canonical-json';
export { STATE_HASH_HEX_DIGITS, nobleSha256Hex, stateHash, type Sha256Hex } from './state-hash';

/** node:crypto's SHA-256 for the hub's P26 hashes: native, several times faster than pure JS at 1 MB views. */
import crypto from 'node:crypto';
import type { Sha256Hex } from '../shared/integrity';

export const nodeSha256Hex: Sha256Hex = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

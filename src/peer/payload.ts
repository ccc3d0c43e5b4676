/**
 * What a segment's bytes are and how they are checked against its hash. The protocol moves
 * and verifies opaque payloads; only this scheme knows what they mean.
 */
export interface PayloadScheme {
  /** Bytes reserved per segment in the store. */
  readonly slotSize: number;
  /** The payload of a segment an owner holds. */
  payloadOf(hash: string): Uint8Array;
  /**
   * True when `payload` is segment `segment`, whose hash is `hash` (real data knows its hashes
   * locally, by segment, and ignores `hash`).
   */
  verify(hash: string, payload: Uint8Array, segment: number): boolean;
}

const encoder = new TextEncoder();

/**
 * The course format: inputs list only hashes, so a segment's content is its hash text
 * (32 bytes), and a payload is genuine when it equals the expected hash.
 */
export const hashAsPayload: PayloadScheme = {
  slotSize: 32,
  payloadOf: (hash) => encoder.encode(hash),
  verify(hash, payload) {
    if (payload.length !== hash.length) return false;
    for (let i = 0; i < payload.length; i++) if (payload[i] !== hash.charCodeAt(i)) return false;
    return true;
  },
};

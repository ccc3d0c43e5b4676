/** A message that breaks the protocol: malformed bytes, or content that makes no sense. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

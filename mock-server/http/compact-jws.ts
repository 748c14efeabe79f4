/**
 * Splitting a JWS in compact serialization (RFC 7515 §7.1) into its decoded parts, refusing anything malformed: the one
 * decoder behind the mock's DPoP proofs, `private_key_jwt` client assertions and JWT bearer grants. Pure.
 */

export interface CompactJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signature: Uint8Array<ArrayBuffer>;
  /** The bytes the signature covers: `base64url(header) '.' base64url(payload)`. */
  readonly signed: Uint8Array<ArrayBuffer>;
}

/** The decoded parts of `text`, or `undefined` unless it is three base64url parts, the first two JSON objects. */
export function parseCompactJws(text: string): CompactJws | undefined {
  const parts = text.split('.');
  if (parts.length !== 3) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJsonObject(encodedHeader);
  const payload = decodeJsonObject(encodedPayload);
  const signature = decodeBase64Url(encodedSignature);
  if (header === undefined || payload === undefined || signature === undefined) return undefined;
  return {
    header,
    payload,
    signature,
    signed: new TextEncoder().encode(`${encodedHeader}.${encodedPayload}`),
  };
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64Url(part);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 4648 §5 without padding; `undefined` for any other character or an impossible length. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

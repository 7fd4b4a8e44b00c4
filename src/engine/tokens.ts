/**
 * API tokens: `eo_<id>_<secret>`. Only a SHA-256 of the secret is stored, and it is compared in
 * constant time; the token itself is shown once, when it is created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { EngopsError } from '../model/errors.js'
import type { Store } from '../store/store.js'

export const TOKEN_ROLES = ['viewer', 'ingest', 'admin'] as const
export type TokenRole = (typeof TOKEN_ROLES)[number]

const sha256 = (text: string) => createHash('sha256').update(text).digest()

export function isTokenRole(value: string): value is TokenRole {
  return (TOKEN_ROLES as readonly string[]).includes(value)
}

/** A fresh token and what to store of it. */
export function mintToken(): { id: string; secret: string; token: string; hash: string } {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(24).toString('base64url')
  return { id, secret, token: `eo_${id}_${secret}`, hash: sha256(secret).toString('hex') }
}

export async function createToken(
  store: Store,
  name: string,
  role: string,
): Promise<{ id: string; token: string }> {
  if (!isTokenRole(role))
    throw new EngopsError('USAGE', `unknown role "${role}" (roles: ${TOKEN_ROLES.join(', ')})`)
  const minted = mintToken()
  await store.write((w) =>
    w.insertToken({ id: minted.id, name, role, hash: minted.hash, createdAt: Date.now() }),
  )
  return { id: minted.id, token: minted.token }
}

/** Constant-time check of a secret against a stored hex hash. */
export function secretMatches(secret: string, hashHex: string): boolean {
  const expected = Buffer.from(hashHex, 'hex')
  const actual = sha256(secret)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

const TOKEN = /^eo_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/

/** The role of a token, or null when it is malformed, unknown, revoked or wrong. */
export async function verifyToken(
  store: Store,
  token: string,
  ephemeral?: { id: string; hash: string; role: TokenRole },
): Promise<TokenRole | null> {
  const match = TOKEN.exec(token)
  if (!match) return null
  const [, id, secret] = match
  if (ephemeral && id === ephemeral.id) return secretMatches(secret!, ephemeral.hash) ? ephemeral.role : null
  const stored = await store.findToken(id!)
  if (!stored || !secretMatches(secret!, stored.hash) || !isTokenRole(stored.role)) return null
  return stored.role
}

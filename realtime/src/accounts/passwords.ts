/**
 * Password hashing: argon2id (`@node-rs/argon2`, a prebuilt napi binary: no install script) with the
 * library's defaults (OWASP's minimum: 19 MiB, 2 passes, 1 lane), stored as a PHC string.
 */
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash to verify against when the user does not exist, so a wrong user name costs as long as a wrong password. */
let decoy: Promise<string> | undefined;

/** True when `password` matches `phc`; false for a wrong password, a missing or a malformed hash. */
export async function verifyPassword(phc: string | null | undefined, password: string): Promise<boolean> {
  if (!phc) {
    decoy ??= hash('callboard-decoy-password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: another key, another context, or altered bytes. */
export class SecretCipherError extends Error {
  constructor(
    readonly keyName: string,
    context: string,
  ) {
    super(
      `a value sealed for ${context} does not open with ${keyName}: ${keyName} is not the key it was sealed with (or the stored value was altered); set ${keyName} back to that key`,
    );
    this.name = SecretCipherError.name;
  }
}

/**
 * AES-256-GCM for secrets kept in Forge's database (git tokens, the apps' database passwords).
 * The key is the SHA-256 of a config value, so any string of 32+ characters serves; a sealed
 * value is base64 of iv ‖ tag ‖ ciphertext, bound to `context` (the project id) so a value
 * copied to another project's row does not open.
 */
export class SecretCipher {
  private readonly key: Buffer;

  /** `keyName`: the config variable `secret` comes from, named when a value does not open. */
  constructor(
    secret: string,
    readonly keyName: string,
  ) {
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Throws SecretCipherError when the key or the context differ, or the value was altered. */
  open(sealed: string, context: string): string {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) {
      throw new SecretCipherError(this.keyName, context);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretCipherError(this.keyName, context);
    }
  }
}

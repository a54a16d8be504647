import { SecretCipher, SecretCipherError } from './secret-cipher';

const KEY = 'a-key-of-at-least-32-characters-0123456789';

describe(SecretCipher.name, () => {
  const cipher = new SecretCipher(KEY, 'TEST_KEY');

  it('opens what it sealed, and never shows the plaintext in the sealed form', () => {
    const sealed = cipher.seal('the password', 'project-a');
    expect(sealed).not.toContain('the password');
    expect(Buffer.from(sealed, 'base64').toString('utf8')).not.toContain('the password');
    expect(cipher.open(sealed, 'project-a')).toBe('the password');
    // A fresh iv each time: the same plaintext seals differently.
    expect(cipher.seal('the password', 'project-a')).not.toBe(sealed);
  });

  it('refuses another context, another key and altered bytes, naming the key', () => {
    const sealed = cipher.seal('the password', 'project-a');
    const refusal = (run: () => string) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return 'opened';
    };
    const otherContext = refusal(() => cipher.open(sealed, 'project-b'));
    expect(otherContext).toBeInstanceOf(SecretCipherError);
    expect((otherContext as Error).message).toMatch(/does not open with TEST_KEY/);

    const otherKey = new SecretCipher(`${KEY}-other`, 'TEST_KEY');
    expect(refusal(() => otherKey.open(sealed, 'project-a'))).toBeInstanceOf(SecretCipherError);

    const bytes = Buffer.from(sealed, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(refusal(() => cipher.open(bytes.toString('base64'), 'project-a'))).toBeInstanceOf(
      SecretCipherError,
    );
    expect(refusal(() => cipher.open('short', 'project-a'))).toBeInstanceOf(SecretCipherError);
  });
});

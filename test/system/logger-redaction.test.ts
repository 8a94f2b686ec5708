import { describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.js';

const capture = () => captureLogs('info');

describe('log redaction', () => {
  it('masks secrets at the top level and one object deep', () => {
    const { logger, lines } = capture();
    const secrets = {
      password: 'pw-value-1',
      currentPassword: 'pw-value-2',
      newPassword: 'pw-value-3',
      passwordHash: '$argon2id$v=19$hash-value',
      token: 'token-value',
      tokenHash: 'token-hash-value',
      apiKey: 'sk-api-key-value',
      authorization: 'Bearer auth-value',
    };
    logger.info(
      { ...secrets, user: { id: 'u1', ...secrets }, input: secrets, headers: { authorization: 'Bearer header-value' } },
      'secrets',
    );

    const entry = JSON.parse(lines[0]!) as Record<string, unknown> & {
      user: Record<string, unknown>;
      input: Record<string, unknown>;
      headers: Record<string, unknown>;
    };
    for (const key of Object.keys(secrets)) {
      expect(entry[key], key).toBe('[redacted]');
      expect(entry.user[key], `user.${key}`).toBe('[redacted]');
      expect(entry.input[key], `input.${key}`).toBe('[redacted]');
    }
    expect(entry.headers.authorization).toBe('[redacted]');
    expect(entry.user.id).toBe('u1');
    expect(lines.join('')).not.toMatch(/-value/);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, timeZone: 'Asia/Tehran', databaseUrl: undefined, logLevel: 'info' });
    expect(config.dataDir).toMatch(/\.behflow$/);
  });

  it('reports every bad value together, naming each variable and never echoing values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', BEHFLOW_TIMEZONE: 'Mars/Olympus', DATABASE_URL: 'mysql://secret-password@host/db' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/BEHFLOW_TIMEZONE: must be an IANA time zone/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).not.toContain('secret-password');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 4000, databaseUrl: undefined });
  });
});

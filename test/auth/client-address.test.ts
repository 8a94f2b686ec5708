import { describe, expect, it } from 'vitest';
import { clientAddressOf } from '../../src/system/client.js';
import { rateLimitKeyOf } from '../../src/auth/attempt-limiter.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('clientAddressOf', () => {
  it('uses the peer and ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressOf('192.0.2.1', '203.0.113.5', 0)).toBe('192.0.2.1');
  });

  it('counts trusted hops from the right, never taking what the client wrote', () => {
    // client 203.0.113.5 → proxy 10.0.0.1 → proxy 10.0.0.2 (the peer); the client forged 198.51.100.1.
    expect(clientAddressOf('10.0.0.2', '198.51.100.1, 203.0.113.5, 10.0.0.1', 2)).toBe('203.0.113.5');
    expect(clientAddressOf('10.0.0.2', '198.51.100.1, 203.0.113.5, 10.0.0.1', 1)).toBe('10.0.0.1');
    expect(clientAddressOf('10.0.0.1', ['198.51.100.1', '203.0.113.5'], 1)).toBe('203.0.113.5');
    expect(clientAddressOf('10.0.0.1', '2001:db8::7', 1)).toBe('2001:db8::7');
  });

  it('falls back sensibly when the chain is short, missing or not addresses', () => {
    expect(clientAddressOf('10.0.0.2', '203.0.113.5', 3)).toBe('203.0.113.5');
    expect(clientAddressOf('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(clientAddressOf('10.0.0.2', 'unknown', 1)).toBe('10.0.0.2');
    expect(clientAddressOf('10.0.0.2', '203.0.113.5, ', 1)).toBe('203.0.113.5');
  });
});

describe('configuration of the account limits', () => {
  it('has defaults: registrations limited to 10 per hour, no proxy trusted, ended sessions kept 30 days', () => {
    const config = loadConfig({});
    expect(config.registerRateLimit).toEqual({ windowSeconds: 3600, maxPerAddress: 10 });
    expect(config.trustedProxies).toBe(0);
    expect(config.housekeeping).toEqual({ intervalSeconds: 3600, sessionRetentionMs: 30 * 86_400_000 });
  });

  it('reads BEHFLOW_TRUST_PROXY as a flag or a hop count', () => {
    expect(loadConfig({ BEHFLOW_TRUST_PROXY: 'true' }).trustedProxies).toBe(1);
    expect(loadConfig({ BEHFLOW_TRUST_PROXY: 'false' }).trustedProxies).toBe(0);
    expect(loadConfig({ BEHFLOW_TRUST_PROXY: '2' }).trustedProxies).toBe(2);
  });

  it('refuses bad values, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({
        BEHFLOW_TRUST_PROXY: 'everyone',
        BEHFLOW_REGISTER_MAX_PER_ADDRESS: '0',
        BEHFLOW_REGISTER_WINDOW_SECONDS: 'soon',
        BEHFLOW_SESSION_RETENTION_DAYS: '-1',
        BEHFLOW_HOUSEKEEPING_INTERVAL_SECONDS: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/BEHFLOW_TRUST_PROXY: must be false, true/);
    for (const name of [
      'BEHFLOW_REGISTER_MAX_PER_ADDRESS',
      'BEHFLOW_REGISTER_WINDOW_SECONDS',
      'BEHFLOW_SESSION_RETENTION_DAYS',
      'BEHFLOW_HOUSEKEEPING_INTERVAL_SECONDS',
    ]) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain('everyone');
    expect(() => loadConfig({ BEHFLOW_TRUST_PROXY: '11' })).toThrow(/BEHFLOW_TRUST_PROXY/);
  });
});

describe('rateLimitKeyOf', () => {
  it('keys IPv6 addresses by their /64 prefix, however they are written', () => {
    const key = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::7%eth0']) {
      expect(rateLimitKeyOf(address), address).toBe(key);
    }
    expect(rateLimitKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKeyOf('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKeyOf('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('keys IPv4-mapped IPv6 addresses by the IPv4 address they carry', () => {
    expect(rateLimitKeyOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitKeyOf('::FFFF:c000:201')).toBe('192.0.2.1');
    expect(rateLimitKeyOf('0:0:0:0:0:ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('leaves IPv4 addresses, other text and a missing address as they are', () => {
    expect(rateLimitKeyOf('192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitKeyOf('not an address')).toBe('not an address');
    expect(rateLimitKeyOf(null)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';

/**
 * Instances started at the same moment on a new database all come up with their schedulers
 * (pg-boss's queue creation races between them; the losers must look again, not fail).
 */
describe('several instances starting at once', () => {
  it('all start, scheduler included, on a fresh database', async () => {
    for (let round = 0; round < 2; round += 1) {
      const databaseUrl = await createTestDatabase();
      const servers = await Promise.all(
        Array.from({ length: 3 }, () => startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER: 'true' } })),
      );
      expect(servers.every((server) => server.running.scheduler !== null)).toBe(true);
      const queues = await servers[0]!.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.queue`);
      expect(queues[0]!.n).toBeGreaterThan(0);
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

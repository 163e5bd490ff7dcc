import type { SpanStore } from '../../../collector/src/index.js';

/**
 * Which gateway replicas enforce budgets on one store (`budgets.replicas: auto`): each
 * replica writes a heartbeat row at every sync, and counts the replicas whose heartbeat is
 * younger than a few sync intervals. A replica that stops (or loses the store) drops out
 * of the others' count once its last heartbeat ages past that.
 */
export interface ReplicaRegistry {
  /** Records `instance` as alive at `atMs`, then counts the replicas seen since `sinceMs` (itself included). */
  heartbeatAndCount(instance: string, atMs: number, sinceMs: number): Promise<number>;
}

const TABLE = 'sluice_budget_replicas';

/**
 * `db`.`sluice_budget_replicas`: one row per replica and heartbeat, the newest kept per
 * replica (ReplacingMergeTree by `seen_at`), gone a day after. Rendered for a cluster as the
 * collector's and the cache's tables are (`ON CLUSTER`, `Replicated*`).
 */
export function replicaTableDdl(database: string, cluster: string | undefined): string {
  const onCluster = cluster === undefined ? '' : ` ON CLUSTER \`${cluster}\``;
  const engine = cluster === undefined ? 'ReplacingMergeTree(seen_at)' : 'ReplicatedReplacingMergeTree(seen_at)';
  return `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${TABLE}\`${onCluster} (
  instance String,
  seen_at DateTime64(3, 'UTC')
) ENGINE = ${engine}
ORDER BY instance
TTL toDateTime(seen_at) + INTERVAL 1 DAY`;
}

/** The registry on the gateway's store; the table is created on the first heartbeat. */
export function storeReplicaRegistry(store: Pick<SpanStore, 'info' | 'query' | 'command' | 'insertJsonEachRow'>): ReplicaRegistry {
  const { database, cluster } = store.info;
  let created: Promise<void> | undefined;
  return {
    async heartbeatAndCount(instance, atMs, sinceMs) {
      created ??= store.command(replicaTableDdl(database, cluster)).catch((err: unknown) => {
        created = undefined;
        throw err;
      });
      await created;
      const seenAt = new Date(atMs).toISOString().replace('T', ' ').replace('Z', '');
      await store.insertJsonEachRow(TABLE, `${JSON.stringify({ instance, seen_at: seenAt })}\n`);
      const rows = await store.query<{ n: unknown }>(
        `SELECT uniqExact(instance) AS n FROM \`${database}\`.\`${TABLE}\` WHERE seen_at >= fromUnixTimestamp64Milli({since:Int64})`,
        { since: Math.floor(sinceMs) },
      );
      // Its own row was just written: at least this replica.
      return Math.max(1, Number(rows[0]?.n ?? 1));
    },
  };
}

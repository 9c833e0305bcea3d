import pg, { type Pool, type PoolClient, type QueryResult } from 'pg';
import { RaqibError } from '@raqib/core';
import { moduleLogger } from '../../logging/logger.js';
import { redactPostgresUrl, toStorageError } from './postgres-errors.js';

export type Row = Record<string, unknown>;
/** Runs one statement on the connection at hand (the pool, or a transaction's client). */
export type Sql = (text: string, params?: readonly unknown[]) => Promise<QueryResult<Row>>;

export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database` (libpq URL; `?host=/socket/dir` for a unix socket). */
  url: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** How long to wait for a connection before the call fails as STORAGE_UNAVAILABLE; default 5000. */
  connectTimeoutMs?: number;
}

const log = moduleLogger('storage');

/** BIGINT (Unix ms, counts) as a JS number: every value Raqib stores is far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool of PostgreSQL connections with the two shapes the store needs: one statement (`sql`) and
 * one transaction (`transaction`). Errors leave as RaqibErrors (see `toStorageError`); a connection
 * that failed mid-transaction is destroyed, not returned to the pool.
 */
export class PostgresConnection {
  readonly pool: Pool;
  /** The URL without its password, for messages and logs. */
  readonly label: string;
  private closed = false;

  constructor(options: PostgresConnectionOptions) {
    this.label = redactPostgresUrl(options.url);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      types,
      application_name: 'raqib',
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process; the
    // pool replaces it on the next checkout.
    this.pool.on('error', (error) => {
      log.warn({ database: this.label, err: { message: error.message } }, 'idle PostgreSQL connection lost');
    });
  }

  readonly sql: Sql = async (text, params) => {
    try {
      return await this.pool.query<Row>(text, params as unknown[] | undefined);
    } catch (error) {
      throw toStorageError(error, this.label);
    }
  };

  /** Runs `work` in one transaction (READ COMMITTED); rolls back when it throws. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStorageError(error, this.label);
    }
    const sql: Sql = (text, params) => client.query<Row>(text, params as unknown[] | undefined);
    const detach = guardCheckedOut(client);
    try {
      await sql('BEGIN');
      const result = await work(sql);
      await sql('COMMIT');
      detach();
      client.release();
      return result;
    } catch (error) {
      let broken: Error | undefined;
      try {
        await sql('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      detach();
      client.release(broken);
      throw toStorageError(error, this.label);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Checks out one connection for `work` (migrations: a session advisory lock needs one connection). */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const { code } = toStorageError(error, this.label);
      const { message } = error as Error;
      const hint =
        code === 'STORAGE_UNAVAILABLE'
          ? 'is PostgreSQL running, and are the host and port right?'
          : 'check the user, database and password (RAQIB_POSTGRES_URL or PGPASSWORD)';
      throw new RaqibError(code, `${this.label}: cannot connect (${message || code}); ${hint}`, { cause: error });
    }
    const detach = guardCheckedOut(client);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      broken = error as Error;
      throw toStorageError(error, this.label);
    } finally {
      detach();
      client.release(broken);
    }
  }
}

/**
 * pg-pool listens for errors only on idle clients: a connection lost while checked out between two
 * statements would be an unhandled 'error' event (a crash). The statement in flight, or the next
 * one, fails anyway, so the event itself can be ignored.
 */
function guardCheckedOut(client: PoolClient): () => void {
  const ignore = (): void => undefined;
  client.on('error', ignore);
  return () => client.removeListener('error', ignore);
}

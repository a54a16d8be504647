import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AppDatabaseCredentials, AppDatabaseRepository, SecretCipher } from '@forge/db';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { AppDatabaseAdmin, appDatabaseUrl } from './app-database-admin';
import { applyMigrations, type MigrationRun } from './app-migrations';

/** What a migration run found beyond its problems: the size against APPS_DATABASE_MAX_BYTES. */
export interface AppMigrationReport extends MigrationRun {
  /** A sentence for the user when the database grew past APPS_DATABASE_MAX_BYTES. */
  sizeWarning: string | null;
}

/**
 * Each project's own PostgreSQL database on APPS_DATABASE_URL's server (DATABASE_URL's when
 * unset), made on demand: its role and password are kept in Forge's `app_databases` table (the
 * password sealed with APPS_DATABASE_KEY) and reach the project's sandbox as DATABASE_URL only.
 * Deleting the project drops both.
 */
@Injectable()
export class AppDatabases {
  private readonly logger = new Logger(AppDatabases.name);
  private readonly admin: AppDatabaseAdmin;
  private readonly serverUrl: string;
  private readonly cipher: SecretCipher;
  private readonly creating = new Map<string, Promise<AppDatabaseCredentials>>();
  private closed?: Promise<void>;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly rows: AppDatabaseRepository,
  ) {
    this.serverUrl = config.APPS_DATABASE_URL ?? config.DATABASE_URL;
    this.cipher = new SecretCipher(config.APPS_DATABASE_KEY, 'APPS_DATABASE_KEY');
    this.admin = new AppDatabaseAdmin({
      adminUrl: this.serverUrl,
      connectionLimit: config.APPS_DATABASE_CONNECTION_LIMIT,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    });
  }

  /** The project's credentials, or null when it has no database. */
  credentials(projectId: string): Promise<AppDatabaseCredentials | null> {
    return this.rows.find(projectId, this.cipher);
  }

  /** The project's database, created now when it has none (true in `created`). */
  async ensure(
    projectId: string,
  ): Promise<{ credentials: AppDatabaseCredentials; created: boolean }> {
    // Before the first database is handed out by this process, not only before one is made:
    // the databases of an older Forge are closed too, at their first use after an upgrade.
    await this.closeServer();
    const known = await this.credentials(projectId);
    if (known) {
      return { credentials: known, created: false };
    }
    let creating = this.creating.get(projectId);
    if (!creating) {
      creating = this.create(projectId).finally(() => this.creating.delete(projectId));
      this.creating.set(projectId, creating);
    }
    return { credentials: await creating, created: true };
  }

  /** `{ DATABASE_URL }` as the project's sandbox reaches its database; none without one. */
  async sandboxEnv(projectId: string): Promise<Record<string, string>> {
    const credentials = await this.credentials(projectId);
    if (!credentials) {
      return {};
    }
    const url = appDatabaseUrl(this.serverUrl, credentials, this.config.APPS_DATABASE_SANDBOX_HOST);
    return { DATABASE_URL: url };
  }

  /** Applies the project's new migrations as its own role; null when it has no database. */
  async migrate(
    projectId: string,
    files: ReadonlyMap<string, string>,
  ): Promise<AppMigrationReport | null> {
    const credentials = await this.credentials(projectId);
    if (!credentials) {
      return null;
    }
    const run = await applyMigrations(files, {
      url: appDatabaseUrl(this.serverUrl, credentials),
      timeoutMs: this.config.APPS_DATABASE_MIGRATION_TIMEOUT_MS,
      connectTimeoutMs: this.config.DATABASE_CONNECT_TIMEOUT_MS,
    });
    const max = this.config.APPS_DATABASE_MAX_BYTES;
    const sizeWarning =
      run.sizeBytes !== null && run.sizeBytes > max
        ? `The app's database holds ${run.sizeBytes} bytes, more than APPS_DATABASE_MAX_BYTES (${max}): keep seed data small and delete what the app no longer needs.`
        : null;
    return { ...run, sizeWarning };
  }

  /** Drops the project's database and role, and forgets them; nothing when it had none. */
  async drop(projectId: string): Promise<boolean> {
    // Whether it has one, not its password: a database is dropped even under another key.
    const known = await this.rows.exists(projectId);
    await this.creating.get(projectId)?.catch(() => undefined);
    if (!known && !(await this.rows.exists(projectId))) {
      return false;
    }
    await this.admin.drop(projectId);
    await this.rows.remove(projectId);
    this.logger.log(`dropped the database of project ${projectId}`);
    return true;
  }

  /** Drops the databases of projects that are gone (deleted while no runner heard it). */
  async reap(): Promise<string[]> {
    const dropped: string[] = [];
    for (const id of await this.rows.orphans()) {
      try {
        if (await this.drop(id)) {
          dropped.push(id);
        }
      } catch (error) {
        this.logger.warn(`could not drop the database of deleted project ${id}: ${String(error)}`);
      }
    }
    return dropped;
  }

  private async create(projectId: string): Promise<AppDatabaseCredentials> {
    const credentials = await this.admin.create(projectId);
    const recorded = await this.rows.insertIfProjectExists(projectId, credentials, this.cipher);
    if (!recorded) {
      // Deleted meanwhile: nothing may outlive it.
      await this.admin.drop(projectId);
      throw new Error(`project ${projectId} was deleted while its database was being created`);
    }
    this.logger.log(`created the database of project ${projectId}`);
    return credentials;
  }

  /**
   * Revokes PUBLIC's default CONNECT, once per process, on the databases of the apps' server a
   * project role could otherwise open: with APPS_DATABASE_REVOKE_PUBLIC_CONNECT every one that
   * is not a project's, else only Forge's own and the admin connection's. Safe for Forge: it
   * connects as the admin (granted CONNECT first, or a superuser, who needs none) or as its
   * database's owner, who keeps CONNECT; what a REVOKE FROM PUBLIC takes away is only the grant
   * roles without one of their own relied on, which on a shared server may be other users'.
   */
  private closeServer(): Promise<void> {
    this.closed ??= (async () => {
      // Whether the apps' server is Forge's cannot be told from host names; a database of that
      // name on another server is closed to PUBLIC all the same, which harms nobody. So is the
      // admin connection's own database (`apps` in compose).
      const names = new Set(
        [this.config.DATABASE_URL, this.serverUrl].map(
          (url) => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres',
        ),
      );
      if (this.config.APPS_DATABASE_REVOKE_PUBLIC_CONNECT) {
        for (const name of await this.admin.nonProjectDatabases()) {
          names.add(name);
        }
      }
      const { closed, refused } = await this.admin.closeToPublic(names);
      if (closed.length) {
        this.logger.log(
          `closed to the apps' roles (CONNECT revoked from PUBLIC): ${closed.join(', ')}`,
        );
      }
      if (refused.length) {
        this.logger.warn(
          `the apps' roles may still connect to ${refused.join(', ')}: the admin role of APPS_DATABASE_URL does not own them and cannot revoke PUBLIC's CONNECT; have their owner run REVOKE CONNECT ON DATABASE … FROM PUBLIC`,
        );
      }
    })().catch((error: unknown) => {
      this.closed = undefined;
      throw error;
    });
    return this.closed;
  }
}

import { type DataSource } from 'typeorm';

/** better-auth's sessions, read where Forge checks one outside better-auth (open sockets). */
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Those of `ids` that still exist and have not expired (sign-out deletes the row). */
  async live(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM sessions WHERE id = ANY($1::text[]) AND expires_at > now()`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }
}
